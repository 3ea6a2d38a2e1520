import { StackConfigInput } from '../../src/config/schema';
import { stackConfig } from '../helpers/manifests';
import { FAKE_JSON_TARGET, fakeJsonTarget } from './fake-json-target';

// Evaluated only when the kubernetes target's module is first required, so
// the tests below can see when the registry loads it.
let mockKubernetesLoads = 0;
jest.mock('../../src/targets/kubernetes', () => {
  mockKubernetesLoads++;
  return jest.requireActual('../../src/targets/kubernetes');
});

// Imported after the mock, as jest hoists it; the registry itself must not load any target.
import {
  DEFAULT_TARGET,
  applicableTargets,
  asCheckedDocument,
  findTarget,
  hasConfigKey,
  loadTarget,
  registerTarget,
  targetEntries,
} from '../../src/targets';

const stack = (overrides: Partial<StackConfigInput> = {}) => stackConfig(overrides);

describe('the target registry', () => {
  test('loads a target only when it is used, and once', () => {
    expect(mockKubernetesLoads).toBe(0);
    const entry = findTarget(DEFAULT_TARGET)!;
    expect(mockKubernetesLoads).toBe(0);
    expect(loadTarget(entry).name).toBe('kubernetes');
    expect(loadTarget(entry)).toBe(loadTarget(entry));
    expect(mockKubernetesLoads).toBe(1);
  });

  test('lists kubernetes first, as the default', () => {
    expect(DEFAULT_TARGET).toBe('kubernetes');
    expect(targetEntries().map((e) => e.name)).toStrictEqual(['kubernetes', 'compose', 'cloudrun', 'ecs']);
    expect(findTarget('helm')).toBeUndefined();
  });

  test('takes a target of its own by module path, and gives it back', () => {
    const unregister = registerTarget(FAKE_JSON_TARGET);
    try {
      expect(targetEntries().map((e) => e.name)).toStrictEqual(['kubernetes', 'compose', 'cloudrun', 'ecs', 'fake-json']);
      expect(loadTarget(findTarget('fake-json')!)).toBe(fakeJsonTarget);
      expect(() => registerTarget(FAKE_JSON_TARGET)).toThrow('a target called "fake-json" is already registered');
      expect(() => registerTarget({ ...FAKE_JSON_TARGET, name: 'all' })).toThrow('a target called "all" is already registered');
    } finally {
      unregister();
    }
    expect(findTarget('fake-json')).toBeUndefined();
  });

  test('a module without the named export is an error that names both', () => {
    expect(() => loadTarget({ ...FAKE_JSON_TARGET, exportName: 'nothing' })).toThrow(`${FAKE_JSON_TARGET.module} exports no target "nothing"`);
  });
});

describe('applicableTargets', () => {
  let unregister: () => void;
  beforeAll(() => (unregister = registerTarget(FAKE_JSON_TARGET)));
  afterAll(() => unregister());

  test('selects every target whose keys all stacks set', () => {
    const { selected, skipped } = applicableTargets([stack({ app: { maxWorkers: 4 } })]);
    expect(selected.map((e) => e.name)).toStrictEqual(['kubernetes', 'compose', 'fake-json']);
    expect(skipped.map((s) => s.name)).toStrictEqual(['cloudrun', 'ecs']);
  });

  test('skips a target when one stack lacks a key, naming the key and the stack', () => {
    const { selected, skipped } = applicableTargets([stack({ name: 'a', app: { maxWorkers: 4 } }), stack({ name: 'b' })]);
    expect(selected.map((e) => e.name)).toStrictEqual(['kubernetes', 'compose']);
    expect(skipped).toStrictEqual([
      { name: 'cloudrun', missingKey: 'cloudrun.secrets', stack: 'a' },
      { name: 'ecs', missingKey: 'ecs.cluster', stack: 'a' },
      { name: 'fake-json', missingKey: 'app.maxWorkers', stack: 'b' },
    ]);
  });
});

describe('hasConfigKey', () => {
  test('follows dotted keys and counts only values that are set', () => {
    expect(hasConfigKey(stack({ app: { maxWorkers: 4 } }), 'app.maxWorkers')).toBe(true);
    expect(hasConfigKey(stack(), 'app.maxWorkers')).toBe(false);
    expect(hasConfigKey(stack(), 'app.replicas')).toBe(true);
    expect(hasConfigKey(stack(), 'image.tag')).toBe(false);
    expect(hasConfigKey(stack(), 'ecs.cluster')).toBe(false);
  });
});

describe('asCheckedDocument', () => {
  test('labels a document for findings and keeps its fields where the file has them', () => {
    expect(asCheckedDocument('TaskDefinition', 'web', { family: 'web', containerDefinitions: [] })).toStrictEqual({
      apiVersion: 'saplings-k8s/document',
      kind: 'TaskDefinition',
      metadata: { name: 'web' },
      family: 'web',
      containerDefinitions: [],
    });
  });
});
