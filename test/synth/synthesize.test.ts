import { InputError } from '../../src/config/errors';
import { FindingsError } from '../../src/checks/findings';
import { synthesize } from '../../src/synth/synthesize';
import { findTarget } from '../../src/targets';
import { stackConfig } from '../helpers/manifests';
import { FAKE_JSON_TARGET } from '../targets/fake-json-target';

const kubernetes = findTarget('kubernetes')!;
const source = 'saplings.yaml';

/** The error `fn` throws; fails the test when it returns. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('synthesize through the target seam', () => {
  const stacks = [stackConfig({ name: 'web', app: { maxWorkers: 4 } }), stackConfig({ name: 'api', app: { maxWorkers: 8 } })];

  test('renders the kubernetes target by default, into the output directory itself', () => {
    const byDefault = synthesize(stacks, { source });
    expect(byDefault.files.map((f) => f.path)).toStrictEqual(['web.k8s.yaml', 'api.k8s.yaml']);
    expect(synthesize(stacks, { source, targets: [kubernetes] })).toStrictEqual(byDefault);
  });

  test('Kubernetes writes into the output itself and every other target into its own directory, target by target, root files last', () => {
    const single = synthesize(stacks, { source, layout: 'file-per-resource' });
    const several = synthesize(stacks, { source, layout: 'file-per-resource', targets: [kubernetes, FAKE_JSON_TARGET] });
    expect(several.files.map((f) => f.path)).toStrictEqual([...single.files.map((f) => f.path), 'fake-json/web.fake.json', 'fake-json/api.fake.json']);
    // A file's content does not depend on the other targets.
    expect(several.files.slice(0, single.files.length).map((f) => f.content)).toStrictEqual(single.files.map((f) => f.content));
    expect(several.files.at(-1)!.content).toBe('{\n  "service": "api",\n  "image": "saplings:1.0.0",\n  "workers": 8,\n  "environment": {}\n}\n');
  });

  test('paths never move: each target writes the same files whichever other targets are selected', () => {
    const entries = [kubernetes, findTarget('compose')!, FAKE_JSON_TARGET];
    const filesOf = (targets: typeof entries) =>
      synthesize(stacks, { source, targets }).files.map((f) => `${f.target}: ${f.path}`);
    const alone = entries.flatMap((entry) => filesOf([entry]));
    // Every order and subset of the targets gives each target's files at the paths it has alone.
    for (const subset of [entries, [...entries].reverse(), [entries[1], entries[2]], [entries[0], entries[2]]]) {
      for (const file of filesOf(subset)) expect(alone).toContain(file);
    }
    expect(alone).toContain('compose: compose/web/compose.yaml');
    expect(alone).toContain('kubernetes: web.k8s.yaml');
  });

  test('a stack named like another target\'s folder is refused in the file-per-resource layout, where their folders would meet', () => {
    const err = thrownBy(() => synthesize([stackConfig({ name: 'compose' })], { source, layout: 'file-per-resource', targets: [kubernetes, findTarget('compose')!] }));
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems).toStrictEqual([
      {
        file: source,
        document: undefined,
        path: 'name',
        message: '"compose" is the folder of --target compose, which the Kubernetes files of the file-per-resource layout would share; rename the stack, or use --layout file-per-stack',
      },
    ]);
  });

  test('a key a selected target requires is an input problem for each stack that lacks it', () => {
    const err = thrownBy(() =>
      synthesize([stackConfig({ name: 'web', app: { maxWorkers: 4 } }), stackConfig({ name: 'api' })], { source, targets: [kubernetes, FAKE_JSON_TARGET] }),
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems).toStrictEqual([{ file: source, document: 2, path: 'app.maxWorkers', message: 'is required by --target fake-json; set it, or leave fake-json out of --target' }]);
  });

  test('the leak guard reads every target\'s output, and findings name the file in its target\'s directory', () => {
    const leaky = stackConfig({ name: 'web', app: { maxWorkers: 4, config: { NOTE: 'sk-proj-abc123def456ghi789jkl012' } } });
    const err = thrownBy(() => synthesize([leaky], { source, targets: [FAKE_JSON_TARGET] }));
    expect(err).toBeInstanceOf(FindingsError);
    expect((err as FindingsError).findings).toStrictEqual([
      expect.objectContaining({ severity: 'error', rule: 'leak-credential', file: 'fake-json/web.fake.json', object: 'FakeService/web', path: 'environment.NOTE' }),
    ]);
  });

  test('non-Kubernetes output skips the API validator and the policy', () => {
    // The document has no Kubernetes fields; as a Kubernetes object it would fail the API validator at once.
    expect(synthesize([stacks[0]], { source, targets: [FAKE_JSON_TARGET] }).findings).toStrictEqual([]);
  });

  test('a target\'s own checks run too', () => {
    const err = thrownBy(() => synthesize([stackConfig({ name: 'web', app: { maxWorkers: 40 } })], { source, targets: [kubernetes, FAKE_JSON_TARGET] }));
    expect(err).toBeInstanceOf(FindingsError);
    expect((err as FindingsError).findings).toStrictEqual([
      { severity: 'error', rule: 'fake-workers', file: 'fake-json/web.fake.json', object: 'FakeService/web', path: 'workers', message: 'at most 32' },
    ]);
  });
});
