import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfigFile } from '../../../src/config/load';
import { APPLY_ORDER, SYNC_WAVE_ANNOTATION, applyRank, sortForApply } from '../../../src/targets/kubernetes/apply-order';
import { KubeObject, renderStack } from '../../../src/targets/kubernetes/render';
import { ROOT } from '../../helpers/cli';
import { render } from '../../helpers/manifests';

/** Values the examples read from the environment at synth time. */
const INLINE_ENV = { OPENAI_API_KEY: 'sk-test', ANTHROPIC_API_KEY: 'sk-ant-test', ENCRYPTION_KEY: 'not-a-real-key' };

function example(name: string, overrides: Record<string, unknown> = {}): KubeObject[] {
  const [stack] = loadConfigFile(path.join(ROOT, 'examples', `${name}.yaml`), { env: INLINE_ENV });
  return renderStack({ ...stack, ...overrides }).objects;
}

function isNonDecreasing(values: readonly number[]): boolean {
  return values.every((v, i) => i === 0 || values[i - 1] <= v);
}

/** Every stack of every example, and the default stack with each optional part on. */
function stacks(): [string, KubeObject[]][] {
  const examples = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml'));
  const fromExamples = examples.flatMap((file) =>
    loadConfigFile(path.join(ROOT, 'examples', file), { env: INLINE_ENV }).map(
      (stack, i): [string, KubeObject[]] => [`examples/${file}#${i}`, renderStack(stack).objects],
    ),
  );
  return [['the default stack', render()], ['the default stack with sync waves', render({ gitops: { syncWaves: true } })], ...fromExamples];
}

type Ref = readonly [kind: string, name: string];

/**
 * What an object needs to exist before it is applied: the objects it names.
 * A pod that mounts a missing ConfigMap, Secret or claim, or runs as a
 * missing ServiceAccount, does not start
 * (https://kubernetes.io/docs/concepts/configuration/configmap/#using-configmaps-as-files-from-a-pod,
 * https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/);
 * a namespaced object cannot be created before its Namespace; an autoscaler,
 * an Ingress or a route names its target or backend. Envoy Gateway's policies
 * come before the route they guard (the reverse), so a route is never served
 * unguarded.
 */
function needs(o: KubeObject): Ref[] {
  const refs: Ref[] = [];
  const spec = (o as { spec?: any }).spec ?? {};
  if (o.metadata.namespace && o.kind !== 'Namespace') refs.push(['Namespace', o.metadata.namespace]);
  const pod = spec.template?.spec ?? spec.jobTemplate?.spec?.template?.spec;
  if (pod) {
    if (pod.serviceAccountName) refs.push(['ServiceAccount', pod.serviceAccountName]);
    for (const v of pod.volumes ?? []) {
      if (v.configMap) refs.push(['ConfigMap', v.configMap.name]);
      if (v.secret) refs.push(['Secret', v.secret.secretName]);
      if (v.persistentVolumeClaim) refs.push(['PersistentVolumeClaim', v.persistentVolumeClaim.claimName]);
    }
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      for (const e of c.envFrom ?? []) {
        if (e.configMapRef) refs.push(['ConfigMap', e.configMapRef.name]);
        if (e.secretRef) refs.push(['Secret', e.secretRef.name]);
      }
      for (const e of c.env ?? []) {
        if (e.valueFrom?.configMapKeyRef) refs.push(['ConfigMap', e.valueFrom.configMapKeyRef.name]);
        if (e.valueFrom?.secretKeyRef) refs.push(['Secret', e.valueFrom.secretKeyRef.name]);
      }
    }
  }
  if (o.kind === 'HorizontalPodAutoscaler') refs.push([spec.scaleTargetRef.kind, spec.scaleTargetRef.name]);
  if (o.kind === 'Ingress') {
    const backends = [spec.defaultBackend, ...(spec.rules ?? []).flatMap((r: any) => (r.http?.paths ?? []).map((p: any) => p.backend))];
    for (const b of backends) if (b?.service) refs.push(['Service', b.service.name]);
  }
  if (o.kind === 'HTTPRoute') {
    for (const p of spec.parentRefs ?? []) refs.push([p.kind ?? 'Gateway', p.name]);
    for (const r of spec.rules ?? []) for (const b of r.backendRefs ?? []) refs.push([b.kind ?? 'Service', b.name]);
  }
  return refs;
}

/** Policies that must be in place before the object they target. */
function guards(o: KubeObject): Ref[] {
  if (o.kind !== 'SecurityPolicy' && o.kind !== 'BackendTrafficPolicy') return [];
  const spec = (o as { spec?: any }).spec ?? {};
  return [...(spec.targetRefs ?? []), ...(spec.targetRef ? [spec.targetRef] : [])].map((t: any): Ref => [t.kind, t.name]);
}

/** Each pair of objects in `objects` that is out of dependency order, as `A/a before B/b`. */
function outOfOrder(objects: readonly KubeObject[]): string[] {
  const at = new Map(objects.map((o, i) => [`${o.kind}/${o.metadata.name}`, i]));
  const problems: string[] = [];
  objects.forEach((o, i) => {
    const self = `${o.kind}/${o.metadata.name}`;
    for (const [kind, name] of needs(o)) {
      const j = at.get(`${kind}/${name}`);
      if (j !== undefined && j > i) problems.push(`${self} before ${kind}/${name}`);
    }
    for (const [kind, name] of guards(o)) {
      const j = at.get(`${kind}/${name}`);
      if (j !== undefined && j < i) problems.push(`${kind}/${name} before ${self}`);
    }
  });
  return problems;
}

const ALL = stacks();
const EMITTED = new Set(ALL.flatMap(([, objects]) => objects.map((o) => o.kind)));

describe('apply order of what the Kubernetes target emits', () => {
  test('every kind any example or default stack emits has a rank of its own in APPLY_ORDER', () => {
    const known = new Set(APPLY_ORDER.flat());
    expect([...EMITTED].filter((kind) => !known.has(kind))).toStrictEqual([]);
    // The examples exercise the kinds whose order matters most.
    expect([...EMITTED]).toEqual(expect.arrayContaining(['Namespace', 'ServiceAccount', 'ConfigMap', 'Secret', 'ExternalSecret', 'Deployment', 'HTTPRoute', 'SecurityPolicy']));
  });

  test.each(ALL)('%s: rendered in apply order, and every object after what it needs', (_name, objects) => {
    expect(objects.map((o) => o.kind)).toStrictEqual(sortForApply(objects).map((o) => o.kind));
    expect(outOfOrder(objects)).toStrictEqual([]);
    expect(objects.filter((o) => needs(o).length > 0).length).toBeGreaterThan(0);
  });

  test('the dependency check catches an object moved ahead of what it needs, and a policy moved behind its route', () => {
    const [, objects] = ALL.find(([, list]) => list.some((o) => o.kind === 'SecurityPolicy'))!;
    const deployment = objects.findIndex((o) => o.kind === 'Deployment');
    const moved = [objects[deployment], ...objects.filter((_o, i) => i !== deployment)];
    expect(outOfOrder(moved).some((p) => p.startsWith(`Deployment/${objects[deployment].metadata.name} before `))).toBe(true);
    const policy = objects.findIndex((o) => o.kind === 'SecurityPolicy');
    const late = [...objects.filter((_o, i) => i !== policy), objects[policy]];
    expect(outOfOrder(late).some((p) => p.startsWith(`SecurityPolicy/${objects[policy].metadata.name} before `))).toBe(false);
    expect(outOfOrder(late).some((p) => p.endsWith(` before SecurityPolicy/${objects[policy].metadata.name}`))).toBe(true);
  });

  test('no sync-wave annotation unless gitops.syncWaves is on', () => {
    for (const [name, objects] of ALL.filter(([n]) => !n.includes('sync waves'))) {
      const annotated = objects.filter((o) => (o.metadata.annotations as Record<string, string> | undefined)?.[SYNC_WAVE_ANNOTATION] !== undefined);
      expect([name, annotated]).toStrictEqual([name, []]);
    }
  });
});

describe('applyRank', () => {
  test('each kind of APPLY_ORDER has its row as rank, counted from 1', () => {
    APPLY_ORDER.forEach((kinds, row) => kinds.forEach((kind) => expect([kind, applyRank(kind)]).toStrictEqual([kind, row + 1])));
  });

  test('kinds it does not know go after every known kind', () => {
    expect(applyRank('Widget')).toBe(APPLY_ORDER.length + 1);
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
      expect(waves).toStrictEqual(objects.map((o) => String(applyRank(o.kind))));
      expect(isNonDecreasing(waves.map(Number))).toBe(true);
      for (const wave of waves) expect(Number(wave)).toBeLessThanOrEqual(APPLY_ORDER.length);
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
