import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, runMain, tempDir } from '../../helpers/cli';

describe('saplings-k8s schema', () => {
  test('prints the committed saplings.schema.json', async () => {
    const run = await runMain(['schema'], tempDir());
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toStrictEqual(JSON.parse(fs.readFileSync(path.join(ROOT, 'saplings.schema.json'), 'utf8')));
  });
});
