import * as fs from 'node:fs';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { RedisStore, SaplingsApp, SaplingsValidationError, VectorDb, validateConstructs } from '../../src';
import { tempDir } from '../helpers/cli';
import { Manifest } from '../helpers/objects';

// Issue 23, Why 2: two constructs of a kind in one namespace emitted the same objects, and only validateConstructs noticed.
const dev = { environment: 'development' } as const;
const ids = (manifests: Manifest[]) => manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort();

/** The objects of one construct: the ApiObjects whose construct path is under `path`. */
function objectsUnder(chart: Chart, path: string): Manifest[] {
  return chart.node
    .findAll()
    .filter(ApiObject.isApiObject)
    .filter((o) => o.node.path.startsWith(`${path}/`))
    .map((o) => o.toJson() as Manifest);
}

describe('names never collide', () => {
  test('GIVEN two RedisStores with default names in a chart THEN the first keeps today\'s objects, the second is named from its id, and synth passes', () => {
    const alone = Testing.chart();
    const only = new RedisStore(alone, 'Redis', dev);
    only.allowFrom(kplus.Pods.select(alone, 'Client', { labels: { app: 'x' } }));

    const chart = Testing.chart();
    const first = new RedisStore(chart, 'Redis', dev);
    const second = new RedisStore(chart, 'Sessions', dev);
    for (const redis of [first, second]) redis.allowFrom(kplus.Pods.select(chart, `Client${redis.node.id}`, { labels: { app: 'x' } }));

    const manifests = Testing.synth(chart);
    // Byte for byte what a lone RedisStore writes: an upgrade recreates no Deployment and replaces no claim.
    expect(objectsUnder(chart, 'test/Redis')).toStrictEqual(objectsUnder(alone, 'test/Redis'));
    expect(first.url).toBe('redis://redis-service:6379');
    expect(ids(objectsUnder(chart, 'test/Sessions'))).toStrictEqual([
      'Deployment/redis-sessions',
      'NetworkPolicy/redis-sessions-netpol-ingress',
      'PersistentVolumeClaim/redis-sessions-data-pvc',
      'Service/redis-sessions-service',
      'ServiceAccount/redis-sessions',
    ]);
    expect(second.url).toBe('redis://redis-sessions-service:6379');
    expect(second.deployment.matchLabels).toStrictEqual({ app: 'redis-sessions' });
    const service = manifests.find((m) => m.kind === 'Service' && m.metadata.name === 'redis-sessions-service')!;
    expect(service.spec.selector).toStrictEqual({ app: 'redis-sessions' });
    expect(new Set(ids(manifests)).size).toBe(manifests.length);
  });

  test('GIVEN two VectorDbs of one engine and two SaplingsApps with default names THEN no name repeats', () => {
    const chart = Testing.chart();
    new VectorDb(chart, 'Vectors', { engine: 'qdrant' });
    new VectorDb(chart, 'Archive', { engine: 'qdrant' });
    new SaplingsApp(chart, 'App', { image: 'saplings:1.0.0', environment: 'development' });
    new SaplingsApp(chart, 'Admin', { image: 'saplings:1.0.0', environment: 'development' });
    const manifests = Testing.synth(chart);
    expect(ids(manifests)).toEqual(expect.arrayContaining(['Deployment/qdrant', 'Deployment/qdrant-archive', 'Deployment/saplings-app', 'Deployment/saplings-admin-app']));
    expect(new Set(ids(manifests)).size).toBe(manifests.length);
  });

  test('GIVEN RedisStores with default names in two namespaces THEN both keep the default name', () => {
    // Into a temp folder: a bare App writes to ./dist, which would be the checkout's.
    const app = new App({ outdir: tempDir('saplings-unique-') });
    const a = new RedisStore(new Chart(app, 'a', { namespace: 'a' }), 'Redis', dev);
    const b = new RedisStore(new Chart(app, 'b', { namespace: 'b' }), 'Cache', dev);
    expect([a.service.name, b.service.name]).toStrictEqual(['redis-service', 'redis-service']);
    expect(() => app.synth()).not.toThrow();
  });

  test('GIVEN the first RedisStore named redis explicitly THEN a later default one does not take redis', () => {
    const chart = Testing.chart();
    new RedisStore(chart, 'Mine', { ...dev, name: 'redis' });
    expect(new RedisStore(chart, 'Redis', dev).deployment.name).toBe('redis-redis');
  });

  describe('GIVEN two SaplingsApps both named "same" (a true duplicate)', () => {
    const build = () => {
      const app = Testing.app();
      const chart = new Chart(app, 'stack');
      new SaplingsApp(chart, 'First', { image: 'saplings:1.0.0', environment: 'development', name: 'same' });
      new SaplingsApp(chart, 'Second', { image: 'saplings:1.0.0', environment: 'development', name: 'same' });
      return { app, chart };
    };
    const message =
      'Deployment "same-app" is synthesized by stack/First/Deployment/Resource and again by stack/Second/Deployment/Resource; ' +
      'the later object would overwrite the earlier on apply: give one of the constructs another name';

    test('THEN Testing.synth fails, naming both construct paths', () => {
      expect(() => Testing.synth(build().chart)).toThrow(message);
    });

    test('THEN app.synth() fails the same way, and writes nothing', () => {
      const { app } = build();
      expect(() => app.synth()).toThrow(message);
      expect(fs.readdirSync(app.outdir)).toStrictEqual([]);
    });

    test('THEN validateConstructs on the app reports it once, as a SaplingsValidationError', () => {
      const { app } = build();
      let error: unknown;
      try {
        validateConstructs(app);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(SaplingsValidationError);
      const problems = (error as SaplingsValidationError).problems.filter((p) => p.message.startsWith('Deployment "same-app"'));
      expect(problems).toStrictEqual([{ constructPath: '', message }]);
    });
  });

  test('GIVEN two RedisStores both named "cache" THEN synth fails naming both', () => {
    const chart = Testing.chart();
    new RedisStore(chart, 'One', { ...dev, name: 'cache' });
    new RedisStore(chart, 'Two', { ...dev, name: 'cache' });
    expect(() => Testing.synth(chart)).toThrow(/Deployment "cache" is synthesized by test\/One\/Workload\/.+ and again by test\/Two\/Workload\//);
  });
});
