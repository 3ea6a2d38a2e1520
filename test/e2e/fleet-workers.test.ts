import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PARALLEL_THRESHOLD } from '../../src/synth/fleet';
import { KubeObject } from '../../src/targets/kubernetes/render';
import { synthesize } from '../../src/synth/synthesize';
import { CliRun, runCli, snapshotDir, tempDir } from '../helpers/cli';
import { parseManifests, render, stackConfig } from '../helpers/manifests';
import { RECORD_FILE, readRecord } from '../../src/synth/record';

/** The output files in `dir`, without the record of generated files (checked on its own). */
function outputFiles(dir: string): Record<string, string> {
  const { [RECORD_FILE]: _record, ...files } = snapshotDir(dir);
  return files;
}

/*
 * A fleet above PARALLEL_THRESHOLD through the built CLI, whose worker threads
 * exist only as compiled JavaScript: under ts-jest, in process, the fleet is
 * rendered on the main thread. Errors in a large fleet are in
 * test/cli/commands/synth.errors.test.ts.
 */

const COUNT = 200;
const names = Array.from({ length: COUNT }, (_, i) => `t${String(i).padStart(3, '0')}`);

/** One stack document; odd stacks turn sync waves on, so per-stack config must survive the trip to a worker. */
function doc(i: number): string {
  const name = names[i];
  return `name: ${name}\nenvironment: production\nimage: saplings:1.0.0\ningress:\n  host: ${name}.example.com\n${i % 2 ? 'gitops: { syncWaves: true }\n' : ''}`;
}

/** A config of the stacks at `indexes`, one YAML document each. */
const config = (indexes: readonly number[]) => indexes.map((i) => doc(i)).join('---\n');
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

const objectKey = (o: KubeObject) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** Preloaded into the CLI: each worker thread appends a line to $WORKER_LOG, so a test can see the threads ran. */
const WORKER_LOGGER = `const { isMainThread } = require('node:worker_threads');
if (!isMainThread && process.env.WORKER_LOG) require('node:fs').appendFileSync(process.env.WORKER_LOG, 'worker\\n');
`;

describe(`synth of a ${COUNT}-stack fleet (worker threads)`, () => {
  const cwd = tempDir('saplings-fleet-');
  const out = path.join(cwd, 'out');
  let run: CliRun;
  let files: Record<string, string>;
  let objectsByStack: Map<string, KubeObject[]>;
  const workerLog = path.join(cwd, 'workers.log');

  beforeAll(() => {
    expect(COUNT).toBeGreaterThan(PARALLEL_THRESHOLD);
    fs.writeFileSync(path.join(cwd, 'fleet.yaml'), config(range(0, COUNT)));
    const logger = path.join(cwd, 'worker-logger.js');
    fs.writeFileSync(logger, WORKER_LOGGER);
    run = runCli(['synth', '-c', 'fleet.yaml', '--out', 'out'], cwd, { NODE_OPTIONS: `--require ${JSON.stringify(logger)}`, WORKER_LOG: workerLog });
    if (run.status !== 0) throw new Error(`synth exited ${run.status}:\n${run.stderr}`);
    files = outputFiles(out);
    objectsByStack = new Map(names.map((name) => [name, parseManifests(files[`${name}.k8s.yaml`] ?? '')]));
  });

  test('renders on worker threads: one per core, at most 8, at least 32 stacks each', () => {
    const expected = Math.min(os.availableParallelism(), 8, Math.ceil(COUNT / 32));
    const started = fs.existsSync(workerLog) ? fs.readFileSync(workerLog, 'utf8').split('\n').filter(Boolean).length : 0;
    // On a single core the in-process path is the right one; everywhere else the threads must have run.
    expect(started).toBe(expected >= 2 ? expected : 0);
  });

  test('writes exactly one file per stack, each recorded with its stack', () => {
    expect(Object.keys(files).sort()).toStrictEqual(names.map((n) => `${n}.k8s.yaml`));
    expect([...readRecord(out).entries.values()].map((e) => `${e.stack} ${e.path}`)).toStrictEqual(names.map((n) => `${n} ${n}.k8s.yaml`));
  });

  test('prints one summary line and no progress line when stderr is not a terminal', () => {
    expect(run.stderr).not.toContain('\r');
    expect(run.stderr).toBe(`out: ${COUNT} stacks, ${COUNT} files: ${COUNT} written, 0 unchanged, 0 removed\n`);
    expect(run.stdout).toBe('');
  });

  test('every object of a stack\'s file lives in that stack\'s namespace', () => {
    const misplaced: string[] = [];
    for (const [name, objects] of objectsByStack) {
      for (const o of objects) {
        const ok = o.kind === 'Namespace' ? o.metadata.name === name && o.metadata.namespace === undefined : o.metadata.namespace === name;
        if (!ok) misplaced.push(`${name}.k8s.yaml: ${objectKey(o)}`);
      }
    }
    expect(misplaced).toStrictEqual([]);
  });

  test('every stack has the complete object set of a single default stack', () => {
    const reference = render();
    const shape = (objects: readonly KubeObject[], name: string) =>
      objects.map((o) => `${o.kind}/${o.metadata.name.replace(new RegExp(`^${name}(?=-|$)`), '<stack>')}`);
    const expected = shape(reference, 'saplings');
    expect(expected.length).toBeGreaterThan(15);
    const different = names.filter((name) => JSON.stringify(shape(objectsByStack.get(name)!, name)) !== JSON.stringify(expected));
    expect(different).toStrictEqual([]);
  });

  test('no object appears twice across the fleet, and none is missing', () => {
    const all = [...objectsByStack.values()].flat();
    const perStack = render().length;
    expect(all).toHaveLength(COUNT * perStack);
    expect(new Set(all.map(objectKey)).size).toBe(COUNT * perStack);
    for (const name of names) {
      expect(all.some((o) => o.kind === 'Namespace' && o.metadata.name === name)).toBe(true);
    }
  });

  test('each stack keeps its own config: its host, and sync waves exactly on odd stacks', () => {
    const wrong = names.filter((name, i) => {
      const objects = objectsByStack.get(name)!;
      const ingress = objects.find((o) => o.kind === 'Ingress' && o.metadata.name === `${name}-ingress`) as any;
      const waves = objects.filter((o) => (o.metadata.annotations as Record<string, string> | undefined)?.['argocd.argoproj.io/sync-wave']);
      return ingress?.spec.rules[0].host !== `${name}.example.com` || waves.length !== (i % 2 ? objects.length : 0);
    });
    expect(wrong).toStrictEqual([]);
  });

  test('files from the workers equal the in-process synthesis of the same stacks, byte for byte', () => {
    // Chunk edges for 2..8 workers fall around these indexes.
    for (const i of [0, 28, 29, 99, 100, 149, 199]) {
      const [file] = synthesize([stackConfig({ name: names[i], ingress: { host: `${names[i]}.example.com` }, gitops: { syncWaves: i % 2 === 1 } })], {
        source: 'fleet.yaml',
      }).files;
      expect(file.path).toBe(`${names[i]}.k8s.yaml`);
      expect([file.path, files[file.path]]).toStrictEqual([file.path, file.content]);
    }
  });

  test.each([
    ['the first 10 stacks', range(0, 10)],
    ['the last 10 stacks', range(COUNT - 10, COUNT)],
  ])('synthesizing %s alone gives the same files (chunking changes nothing)', (_name, indexes) => {
    const alone = tempDir('saplings-fleet-part-');
    // Same config file name, so the provenance headers match too.
    fs.writeFileSync(path.join(alone, 'fleet.yaml'), config(indexes));
    const part = runCli(['synth', '-c', 'fleet.yaml', '--out', 'out'], alone);
    expect(part.status).toBe(0);
    const partFiles = outputFiles(path.join(alone, 'out'));
    expect(Object.keys(partFiles).sort()).toStrictEqual(indexes.map((i) => `${names[i]}.k8s.yaml`));
    for (const [file, text] of Object.entries(partFiles)) expect([file, text]).toStrictEqual([file, files[file]]);
  });

  test('a second run finds every file unchanged and writes the same bytes', () => {
    const record = fs.readFileSync(path.join(out, RECORD_FILE), 'utf8');
    const again = runCli(['synth', '-c', 'fleet.yaml', '--out', 'out'], cwd);
    expect(again.status).toBe(0);
    expect(again.stderr).toBe(`out: ${COUNT} stacks, ${COUNT} files: 0 written, ${COUNT} unchanged, 0 removed\n`);
    expect(outputFiles(out)).toStrictEqual(files);
    expect(fs.readFileSync(path.join(out, RECORD_FILE), 'utf8')).toBe(record);
  });
});
