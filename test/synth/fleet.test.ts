import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StackConfig } from '../../src/config/schema';
import type { synthesizeFleet as SynthesizeFleet } from '../../src/synth/fleet';
import type { synthesize as Synthesize } from '../../src/synth/synthesize';
import type { TargetEntry } from '../../src/targets';
import { ROOT, tempDir } from '../helpers/cli';

// Worker threads run the compiled pipeline (lib/, built by `npm test`), so
// this test drives the compiled modules, as the CLI does.
const lib = (module: string) => require(path.join(ROOT, 'lib/src', module));
const { synthesizeFleet } = lib('synth/fleet') as { synthesizeFleet: typeof SynthesizeFleet };
const { synthesize } = lib('synth/synthesize') as { synthesize: typeof Synthesize };
const { findTarget } = lib('targets') as { findTarget: (name: string) => TargetEntry | undefined };
const { StackConfigSchema } = lib('config/schema') as { StackConfigSchema: { parse: (input: unknown) => StackConfig } };

/** A target in plain JavaScript that notes each worker thread that loads it, so the test can see the threads used it. */
const loggingTarget = (log: string) => `const { isMainThread } = require('node:worker_threads');
if (!isMainThread) require('node:fs').appendFileSync(${JSON.stringify(log)}, 'worker\\n');
exports.jsonTarget = {
  name: 'fake-json',
  requires: [],
  render(stack) {
    const file = stack.name + '.fake.json';
    return { files: [{ path: file, content: JSON.stringify({ service: stack.name }) + '\\n' }], checks: [] };
  },
};
`;

describe('synthesizeFleet with several targets on worker threads', () => {
  test('loads the targets in each worker and writes the same files as one thread, in the same order', async () => {
    const dir = tempDir('saplings-fleet-targets-');
    const log = path.join(dir, 'workers.log');
    const module = path.join(dir, 'json-target.js');
    fs.writeFileSync(module, loggingTarget(log));
    const stacks = Array.from({ length: 70 }, (_, i) =>
      StackConfigSchema.parse({ name: `s${String(i).padStart(2, '0')}`, environment: 'production', image: 'saplings:1.0.0', gitops: { syncWaves: i % 2 === 1 } }),
    );
    const options = {
      source: 'fleet.yaml',
      layout: 'file-per-resource' as const,
      targets: [findTarget('kubernetes')!, { name: 'fake-json', module, exportName: 'jsonTarget' }],
    };
    const threaded = await synthesizeFleet(stacks, { ...options, workers: 2 });
    expect(fs.readFileSync(log, 'utf8')).toBe('worker\nworker\n');
    const single = synthesize(stacks, options);
    expect(threaded.files.map((f) => f.path)).toStrictEqual(single.files.map((f) => f.path));
    expect(threaded).toStrictEqual(single);
    expect(single.files.at(-1)).toStrictEqual({ path: 'fake-json/s69.fake.json', content: '{"service":"s69"}\n', target: 'fake-json', stack: 's69' });
    expect(single.files.filter((f) => f.path === 'kustomization.yaml')).toHaveLength(1);
  });
});
