import * as YAML from 'yaml';
import { StackConfigInput } from '../../../src/config/schema';
import { applyRank } from '../../../src/targets/kubernetes/apply-order';
import { rootFiles, stackFiles } from '../../../src/targets/kubernetes/layout';
import { provenanceHeader } from '../../../src/synth/provenance';
import { KubeObject } from '../../../src/targets/kubernetes/render';
import { processStacks, synthesize } from '../../../src/synth/synthesize';
import { parseManifests, render, stackConfig } from '../../helpers/manifests';

const HEADER = provenanceHeader('config.yaml');

/** Three stacks unlike each other, so every construct shows up in the output. */
const THREE: readonly Partial<StackConfigInput>[] = [
  { name: 'alpha', ingress: { host: 'alpha.example.com' } },
  { name: 'beta', ingress: { host: 'beta.example.com' }, vectorDb: { enabled: true, engine: 'qdrant' }, gitops: { syncWaves: true } },
  {
    name: 'gamma',
    ingress: { host: 'gamma.example.com' },
    secrets: { source: 'external', keys: ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'ENCRYPTION_KEY'], external: { storeName: 'vault' } },
    vectorDb: { enabled: true, engine: 'pgvector' },
  },
];

const kindNames = (objects: readonly KubeObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();

describe('file-per-stack', () => {
  test('is one <stack>.k8s.yaml holding the header and every object in order', () => {
    const objects = render();
    const files = stackFiles({ name: 'saplings', objects }, 'file-per-stack', HEADER);
    expect(files.map((f) => f.path)).toStrictEqual(['saplings.k8s.yaml']);
    expect(files[0].content.startsWith(HEADER)).toBe(true);
    expect(parseManifests(files[0].content)).toStrictEqual(objects);
  });

  test('has no root files', () => {
    expect(rootFiles(['a', 'b'], 'file-per-stack', HEADER)).toStrictEqual([]);
  });
});

describe('file-per-resource', () => {
  const objects = render();
  const files = stackFiles({ name: 'saplings', objects }, 'file-per-resource', HEADER);
  const resources = files.filter((f) => !f.path.endsWith('/kustomization.yaml'));

  test('writes one file per object, in apply order, named <NN>-<kind>-<name>.yaml with NN the apply rank', () => {
    expect(resources.map((f) => f.path)).toStrictEqual(
      objects.map((o) => `saplings/${String(applyRank(o.kind)).padStart(2, '0')}-${o.kind.toLowerCase()}-${o.metadata.name}.yaml`),
    );
    expect(resources.map((f) => f.path)).toContain('saplings/06-deployment-saplings-app.yaml');
    expect(resources.map((f) => f.path)).toContain('saplings/10-servicemonitor-saplings-monitor.yaml');
    expect(resources.map((f) => f.path)[0]).toBe('saplings/01-namespace-saplings.yaml');
    expect(resources.map((f) => parseManifests(f.content))).toStrictEqual(objects.map((o) => [o]));
    const ranks = resources.map((f) => applyRank(parseManifests(f.content)[0].kind));
    expect(ranks).toStrictEqual([...ranks].sort((a, b) => a - b));
  });

  test('adds <stack>/kustomization.yaml listing exactly those files, in order', () => {
    const kustomization = files.filter((f) => f.path.endsWith('/kustomization.yaml'));
    expect(kustomization.map((f) => f.path)).toStrictEqual(['saplings/kustomization.yaml']);
    expect(YAML.parse(kustomization[0].content)).toStrictEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: resources.map((f) => f.path.replace(/^saplings\//, '')),
    });
  });

  test('every file starts with the provenance header', () => {
    for (const file of files) expect(file.content.startsWith(HEADER)).toBe(true);
  });

  test('names stay put when another object comes or goes', () => {
    const without = stackFiles({ name: 'saplings', objects: objects.filter((o) => o.kind !== 'HorizontalPodAutoscaler') }, 'file-per-resource', HEADER);
    const kept = new Set(without.map((f) => f.path));
    const lost = files.map((f) => f.path).filter((p) => !kept.has(p));
    expect(lost).toStrictEqual(['saplings/07-horizontalpodautoscaler-saplings-hpa.yaml']);
  });

  test('string order is apply order, which is what a reviewer and `ls` see', () => {
    const paths = resources.map((f) => f.path);
    const ranks = paths.map((p) => Number(p.split('/')[1].slice(0, 2)));
    expect(ranks).toStrictEqual([...ranks].sort((a, b) => a - b));
  });

  test('a root kustomization.yaml lists the stack directories in config order', () => {
    const root = rootFiles(['zeta', 'alpha'], 'file-per-resource', HEADER);
    expect(root.map((f) => f.path)).toStrictEqual(['kustomization.yaml']);
    expect(root[0].content.startsWith(HEADER)).toBe(true);
    expect(YAML.parse(root[0].content)).toStrictEqual({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['zeta', 'alpha'] });
  });
});

describe('findings under file-per-resource', () => {
  it('name a file the layout writes', () => {
    // Staging lets an unpinned image through the config gates, so the object checks report it.
    const results = processStacks([stackConfig({ environment: 'staging', image: 'saplings:latest' })], { source: 'config.yaml', layout: 'file-per-resource' }, 0, 1);
    const written = new Set(results.files.flat().map((f) => f.path));
    expect(results.findings.length).toBeGreaterThan(0);
    expect(results.findings.filter((f) => !written.has(f.file ?? '')).map((f) => f.file)).toStrictEqual([]);
  });
});

describe('synthesize is deterministic', () => {
  const stacks = () => THREE.map((s) => stackConfig(s));

  test.each(['file-per-stack', 'file-per-resource'] as const)('two runs give identical files (%s)', (layout) => {
    const first = synthesize(stacks(), { source: 'config.yaml', layout });
    const second = synthesize(stacks(), { source: 'config.yaml', layout });
    expect(first.files.length).toBeGreaterThan(layout === 'file-per-stack' ? 2 : 3 * 15);
    expect(second.files).toStrictEqual(first.files);
  });

  test('the output has no timestamps, cdk8s address labels or hash-suffixed names', () => {
    const { files } = synthesize(stacks(), { source: 'config.yaml' });
    for (const file of files) {
      expect(file.content).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
      expect(file.content).not.toContain('cdk8s.io/metadata.addr');
      for (const o of parseManifests(file.content)) expect(o.metadata.name).not.toMatch(/-c8[0-9a-f]{6}$/);
    }
  });
});

describe('object names are stable', () => {
  test.each([
    ['app.maxWorkers', { app: { maxWorkers: 7 } }],
    ['ingress.rateLimitRps', { ingress: { rateLimitRps: 42 } }],
    ['app.logLevel', { app: { logLevel: 'DEBUG' } }],
    ['autoscaling.maxReplicas', { autoscaling: { maxReplicas: 9 } }],
    ['image', { image: 'saplings:2.0.0' }],
  ] as [string, Partial<StackConfigInput>][])('changing %s renames nothing', (_key, change) => {
    const before = render();
    const after = render(change);
    expect(after).not.toStrictEqual(before);
    expect(kindNames(after)).toStrictEqual(kindNames(before));
  });

  test('nor does it change any file-per-resource path', () => {
    const paths = (overrides: Partial<StackConfigInput>) =>
      stackFiles({ name: 'saplings', objects: render(overrides) }, 'file-per-resource', HEADER).map((f) => f.path);
    expect(paths({ app: { maxWorkers: 7 }, ingress: { rateLimitRps: 42 } })).toStrictEqual(paths({}));
  });
});
