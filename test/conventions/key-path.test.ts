import { z } from 'zod';
import { fromDotPath, toDotPath } from '../../src/conventions/key-path';

const PATHS: [readonly (string | number)[], string][] = [
  [[], ''],
  [['spec', 'containers', 0, 'image'], 'spec.containers[0].image'],
  [['metadata', 'annotations', 'a.b/c'], 'metadata.annotations["a.b/c"]'],
  [[0, 'name'], '[0].name'],
  [['$schema'], '$schema'],
  [['ecs', 'secrets', 'OPENAI_API_KEY'], 'ecs.secrets.OPENAI_API_KEY'],
  [['a', 'say "hi"\\', 3], 'a["say \\"hi\\"\\\\"][3]'],
];

describe('toDotPath', () => {
  it.each(PATHS)('renders %j as %s, as zod does', (path, shown) => {
    expect(toDotPath(path as PropertyKey[])).toBe(shown);
    expect(toDotPath(path as PropertyKey[])).toBe(z.core.toDotPath(path as PropertyKey[]));
  });
});

describe('fromDotPath', () => {
  it.each(PATHS)('reads %j back from what toDotPath renders', (path) => {
    expect(fromDotPath(toDotPath(path as PropertyKey[]))).toStrictEqual(path);
  });
});
