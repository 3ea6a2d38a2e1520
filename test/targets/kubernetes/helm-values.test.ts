import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { loadConfigFile } from '../../../src/config/load';
import { RedisStore } from '../../../src/constructs/redis-store';
import { SaplingsApp } from '../../../src/constructs/saplings-app';
import { SaplingsValidationError } from '../../../src/constructs/errors';
import { renderStack } from '../../../src/targets/kubernetes/render';
import { SaplingsStack } from '../../../src/constructs/saplings-stack';
import { all, find, render } from '../../helpers/manifests';
import { selectorsOfExamples } from './selectors';

const EXAMPLES = path.join(__dirname, '..', '..', '..', 'examples');
const HELM_VALUES = loadConfigFile(path.join(EXAMPLES, 'helm-values.yaml'))[0];
const objects = renderStack(HELM_VALUES).objects as any[];

const RECOMMENDED = ['name', 'instance', 'component', 'part-of', 'managed-by'].map((k) => `app.kubernetes.io/${k}`);
const VERSION = 'app.kubernetes.io/version';

describe('recommended labels', () => {
  // The selectors each example's objects had before the recommended labels, recorded from the commit before them:
  // a Deployment's selector is immutable, and a changed Service or NetworkPolicy selector would cut running pods off.
  test('leave every selector of every example as it was (Deployment, Service, PDB, NetworkPolicy, topology spread, HPA)', () => {
    const before = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'example-selectors.json'), 'utf8')) as Record<string, unknown>;
    const examples = [...new Set(Object.keys(before).map((k) => k.split(' ')[0]))];
    expect(examples.length).toBeGreaterThanOrEqual(10);
    expect(selectorsOfExamples(EXAMPLES, examples)).toStrictEqual(before);
  });

  test('are on every object of every example; version only on the Deployments and their pod templates, from the image tag', () => {
    for (const example of fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml') && f !== 'inline-dev.yaml')) {
      for (const stack of loadConfigFile(path.join(EXAMPLES, example))) {
        for (const o of renderStack(stack).objects as any[]) {
          const labels = o.metadata.labels ?? {};
          expect({ object: `${example} ${o.kind}/${o.metadata.name}`, missing: RECOMMENDED.filter((k) => !(k in labels)) }).toStrictEqual({ object: `${example} ${o.kind}/${o.metadata.name}`, missing: [] });
          expect(labels['app.kubernetes.io/instance']).toBe(stack.name);
          expect(labels['app.kubernetes.io/managed-by']).toBe('saplings-k8s');
          expect(`${o.kind}: ${VERSION in labels}`).toBe(`${o.kind}: ${o.kind === 'Deployment'}`);
          if (o.kind === 'Deployment') {
            expect(o.spec.template.metadata.labels[VERSION]).toBe(labels[VERSION]);
            expect(o.spec.template.spec.containers[0].image.endsWith(`:${labels[VERSION]}`)).toBe(true);
          }
        }
      }
    }
  });

  test('name and component tell the app from Redis and the vector DB', () => {
    const pg = renderStack(loadConfigFile(path.join(EXAMPLES, 'pgvector.yaml'))[0]).objects as any[];
    const labelsOf = (name: string) => find(pg, 'Deployment', name).metadata.labels;
    expect(labelsOf('saplings-app')).toMatchObject({ 'app.kubernetes.io/name': 'saplings', 'app.kubernetes.io/component': 'app' });
    expect(labelsOf('redis')).toMatchObject({ 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/component': 'redis', [VERSION]: '7-alpine' });
    expect(labelsOf('pgvector')).toMatchObject({ 'app.kubernetes.io/name': 'pgvector', 'app.kubernetes.io/component': 'vector-db' });
  });

  test('an image bump changes only the Deployments and the objects that name the image', () => {
    const bumped = renderStack({ ...HELM_VALUES, image: 'registry.example.com/saplings:1.0.1' }).objects as any[];
    const changed = bumped.filter((o, i) => JSON.stringify(o) !== JSON.stringify(objects[i])).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(changed).toStrictEqual(['Deployment/saplings-app']);
  });
});

describe('GIVEN examples/helm-values.yaml (every Helm-values key)', () => {
  const app = find(objects, 'Deployment', 'saplings-app');
  const pod = app.spec.template;

  test('THEN metadata.labels and metadata.annotations are on every object', () => {
    for (const o of objects) {
      expect(o.metadata.labels).toMatchObject({ team: 'search', 'cost-center': '42' });
      expect(o.metadata.annotations).toMatchObject({ 'example.com/owner': 'search-team' });
    }
    expect(pod.metadata.labels).toMatchObject({ team: 'search', 'cost-center': '42' });
  });

  test("THEN podLabels and podAnnotations are on the app's pods only", () => {
    expect(pod.metadata.labels.tier).toBe('api');
    expect(pod.metadata.annotations['example.com/scrape-logs']).toBe('true');
    for (const o of objects) expect(o.metadata.labels.tier).toBeUndefined();
    expect(find(objects, 'Deployment', 'redis').spec.template.metadata.labels.tier).toBeUndefined();
  });

  test("THEN the scheduling keys are in the app's pod spec, and the given spread replaces ours, counting the app's pods", () => {
    expect(pod.spec).toMatchObject({
      nodeSelector: { 'kubernetes.io/arch': 'amd64' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'llm', effect: 'NoSchedule' }],
      affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['m6i.xlarge'] }] } }] } },
      priorityClassName: 'saplings-high',
    });
    expect(pod.spec.topologySpreadConstraints).toStrictEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'saplings' } } },
    ]);
    expect(find(objects, 'Deployment', 'redis').spec.template.spec.nodeSelector).toBeUndefined();
  });

  test('THEN the ServiceAccount carries its annotations and the pods run as it', () => {
    const sa = find(objects, 'ServiceAccount', 'saplings-app');
    expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::123456789012:role/saplings');
    expect(pod.spec.serviceAccountName).toBe('saplings-app');
  });

  test('THEN imagePullPolicy is on the app, its init container and nothing else', () => {
    const unpinned = render({ image: 'saplings:latest', app: { imagePullPolicy: 'IfNotPresent', waitForBackends: 60 } });
    const spec = find(unpinned, 'Deployment', 'saplings-app').spec.template.spec;
    expect([...spec.containers, ...spec.initContainers].map((c: any) => c.imagePullPolicy)).toStrictEqual(['IfNotPresent', 'IfNotPresent']);
  });

  test('THEN images.registry pulls Redis from the mirror in full Docker Hub form, and the app image stays as written', () => {
    expect(find(objects, 'Deployment', 'redis').spec.template.spec.containers[0].image).toBe('registry.example.com/mirror/library/redis:7-alpine');
    expect(pod.spec.containers[0].image).toBe('registry.example.com/saplings:1.0.0');
    const explicit = render({ images: { registry: 'mirror.example.com' }, redis: { image: 'redis:7.2-alpine' }, vectorDb: { enabled: true, engine: 'qdrant' } });
    expect(find(explicit, 'Deployment', 'redis').spec.template.spec.containers[0].image).toBe('redis:7.2-alpine');
    expect(find(explicit, 'Deployment', 'qdrant').spec.template.spec.containers[0].image).toBe('mirror.example.com/qdrant/qdrant:v1.13.4-unprivileged');
  });

  test('THEN extraEnv reads a field, a ConfigMap key and a Secret key, after the env the app sets', () => {
    const env = pod.spec.containers[0].env;
    expect(env.slice(-3)).toStrictEqual([
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'FEATURE_FLAGS', valueFrom: { configMapKeyRef: { name: 'saplings-flags', key: 'flags' } } },
      { name: 'SENTRY_DSN', valueFrom: { secretKeyRef: { name: 'saplings-sentry', key: 'dsn' } } },
    ]);
  });

  test('THEN the extra volume is in the pod and mounted read-only into the app container', () => {
    expect(pod.spec.volumes).toContainEqual({ name: 'prompts', configMap: { name: 'saplings-prompts' } });
    expect(pod.spec.containers[0].volumeMounts).toContainEqual({ name: 'prompts', mountPath: '/app/prompts', readOnly: true });
  });
});

describe('serviceAccount.create: false', () => {
  const existing = render({ serviceAccount: { create: false, name: 'platform-sa' } });

  test('emits no ServiceAccount for the app, and the pods run as the named one', () => {
    expect(all(existing, 'ServiceAccount').map((sa) => sa.metadata.name)).toStrictEqual(['redis']);
    expect(find(existing, 'Deployment', 'saplings-app').spec.template.spec.serviceAccountName).toBe('platform-sa');
  });
});

describe('SaplingsApp props', () => {
  const newApp = (props: Partial<ConstructorParameters<typeof SaplingsApp>[2]>) => {
    const chart = Testing.chart();
    return { chart, app: new SaplingsApp(chart, 'App', { image: 'saplings:1.0.0', ...props }) };
  };

  test('GIVEN a mount over one of the app\'s own paths THEN it is refused, naming them', () => {
    expect(() =>
      newApp({ extraVolumes: [{ name: 'x', emptyDir: {} }], extraVolumeMounts: [{ name: 'x', mountPath: '/app/data/cache' }] }),
    ).toThrow(new SaplingsValidationError([{ constructPath: 'test/App', message: "'extraVolumeMounts' mounts x at /app/data/cache, which would cover or hide the app's own mount at /app/data; the app mounts /app/data, /app/logs, /app/prometheus-multiproc, /tmp: choose a path outside them" }]));
    expect(() => newApp({ extraVolumes: [{ name: 'x', emptyDir: {} }], extraVolumeMounts: [{ name: 'x', mountPath: '/app' }] })).toThrow(/cover or hide the app's own mount at \/app\/data/);
  });

  test('GIVEN an extra volume named like one of the pod\'s THEN it is refused', () => {
    expect(() => newApp({ extraVolumes: [{ name: 'data-volume', emptyDir: {} }] })).toThrow(/'extraVolumes' names data-volume, a volume the pod has already/);
  });

  test("GIVEN extraEnv naming a variable the app sets THEN it is refused", () => {
    expect(() => newApp({ extraEnv: { PORT: { fieldRef: { fieldPath: 'metadata.name' } } } })).toThrow(/'extraEnv.PORT' would replace the PORT the app already sets/);
    expect(() => newApp({ extraEnv: { LOG_LEVEL: { fieldRef: { fieldPath: 'metadata.name' } } } })).toThrow(/'extraEnv.LOG_LEVEL' would replace/);
  });

  test('GIVEN podLabels with the selector label THEN it is refused', () => {
    expect(() => newApp({ podLabels: { app: 'other' } })).toThrow(/'podLabels.app' is a label the app sets itself/);
  });

  test('GIVEN serviceAccount.create false without a name THEN it is refused', () => {
    expect(() => newApp({ serviceAccount: { create: false } })).toThrow(/'serviceAccount.name' must name the existing ServiceAccount/);
  });

  test('GIVEN an existing ServiceAccount THEN the pods run as it and the chart has none', () => {
    const { chart, app } = newApp({ serviceAccount: { create: false, name: 'platform-sa' }, imagePullPolicy: kplus.ImagePullPolicy.ALWAYS });
    const manifests = Testing.synth(chart);
    expect(manifests.filter((o) => o.kind === 'ServiceAccount')).toStrictEqual([]);
    expect(app.serviceAccount.name).toBe('platform-sa');
    expect(find(manifests, 'Deployment').spec.template.spec.containers[0].imagePullPolicy).toBe('Always');
  });

  test('GIVEN imagePullPolicy THEN every container of the pod has it: the app, its sidecars and wait-for-backends', () => {
    const chart = Testing.chart();
    const redis = new RedisStore(chart, 'Redis', { requirePassword: false });
    new SaplingsApp(chart, 'App', {
      image: 'saplings:latest',
      redis,
      imagePullPolicy: kplus.ImagePullPolicy.NEVER,
      sidecars: [{ name: 'shipper', image: 'shipper:latest', resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '50m', memory: '32Mi' } } }],
    });
    const spec = Testing.synth(chart).find((o) => o.kind === 'Deployment' && o.metadata.name === 'saplings-app').spec.template.spec;
    expect([...spec.containers, ...spec.initContainers].map((c: any) => `${c.name}: ${c.imagePullPolicy}`)).toStrictEqual([
      'saplings: Never',
      'shipper: Never',
      'wait-for-backends: Never',
    ]);
  });

  test('GIVEN a SaplingsStack label that the stack already sets to another value THEN it is refused', () => {
    expect(() => new SaplingsStack(new App(), 's', { app: { image: 'saplings:1.0.0' }, labels: { name: 'other' } })).toThrow(/the label name is set by the stack on Namespace\/saplings already/);
  });
});
