// Counts loads of the render code of the targets a Kubernetes run does not select (evaluated on first require).
const mockRenderLoads: string[] = [];
jest.mock('../../src/targets/compose', () => (mockRenderLoads.push('compose'), jest.requireActual('../../src/targets/compose')));
jest.mock('../../src/targets/cloudrun', () => (mockRenderLoads.push('cloudrun'), jest.requireActual('../../src/targets/cloudrun')));
jest.mock('../../src/targets/ecs', () => (mockRenderLoads.push('ecs'), jest.requireActual('../../src/targets/ecs')));

import { parseConfigText, synthesize } from '../../src/config-api';
import { StackConfigSchema } from '../../src/config/schema';
import { loadTargetConfig, targetEntries } from '../../src/targets';
import type { TargetConfig } from '../../src/targets/target-config';

test('GIVEN a config with every target\'s key WHEN it is loaded and synthesized for Kubernetes THEN no other target\'s render code loads', () => {
  const stacks = parseConfigText('environment: staging\nimage: saplings:1.0.0\ncompose: {}\necs: { logStreamPrefix: web }\ncloudrun: { minScale: 0 }\n', 's.yaml');
  expect(synthesize(stacks, { source: 's.yaml' }).files.map((f) => f.path)).toStrictEqual(['saplings.k8s.yaml']);
  expect(mockRenderLoads).toStrictEqual([]);
});

describe('GIVEN the built-in targets\' config fragments', () => {
  const fragments = targetEntries().flatMap((entry) => {
    const config = loadTargetConfig(entry) as TargetConfig | undefined;
    return config ? [{ target: entry.name, config }] : [];
  });

  test('THEN the stack schema has each one under its key, the very schema the target exports', () => {
    const shape = StackConfigSchema.shape as Record<string, unknown>;
    expect(fragments.map(({ target, config }) => ({ target, key: config.key, composed: shape[config.key] === config.schema }))).toStrictEqual([
      { target: 'compose', key: 'compose', composed: true },
      { target: 'cloudrun', key: 'cloudrun', composed: true },
      { target: 'ecs', key: 'ecs', composed: true },
    ]);
  });

  test('THEN each fragment is optional and described, so a stack without it is valid and the reference explains it', () => {
    for (const { config } of fragments) {
      expect({ key: config.key, optional: config.schema.safeParse(undefined).success, described: Boolean(config.schema.description) }).toStrictEqual({
        key: config.key,
        optional: true,
        described: true,
      });
    }
  });
});
