import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { SYNC_WAVE_ANNOTATION } from '../../../src/targets/kubernetes/apply-order';
import { KubeObject } from '../../../src/targets/kubernetes/render';
import { CliRun, ROOT, hasStackTrace, runMain, snapshotDir, tempDir } from '../../helpers/cli';
import { RECORD_FILE } from '../../../src/synth/record';
import { parseManifests } from '../../helpers/manifests';
import { testWithTool } from '../../helpers/tools';
import { THREE_STACKS } from '../../helpers/configs';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };


/** Same table as test/synth/apply-order.test.ts, independent of the source. */
const EXPECTED_RANK: Readonly<Record<string, number>> = {
  Namespace: 1, ServiceAccount: 2, ConfigMap: 3, Secret: 3, ExternalSecret: 3, PersistentVolumeClaim: 4,
  Service: 5, Deployment: 6, HorizontalPodAutoscaler: 7, PodDisruptionBudget: 7, Ingress: 8, NetworkPolicy: 9, ServiceMonitor: 10, PrometheusRule: 10,
};

const objectKey = (o: KubeObject) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** Every object of every YAML file in a directory snapshot. */
function objectsOf(files: Record<string, string>): KubeObject[] {
  return Object.entries(files)
    .filter(([name]) => /\.ya?ml$/.test(name) && !name.endsWith('kustomization.yaml'))
    .flatMap(([, text]) => parseManifests(text));
}

/** Objects keyed by apiVersion/kind/namespace/name; fails on a duplicate key. */
function keyed(objects: readonly KubeObject[]): Map<string, KubeObject> {
  const map = new Map<string, KubeObject>();
  for (const o of objects) {
    if (map.has(objectKey(o))) throw new Error(`${objectKey(o)} appears twice`);
    map.set(objectKey(o), o);
  }
  return map;
}

/** `kubectl kustomize dir`, which needs no cluster. */
function kustomize(dir: string): string {
  const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (run.error || run.status !== 0) throw new Error(`kubectl kustomize ${dir} failed (${run.error?.message ?? `exit ${run.status}`}):\n${run.stderr}`);
  return run.stdout;
}

/** Tests that build the kustomizations with kubectl, offline; skipped where kubectl is missing. */
const withKubectl = testWithTool('kubectl', ['version', '--client'], 'build the kustomizations with `kubectl kustomize`');

async function synthOk(args: string[], cwd: string) {
  const run = await runMain(['synth', ...args], cwd);
  if (run.status !== 0) throw new Error(`synth ${args.join(' ')} exited ${run.status}:\n${run.stderr}`);
  return run;
}

// Runs in separate processes are compared in test/e2e/synth-determinism.test.ts.
describe.each(['file-per-stack', 'file-per-resource'])('synth is deterministic (%s)', (layout) => {
  test.each([
    ['examples/saplings.yaml', path.join(ROOT, 'examples/saplings.yaml')],
    ['a 3-stack config', 'three.yaml'],
  ])('two runs of %s into separate directories write the same bytes, with no timestamp or generated hash', async (_name, config) => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'three.yaml'), THREE_STACKS);
    await synthOk(['-c', config, '--layout', layout, '--out', 'first'], cwd);
    await synthOk(['-c', config, '--layout', layout, '--out', 'second'], cwd);
    const first = snapshotDir(path.join(cwd, 'first'));
    expect(Object.keys(first).length).toBeGreaterThan(0);
    expect(snapshotDir(path.join(cwd, 'second'))).toStrictEqual(first);

    for (const [file, text] of Object.entries(first)) {
      expect([file, text]).not.toEqual([file, expect.stringMatching(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|cdk8s\.io\/metadata\.addr/)]);
    }
    for (const o of objectsOf(first)) expect(objectKey(o)).not.toMatch(/-c8[0-9a-f]{6}$/);
  });
});

describe('gitops.syncWaves through the CLI', () => {
  test('only the stack that asks for it gets waves, following the file numbers of file-per-resource', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'three.yaml'), THREE_STACKS);
    await synthOk(['-c', 'three.yaml', '--layout', 'file-per-resource', '--out', 'out'], cwd);
    const files = snapshotDir(path.join(cwd, 'out'));
    const wave = (o: KubeObject) => (o.metadata.annotations as Record<string, string> | undefined)?.[SYNC_WAVE_ANNOTATION];
    for (const stack of ['alpha', 'beta', 'gamma']) {
      const objects = Object.keys(files)
        .filter((f) => f.startsWith(`${stack}/`) && !f.endsWith('kustomization.yaml'))
        .sort()
        .map((f) => parseManifests(files[f])[0]);
      expect(objects.length).toBeGreaterThan(15);
      if (stack === 'beta') {
        expect(objects.map(wave)).toStrictEqual(objects.map((o) => String(EXPECTED_RANK[o.kind])));
        expect(objects.map((o) => Number(wave(o)))).toStrictEqual(objects.map((o) => Number(wave(o))).sort((a, b) => a - b));
      } else {
        expect(objects.filter((o) => wave(o) !== undefined)).toStrictEqual([]);
      }
    }
  });
});

describe('--layout file-per-resource for a 2-stack config', () => {
  const cwd = tempDir();
  const stacks = ['tenant-a', 'tenant-b'];
  let perResource: Record<string, string>;
  let perStack: Record<string, string>;

  beforeAll(async () => {
    fs.copyFileSync(path.join(ROOT, 'examples/fleet.yaml'), path.join(cwd, 'fleet.yaml'));
    await synthOk(['-c', 'fleet.yaml', '--layout', 'file-per-resource', '--out', 'per-resource'], cwd);
    await synthOk(['-c', 'fleet.yaml', '--out', 'per-stack'], cwd);
    // The record of generated files is checked in test/synth/output.test.ts; these are the output files.
    const { [RECORD_FILE]: _resourceRecord, ...resourceFiles } = snapshotDir(path.join(cwd, 'per-resource'));
    const { [RECORD_FILE]: _stackRecord, ...stackFiles } = snapshotDir(path.join(cwd, 'per-stack'));
    perResource = resourceFiles;
    perStack = stackFiles;
  });

  test('writes <stack>/<NN>-<kind>-<name>.yaml numbered in apply order, a kustomization per stack and one at the root', () => {
    const expected = ['kustomization.yaml'];
    for (const stack of stacks) {
      const objects = parseManifests(perStack[`${stack}.k8s.yaml`]);
      const names = objects.map((o) => `${String(EXPECTED_RANK[o.kind]).padStart(2, '0')}-${o.kind.toLowerCase()}-${o.metadata.name}.yaml`);
      expected.push(...names.map((n) => `${stack}/${n}`), `${stack}/kustomization.yaml`);
      // Same objects, same order, one per file.
      expect(names.map((n) => parseManifests(perResource[`${stack}/${n}`]))).toStrictEqual(objects.map((o) => [o]));
      const ranks = objects.map((o) => EXPECTED_RANK[o.kind]);
      expect(ranks.every((r) => r !== undefined)).toBe(true);
      expect(ranks).toStrictEqual([...ranks].sort((a, b) => a - b));
    }
    expect(Object.keys(perResource).sort()).toStrictEqual(expected.sort());
  });

  test('each stack\'s kustomization.yaml lists exactly its files, in order; the root one lists the stacks', () => {
    for (const stack of stacks) {
      // In the order of the file-per-stack output, which is apply order.
      const files = parseManifests(perStack[`${stack}.k8s.yaml`]).map(
        (o) => `${String(EXPECTED_RANK[o.kind]).padStart(2, '0')}-${o.kind.toLowerCase()}-${o.metadata.name}.yaml`,
      );
      expect([...files].sort()).toStrictEqual(
        Object.keys(perResource).filter((f) => f.startsWith(`${stack}/`) && f !== `${stack}/kustomization.yaml`).map((f) => f.slice(stack.length + 1)).sort(),
      );
      expect(parseManifests(perResource[`${stack}/kustomization.yaml`])).toStrictEqual([
        { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: files },
      ]);
    }
    expect(parseManifests(perResource['kustomization.yaml'])).toStrictEqual([
      { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: stacks },
    ]);
  });

  test('every file starts with the provenance header', () => {
    for (const [file, text] of Object.entries({ ...perResource, ...perStack })) {
      const [first, second] = text.split('\n');
      expect([file, first]).toStrictEqual([file, `# Generated by saplings-k8s ${pkg.version} from fleet.yaml.`]);
      expect([file, second]).toStrictEqual([file, '# Do not edit by hand: change the config and run `saplings-k8s synth` again.']);
    }
  });

  withKubectl('kubectl kustomize builds the same set of objects as file-per-stack', () => {
    const built = keyed(parseManifests(kustomize(path.join(cwd, 'per-resource'))));
    const expected = keyed(objectsOf(perStack));
    expect(expected.size).toBeGreaterThan(30);
    expect([...built.keys()].sort()).toStrictEqual([...expected.keys()].sort());
    const differing = [...expected].filter(([key, o]) => !isDeepStrictEqual(built.get(key), o)).map(([key]) => key);
    expect(differing).toStrictEqual([]);
  });

  test('synth --check finds the output up to date', async () => {
    const run = await runMain(['synth', '-c', 'fleet.yaml', '--layout', 'file-per-resource', '--out', 'per-resource', '--check'], cwd);
    expect(run).toMatchObject({ status: 0, stdout: '' });
  });

  test('switching layouts removes the other layout\'s generated files and keeps files synth did not write', async () => {
    const out = path.join(cwd, 'switch');
    await synthOk(['-c', 'fleet.yaml', '--out', 'switch'], cwd);
    const unrelated = {
      'notes.yaml': 'kind: Note\ntext: written by hand\n',
      'extra.k8s.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: hand-made }\n',
      'README.md': '# deploy\n',
    };
    for (const [file, text] of Object.entries(unrelated)) fs.writeFileSync(path.join(out, file), text);

    const toResource = await synthOk(['-c', 'fleet.yaml', '--layout', 'file-per-resource', '--out', 'switch'], cwd);
    expect(toResource.stderr).toContain(', 2 removed');
    expect(snapshotDir(out)).toStrictEqual({ ...perResource, ...unrelated, [RECORD_FILE]: expect.any(String) });

    // A hand-written file inside a stack folder keeps that folder when switching back.
    fs.writeFileSync(path.join(out, 'tenant-b', 'patch.yaml'), '# mine\n');
    const toStack = await synthOk(['-c', 'fleet.yaml', '--out', 'switch'], cwd);
    expect(toStack.stderr).toContain('removed switch/kustomization.yaml');
    expect(snapshotDir(out)).toStrictEqual({ ...perStack, ...unrelated, 'tenant-b/patch.yaml': '# mine\n', [RECORD_FILE]: expect.any(String) });
    expect(fs.existsSync(path.join(out, 'tenant-a'))).toBe(false);
  });
});

describe('file-per-resource when a stack loses an object', () => {
  const cwd = tempDir();
  const write = (extra: string) => fs.writeFileSync(path.join(cwd, 'saplings.yaml'), `environment: production\nimage: saplings:1.0.0\n${extra}`);
  let after: CliRun;

  beforeAll(async () => {
    write('');
    await synthOk(['--layout', 'file-per-resource'], cwd);
    write('monitoring: { serviceMonitor: false }\n');
    after = await synthOk(['--layout', 'file-per-resource'], cwd);
  });

  test('its file is removed and the kustomization no longer lists it', () => {
    const files = snapshotDir(path.join(cwd, 'dist'));
    expect(Object.keys(files).filter((f) => f.includes('servicemonitor'))).toStrictEqual([]);
    const listed = (parseManifests(files['saplings/kustomization.yaml'])[0] as unknown as { resources: string[] }).resources;
    expect(listed.map((f) => `saplings/${f}`).sort()).toStrictEqual(Object.keys(files).filter((f) => f.startsWith('saplings/') && !f.endsWith('kustomization.yaml')).sort());
    expect(after.stderr).toContain('removed dist/saplings/10-servicemonitor-saplings-monitor.yaml (no longer generated)');
  });

  withKubectl('kubectl kustomize still builds, without the ServiceMonitor', () => {
    expect(parseManifests(kustomize(path.join(cwd, 'dist'))).map((o) => o.kind)).not.toContain('ServiceMonitor');
  });

  test('the message for the removed file does not claim the stack left the config', () => {
    expect(after.stderr).not.toContain('stack no longer in the config');
  });

  test('no other file is renamed; only the kustomization and the app policy that admitted Prometheus change', () => {
    expect(after.stderr.split('\n').filter((l) => l.startsWith('wrote')).map((l) => l.split(' ')[1]).sort()).toStrictEqual([
      'dist/saplings/09-networkpolicy-saplings-netpol-ingress.yaml',
      'dist/saplings/kustomization.yaml',
    ]);
  });
});

describe('--layout', () => {
  test('bogus is a usage error: exit 2, a message naming the layouts, nothing written', async () => {
    const cwd = tempDir();
    const run = await runMain(['synth', '--layout', 'bogus'], cwd);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--layout must be one of file-per-stack, file-per-resource, got "bogus"');
    expect(run.stdout).toBe('');
    expect(hasStackTrace(run.stderr)).toBe(false);
    expect(fs.readdirSync(cwd)).toStrictEqual([]);
  });
});
