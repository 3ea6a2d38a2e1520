import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { parseAllDocuments } from 'yaml';
import {
  AppSecret,
  Autoscaler,
  IngressWithTls,
  RedisStore,
  SaplingsApp,
  SaplingsStack,
  SaplingsValidationError,
  VectorDb,
  validateConstructs,
} from '../src';
import { Manifest, objectsOfKind, onlyOfKind } from './helpers/objects';

// The secure-default constructs are public too: a library user adds the namespace's
// default deny and the app's Secret source, and SaplingsApp.trafficPolicy is a TrafficPolicy.
const PUBLIC_CLASSES = [
  'SaplingsApp',
  'RedisStore',
  'VectorDb',
  'Autoscaler',
  'IngressWithTls',
  'SaplingsServiceMonitor',
  'SaplingsAlerts',
  'GrafanaDashboard',
  'AppSecret',
  'NamespaceIsolation',
  'TrafficPolicy',
  'SaplingsStack',
  'SaplingsValidationError',
];

// Functions a library user calls: run the construct validations and the checks.
const PUBLIC_FUNCTIONS = ['rollOnConfigChange', 'validateConstructs', 'runChecks', 'validateObjects', 'checkPolicy', 'findLeaks', 'emitYaml'];

// The config file API is its own entry, saplings-k8s/config.
const CONFIG_FUNCTIONS = ['loadConfigFile', 'parseConfigText', 'stackPropsFromConfig', 'renderStack', 'synthesize', 'registerTarget'];

describe('using saplings-k8s as a library', () => {
  let outdir: string;
  let chart: Chart;
  let manifests: Manifest[];

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'saplings-k8s-library-'));

    // The library example, as a user writes it; only the outdir is ours.
    const app = new App({ outdir });
    chart = new Chart(app, 'team-a', { namespace: 'team-a' });
    // Outside development Redis needs its password's Secret; qdrant reads its API key from saplings-secrets by default.
    const secret = kplus.Secret.fromSecretName(chart, 'secret', 'saplings-secrets');
    const redis = new RedisStore(chart, 'redis', { password: { secret } });
    const vectorDb = new VectorDb(chart, 'vectors', { engine: 'qdrant' });
    const sap = new SaplingsApp(chart, 'agents', { image: 'saplings:2.0.0', redis, vectorDb });
    new Autoscaler(chart, 'scale', { target: sap, minReplicas: 2, maxReplicas: 6 });
    new IngressWithTls(chart, 'web', { app: sap, host: 'agents.example.com', clusterIssuer: 'letsencrypt-prod' });
    app.synth();

    manifests = Testing.synth(chart);
  });

  afterAll(() => {
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  test('THEN app.synth() writes the chart\'s objects to team-a.k8s.yaml', () => {
    expect(fs.readdirSync(outdir)).toStrictEqual(['team-a.k8s.yaml']);
    const written = parseAllDocuments(fs.readFileSync(path.join(outdir, 'team-a.k8s.yaml'), 'utf8')).map((d) => d.toJS());
    expect(written).toStrictEqual(manifests);
  });

  test('THEN it holds the app, Redis, qdrant, the HPA, both Ingresses, and their ServiceAccounts, PDB and NetworkPolicies', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toStrictEqual([
      'ConfigMap/saplings-config',
      'Deployment/qdrant',
      'Deployment/redis',
      'Deployment/saplings-app',
      'HorizontalPodAutoscaler/saplings-hpa',
      'Ingress/saplings-ingress',
      'Ingress/saplings-metrics-ingress',
      'NetworkPolicy/allow-acme-http01-solver',
      'NetworkPolicy/qdrant-netpol-ingress',
      'NetworkPolicy/redis-netpol-ingress',
      'NetworkPolicy/saplings-netpol-egress',
      'NetworkPolicy/saplings-netpol-ingress',
      'PersistentVolumeClaim/qdrant-data-pvc',
      'PersistentVolumeClaim/redis-data-pvc',
      'PodDisruptionBudget/saplings-pdb',
      'Service/qdrant-service',
      'Service/redis-service',
      'Service/saplings-service',
      'ServiceAccount/qdrant',
      'ServiceAccount/redis',
      'ServiceAccount/saplings-app',
    ]);
  });

  test('THEN the NetworkPolicies follow the wiring: app to Redis and qdrant, ingress-nginx to the app', () => {
    const policy = (name: string) => objectsOfKind(manifests, 'NetworkPolicy').find((p) => p.metadata.name === name);
    expect(policy('redis-netpol-ingress')?.spec.ingress).toStrictEqual([
      { from: [{ podSelector: { matchLabels: { app: 'saplings' } } }], ports: [{ port: 6379, protocol: 'TCP' }] },
    ]);
    expect(policy('qdrant-netpol-ingress')?.spec.ingress).toStrictEqual([
      {
        from: [{ podSelector: { matchLabels: { app: 'saplings' } } }],
        ports: [
          { port: 6333, protocol: 'TCP' },
          { port: 6334, protocol: 'TCP' },
        ],
      },
    ]);
    expect(policy('saplings-netpol-ingress')?.spec.ingress).toStrictEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
        ports: [{ port: 8000, protocol: 'TCP' }],
      },
    ]);
    const egressTo = (policy('saplings-netpol-egress')?.spec.egress as Manifest[]).map((r) => r.to[0]);
    expect(egressTo).toStrictEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      },
      { ipBlock: { cidr: '169.254.20.10/32' } },
      { ipBlock: { cidr: '169.254.169.254/32' } },
      { podSelector: { matchLabels: { app: 'redis' } } },
      { podSelector: { matchLabels: { app: 'qdrant' } } },
      { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'] } },
    ]);
  });

  test('THEN every object is in namespace team-a', () => {
    expect(manifests.length).toBeGreaterThan(0);
    for (const m of manifests) {
      expect({ object: `${m.kind}/${m.metadata.name}`, namespace: m.metadata.namespace }).toStrictEqual({
        object: `${m.kind}/${m.metadata.name}`,
        namespace: 'team-a',
      });
    }
  });

  test('THEN Redis requires its password and qdrant its API key, as in the CLI\'s production stack', () => {
    const containerOf = (name: string) => objectsOfKind(manifests, 'Deployment').find((d) => d.metadata.name === name)?.spec.template.spec.containers[0];
    expect(containerOf('redis').args).toStrictEqual(['--appendonly', 'yes', '--dir', '/data', '--maxmemory', '402653184', '--maxmemory-policy', 'allkeys-lru', '--requirepass', '$(REDIS_PASSWORD)']);
    expect(containerOf('qdrant').env).toStrictEqual([
      { name: 'QDRANT__SERVICE__API_KEY', valueFrom: { secretKeyRef: { name: 'saplings-secrets', key: 'QDRANT_API_KEY' } } },
    ]);
  });

  test('THEN the app is wired to Redis and qdrant through its ConfigMap', () => {
    const configMap = onlyOfKind(manifests, 'ConfigMap');
    expect(configMap.data).toMatchObject({
      REDIS_URL: 'redis://redis-service:6379',
      QDRANT_URL: 'http://qdrant-service:6333',
      VECTOR_DB_ENGINE: 'qdrant',
    });
  });

  test('THEN the HPA scales saplings-app between 2 and 6 and the Deployment leaves replicas to it', () => {
    const hpa = onlyOfKind(manifests, 'HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 6, scaleTargetRef: { name: 'saplings-app' } });
    const app = objectsOfKind(manifests, 'Deployment').find((d) => d.metadata.name === 'saplings-app');
    expect(app?.spec).not.toHaveProperty('replicas');
    expect(app?.spec.template.spec.containers[0].image).toBe('saplings:2.0.0');
  });

  test('THEN the Ingress serves agents.example.com with a letsencrypt-prod certificate', () => {
    const ingress = objectsOfKind(manifests, 'Ingress').find((i) => i.metadata.name === 'saplings-ingress');
    expect(ingress?.spec.rules.map((r: Manifest) => r.host)).toStrictEqual(['agents.example.com']);
    expect(ingress?.spec.tls).toStrictEqual([{ hosts: ['agents.example.com'], secretName: 'saplings-tls' }]);
    expect(ingress?.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
  });
});

describe('a library user bringing their own parts to SaplingsStack', () => {
  const app = new App();
  const shared = new Chart(app, 'platform', { namespace: 'team-a' });
  const secret = new AppSecret(shared, 'secret', { name: 'team-a-secrets', keys: ['OPENAI_API_KEY', 'REDIS_PASSWORD', 'QDRANT_API_KEY'] });
  const redis = new RedisStore(shared, 'redis', { password: { secret } });
  const vectorDb = new VectorDb(shared, 'vectors', { engine: 'qdrant', requireApiKey: true, credentials: { secret } });
  const stack = new SaplingsStack(app, 'team-a', { name: 'agents', namespace: 'team-a', app: { image: 'saplings:2.0.0' }, secret, redis, vectorDb });

  test('THEN the stack wires their Secret, Redis and qdrant, and creates no Redis, qdrant or Secret of its own', () => {
    expect(stack.app.secret.name).toBe('team-a-secrets');
    expect([stack.redis, stack.vectorDb, stack.secret]).toStrictEqual([redis, vectorDb, secret]);
    const kinds = stack.toJson().map((o: Manifest) => `${o.kind}/${o.metadata.name}`);
    expect(kinds.filter((k: string) => /redis|qdrant|Secret/.test(k))).toStrictEqual([]);
    expect(onlyOfKind(stack.toJson(), 'ConfigMap').data).toMatchObject({ REDIS_URL: 'redis://redis-service:6379', QDRANT_URL: 'http://qdrant-service:6333' });
  });

  test('THEN validateConstructs passes, and a missing key is reported by type', () => {
    expect(() => validateConstructs(app)).not.toThrow();
    const lacking = new Chart(new App(), 'lacking');
    const partial = new AppSecret(lacking, 'secret', { name: 's', keys: [] });
    new RedisStore(lacking, 'redis', { password: { secret: partial } });
    expect(() => validateConstructs(lacking)).toThrow(SaplingsValidationError);
  });
});

describe('the package root', () => {
  test.each(PUBLIC_CLASSES)('src/index exports %s', (name) => {
    const root: Record<string, unknown> = require('../src');
    expect(typeof root[name]).toBe('function');
  });

  test.each(PUBLIC_FUNCTIONS)('src/index exports the function %s', (name) => {
    const root: Record<string, unknown> = require('../src');
    expect(typeof root[name]).toBe('function');
  });

  test.each(CONFIG_FUNCTIONS)('src/config exports the function %s', (name) => {
    const config: Record<string, unknown> = require('../src/config-api');
    expect(typeof config[name]).toBe('function');
  });

  test('src/index does not load zod or the YAML parser, which only the config entry needs', () => {
    const script = `require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'src', 'index.js'))});
      const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\/](zod|yaml|js-yaml)[\\/]/.test(k) && !/cdk8s[\\/]node_modules/.test(k));
      process.stdout.write(JSON.stringify(loaded));`;
    const run = require('node:child_process').spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toStrictEqual([]);
  });

  describe('as installed (package.json main, built by `npm run build`)', () => {
    const packageRoot = path.join(__dirname, '..');

    test('THEN it resolves to lib/src/index.js', () => {
      expect(require.resolve(packageRoot)).toBe(path.join(packageRoot, 'lib', 'src', 'index.js'));
    });

    test.each(PUBLIC_CLASSES)('THEN it exports %s', (name) => {
      const root: Record<string, unknown> = require(packageRoot);
      expect(typeof root[name]).toBe('function');
    });

    test('THEN its classes synthesize the library example', () => {
      const built: typeof import('../src') = require(packageRoot);
      const builtChart = new Chart(Testing.app(), 'team-a', { namespace: 'team-a' });
      const secret = kplus.Secret.fromSecretName(builtChart, 'secret', 'saplings-secrets');
      const redis = new built.RedisStore(builtChart, 'redis', { password: { secret } });
      const vectorDb = new built.VectorDb(builtChart, 'vectors', { engine: 'qdrant' });
      const sap = new built.SaplingsApp(builtChart, 'agents', { image: 'saplings:2.0.0', redis, vectorDb });
      new built.Autoscaler(builtChart, 'scale', { target: sap, minReplicas: 2, maxReplicas: 6 });
      new built.IngressWithTls(builtChart, 'web', { app: sap, host: 'agents.example.com', clusterIssuer: 'letsencrypt-prod' });
      const manifests: Manifest[] = Testing.synth(builtChart);
      expect(onlyOfKind(manifests, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
      expect(onlyOfKind(manifests, 'ConfigMap').data).toMatchObject({
        REDIS_URL: 'redis://redis-service:6379',
        QDRANT_URL: 'http://qdrant-service:6333',
      });
      expect(manifests.every((m) => m.metadata.namespace === 'team-a')).toBe(true);
      expect(objectsOfKind(manifests, 'NetworkPolicy').map((m) => m.metadata.name).sort()).toStrictEqual([
        'allow-acme-http01-solver',
        'qdrant-netpol-ingress',
        'redis-netpol-ingress',
        'saplings-netpol-egress',
        'saplings-netpol-ingress',
      ]);
    });
  });
});
