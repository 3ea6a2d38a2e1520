import { z } from 'zod';
import { toDotPath } from '../../src/conventions/key-path';

describe('toDotPath', () => {
  it.each([
    [[], ''],
    [['spec', 'containers', 0, 'image'], 'spec.containers[0].image'],
    [['metadata', 'annotations', 'a.b/c'], 'metadata.annotations["a.b/c"]'],
    [[0, 'name'], '[0].name'],
    [['$schema'], '$schema'],
  ])('renders %j as %s, as zod does', (path, shown) => {
    expect(toDotPath(path as PropertyKey[])).toBe(shown);
    expect(toDotPath(path as PropertyKey[])).toBe(z.core.toDotPath(path as PropertyKey[]));
  });
});
