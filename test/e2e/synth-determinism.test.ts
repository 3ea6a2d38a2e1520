import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, runCli, snapshotDir, tempDir } from '../helpers/cli';
import { THREE_STACKS } from '../helpers/configs';

/*
 * Two synth runs of one config, each in a process of its own, write the same
 * bytes: nothing in the output depends on the process (hash seeds, pids, time).
 * Runs within one process, and the absence of timestamps and generated hashes,
 * are tested in test/cli/commands/synth.layout.test.ts.
 */


describe.each(['file-per-stack', 'file-per-resource'])('synth is deterministic across processes (%s)', (layout) => {
  test.each([
    ['examples/saplings.yaml', path.join(ROOT, 'examples/saplings.yaml')],
    ['a 3-stack config', 'three.yaml'],
  ])('two runs of %s, in separate processes and directories, write the same bytes', (_name, config) => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'three.yaml'), THREE_STACKS);
    for (const out of ['first', 'second']) {
      const run = runCli(['synth', '-c', config, '--layout', layout, '--out', out], cwd);
      expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 });
    }
    const first = snapshotDir(path.join(cwd, 'first'));
    expect(Object.keys(first).length).toBeGreaterThan(0);
    expect(snapshotDir(path.join(cwd, 'second'))).toStrictEqual(first);
  });
});
