import * as path from 'node:path';
import { loadConfigFile } from '../../../src/config/load';
import { SYNC_WAVE_ANNOTATION, applyRank, sortForApply } from '../../../src/targets/kubernetes/apply-order';
import { KubeObject, renderStack } from '../../../src/targets/kubernetes/render';
import { ROOT } from '../../helpers/cli';
import { render } from '../../helpers/manifests';

/**
 * The order `kubectl apply` needs, written out independently of APPLY_ORDER so
 * a change to the source table has to be made here too, on purpose.
 */
const EXPECTED_RANK: Readonly<Record<string, number>> = {
  Namespace: 1,
  ServiceAccount: 2,
  ConfigMap: 3,
  Secret: 3,
  ExternalSecret: 3,
  PersistentVolumeClaim: 4,
  Service: 5,
  Deployment: 6,
  HorizontalPodAutoscaler: 7,
  PodDisruptionBudget: 7,
  Ingress: 8,
  NetworkPolicy: 9,
  ServiceMonitor: 10,
  PrometheusRule: 10,
};

/** Values inline-dev.yaml reads from the environment at synth time. */
const INLINE_ENV = { OPENAI_API_KEY: 'sk-test', ANTHROPIC_API_KEY: 'sk-ant-test', ENCRYPTION_KEY: 'not-a-real-key' };

function example(name: string, overrides: Record<string, unknown> = {}): KubeObject[] {
  const [stack] = loadConfigFile(path.join(ROOT, 'examples', `${name}.yaml`), { env: INLINE_ENV });
  return renderStack({ ...stack, ...overrides }).objects;
}

function rankOf(kind: string): number {
  const rank = EXPECTED_RANK[kind];
  if (rank === undefined) throw new Error(`${kind} has no expected apply rank; add it to EXPECTED_RANK on purpose`);
  return rank;
}

function isNonDecreasing(values: readonly number[]): boolean {
  return values.every((v, i) => i === 0 || values[i - 1] <= v);
}

/** Stacks to check, and kinds each must contain so every rank is exercised somewhere. */
const STACKS: readonly [string, () => KubeObject[], readonly string[]][] = [
  ['the default stack', () => render(), ['Namespace', 'ServiceAccount', 'ConfigMap', 'PersistentVolumeClaim', 'Service', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress', 'NetworkPolicy', 'ServiceMonitor', 'PrometheusRule']],
  ['examples/pgvector.yaml', () => example('pgvector'), ['Deployment', 'PersistentVolumeClaim']],
  ['examples/qdrant.yaml', () => example('qdrant'), ['Deployment', 'Service']],
  ['examples/external-secrets.yaml', () => example('external-secrets'), ['ExternalSecret', 'ConfigMap']],
  ['examples/inline-dev.yaml', () => example('inline-dev'), ['Secret', 'ConfigMap']],
  ['examples/development.yaml', () => example('development'), ['Namespace']],
];

describe.each(STACKS)('apply order of %s', (_name, objectsOf, mustContain) => {
  const objects = objectsOf();
  const kinds = objects.map((o) => o.kind);

  test('contains the kinds that exercise its ranks', () => {
    expect(kinds).toEqual(expect.arrayContaining([...mustContain]));
  });

  test('every kind has its expected rank, and ranks never go down', () => {
    const ranks = kinds.map(rankOf);
    expect(isNonDecreasing(ranks)).toBe(true);
    for (const kind of new Set(kinds)) expect([kind, applyRank(kind)]).toStrictEqual([kind, EXPECTED_RANK[kind]]);
  });

  test('has no sync-wave annotation unless gitops.syncWaves is on', () => {
    expect(objects.filter((o) => (o.metadata.annotations as Record<string, string> | undefined)?.[SYNC_WAVE_ANNOTATION] !== undefined)).toStrictEqual([]);
  });
});

describe('applyRank', () => {
  test.each(Object.entries(EXPECTED_RANK))('%s has rank %d', (kind, rank) => {
    expect(applyRank(kind)).toBe(rank);
  });

  test('kinds it does not know go after every known kind', () => {
    const last = Math.max(...Object.values(EXPECTED_RANK));
    expect(applyRank('Widget')).toBeGreaterThan(last);
    expect(applyRank('Certificate')).toBe(applyRank('Widget'));
  });
});

describe('sortForApply', () => {
  const obj = (kind: string, name: string): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name } });
  const input = [
    obj('Widget', 'w1'),
    obj('Service', 's1'),
    obj('Deployment', 'd1'),
    obj('Secret', 'sec1'),
    obj('ConfigMap', 'cm1'),
    obj('Service', 's2'),
    obj('Gadget', 'g1'),
    obj('ExternalSecret', 'es1'),
    obj('Namespace', 'ns'),
    obj('ConfigMap', 'cm2'),
    obj('Widget', 'w2'),
    obj('Deployment', 'd2'),
  ];

  test('orders by rank and keeps the input order within a rank; unknown kinds go last, in input order', () => {
    expect(sortForApply(input).map((o) => `${o.kind}/${o.metadata.name}`)).toStrictEqual([
      'Namespace/ns',
      'Secret/sec1',
      'ConfigMap/cm1',
      'ExternalSecret/es1',
      'ConfigMap/cm2',
      'Service/s1',
      'Service/s2',
      'Deployment/d1',
      'Deployment/d2',
      'Widget/w1',
      'Gadget/g1',
      'Widget/w2',
    ]);
  });

  test('does not modify its input', () => {
    const before = input.map((o) => o.metadata.name);
    sortForApply(input);
    expect(input.map((o) => o.metadata.name)).toStrictEqual(before);
  });
});

describe('gitops.syncWaves', () => {
  /** An object without the sync-wave annotation, and without `annotations` if that was all it held. */
  function withoutWave(o: KubeObject): KubeObject {
    const { [SYNC_WAVE_ANNOTATION]: _wave, ...rest } = (o.metadata.annotations ?? {}) as Record<string, string>;
    const { annotations: _annotations, ...metadata } = o.metadata;
    return { ...o, metadata: Object.keys(rest).length ? { ...metadata, annotations: rest } : metadata } as KubeObject;
  }

  describe.each([
    ['the default stack', () => render({ gitops: { syncWaves: true } }), () => render()],
    ['examples/external-secrets.yaml', () => example('external-secrets', { gitops: { syncWaves: true } }), () => example('external-secrets')],
    ['examples/inline-dev.yaml', () => example('inline-dev', { gitops: { syncWaves: true } }), () => example('inline-dev')],
  ])('on %s', (_name, withWaves, plain) => {
    const objects = withWaves();

    test('annotates every object with its kind\'s rank, as a string, in the same order', () => {
      const waves = objects.map((o) => (o.metadata.annotations as Record<string, string> | undefined)?.[SYNC_WAVE_ANNOTATION]);
      expect(waves).toStrictEqual(objects.map((o) => String(rankOf(o.kind))));
      expect(isNonDecreasing(waves.map(Number))).toBe(true);
      for (const wave of waves) expect(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']).toContain(wave);
    });

    test('changes nothing else: same objects, same order, other annotations kept', () => {
      expect(objects.map(withoutWave)).toStrictEqual(plain());
    });
  });

  test('wave 1 is the Namespace and the last wave is the ServiceMonitor and the PrometheusRule', () => {
    const objects = render({ gitops: { syncWaves: true } });
    const wave = (o: KubeObject) => (o.metadata.annotations as Record<string, string>)[SYNC_WAVE_ANNOTATION];
    expect(wave(objects[0])).toBe('1');
    expect(objects[0].kind).toBe('Namespace');
    expect(objects.slice(-2).map((o) => [o.kind, wave(o)])).toStrictEqual([
      ['ServiceMonitor', '10'],
      ['PrometheusRule', '10'],
    ]);
  });
});
