import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AppSecret, Autoscaler, RedisStore, SaplingsApp, SaplingsValidationError, VectorDb, validateConstructs } from '../../src';

describe('SaplingsApp errors', () => {
  // SaplingsApp keeps an explicit `replicas` even under an HPA, so the conflict is
  // reported rather than one of the two settings being silently dropped.
  test('GIVEN an explicit replicas on the SaplingsApp WHEN an Autoscaler targets it THEN validation fails naming the count', () => {
    const chart = Testing.chart();
    const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', replicas: 5 });
    new Autoscaler(chart, 'Scale', { target: app });
    expect(() => validateConstructs(chart)).toThrow(SaplingsValidationError);
    expect(() => validateConstructs(chart)).toThrow(
      new Error('[test/Scale/Hpa] HorizontalPodAutoscaler target cannot have a fixed number of replicas (5).'),
    );
  });

  test('GIVEN no replicas WHEN an Autoscaler targets the app THEN validation and synthesis succeed', () => {
    const chart = Testing.chart();
    const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0' });
    new Autoscaler(chart, 'Scale', { target: app });
    expect(() => validateConstructs(chart)).not.toThrow();
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('GIVEN a pgvector reading the app Secret by name WHEN the AppSecret lacks the key THEN validation names prop, key and fix', () => {
    const chart = new Chart(new App(), 'stack');
    const secret = new AppSecret(chart, 'Secret', { name: 'saplings-secrets', keys: ['OPENAI_API_KEY'] });
    const vectorDb = new VectorDb(chart, 'Vectors', { engine: 'pgvector' });
    new SaplingsApp(chart, 'App', { image: 'saplings:1.0.0', secret, vectorDb });
    expect(() => validateConstructs(chart)).toThrow(SaplingsValidationError);
    expect(() => validateConstructs(chart)).toThrow(
      new Error(
        "[stack/App] 'vectorDb.credentials' reads key POSTGRES_PASSWORD of Secret saplings-secrets, but the app's AppSecret " +
          "(stack/Secret) lists only [OPENAI_API_KEY]; add POSTGRES_PASSWORD to the AppSecret's 'keys'",
      ),
    );
  });

  test('GIVEN a Redis password from the AppSecret itself WHEN it lacks the key THEN the RedisStore reports it, once', () => {
    const chart = new Chart(new App(), 'stack');
    const secret = new AppSecret(chart, 'Secret', { name: 'saplings-secrets', keys: ['OPENAI_API_KEY'] });
    const redis = new RedisStore(chart, 'Redis', { password: { secret } });
    new SaplingsApp(chart, 'App', { image: 'saplings:1.0.0', secret, redis });
    let thrown: unknown;
    try {
      validateConstructs(chart);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SaplingsValidationError);
    expect((thrown as SaplingsValidationError).problems).toStrictEqual([
      {
        constructPath: 'stack/Redis',
        message:
          "'password' reads key REDIS_PASSWORD of Secret saplings-secrets, but its AppSecret (stack/Secret) lists only " +
          "[OPENAI_API_KEY]; add REDIS_PASSWORD to the AppSecret's 'keys'",
      },
    ]);
  });

  test('GIVEN the AppSecret holds every key the backing services read THEN validation passes', () => {
    const chart = new Chart(new App(), 'stack');
    const secret = new AppSecret(chart, 'Secret', { name: 'saplings-secrets', keys: ['REDIS_PASSWORD', 'POSTGRES_PASSWORD'] });
    const redis = new RedisStore(chart, 'Redis', { password: { secret } });
    const vectorDb = new VectorDb(chart, 'Vectors', { engine: 'pgvector', credentials: { secret } });
    new SaplingsApp(chart, 'App', { image: 'saplings:1.0.0', secret, redis, vectorDb });
    expect(() => validateConstructs(chart)).not.toThrow();
  });

  test('GIVEN a backing service reading another Secret THEN the app Secret need not hold its key', () => {
    const chart = new Chart(new App(), 'stack');
    const secret = new AppSecret(chart, 'Secret', { name: 'saplings-secrets', keys: [] });
    const vectorDb = new VectorDb(chart, 'Vectors', {
      engine: 'pgvector',
      credentials: { secret: kplus.Secret.fromSecretName(chart, 'PgSecret', 'pg-credentials') },
    });
    new SaplingsApp(chart, 'App', { image: 'saplings:1.0.0', secret, vectorDb });
    expect(() => validateConstructs(chart)).not.toThrow();
  });
});

describe('SaplingsApp errors in props', () => {
  test('GIVEN a memory limit that is not a quantity THEN the constructor throws naming the field and value', () => {
    const create = () =>
      new SaplingsApp(new Chart(new App(), 'test'), 'Saplings', {
        image: 'saplings:1.0.0',
        resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2GB' } },
      });
    expect(create).toThrow(SaplingsValidationError);
    expect(create).toThrow(
      new Error(
        '[test/Saplings] \'resources.limits.memory\' is "2GB", which is not a non-negative quantity; a quantity is a number with an ' +
          'optional suffix: binary Ki, Mi, Gi, Ti, Pi, Ei, decimal m, k, M, G, T, P, E, or an exponent (e.g. 512Mi, 2Gi, 500m, 1.5, 1e3)',
      ),
    );
  });

  test('GIVEN a storage size that is not a quantity THEN the constructor throws naming the field and value', () => {
    const create = () => new SaplingsApp(new Chart(new App(), 'test'), 'Saplings', { image: 'saplings:1.0.0', storage: { size: 'lots' } });
    expect(create).toThrow(SaplingsValidationError);
    expect(create).toThrow(/^\[test\/Saplings\] 'storage\.size' is "lots", which is not a non-negative quantity; /);
  });
});

describe('SaplingsApp extension errors', () => {
  const app = (props: Partial<ConstructorParameters<typeof SaplingsApp>[2]>) => () =>
    new SaplingsApp(new Chart(new App(), 'test'), 'Saplings', { image: 'saplings:1.0.0', ...props });

  test('GIVEN a memory limit below the default request THEN the constructor throws naming both quantities', () => {
    const create = app({ resources: { limits: { memory: '1Gi' } } });
    expect(create).toThrow(SaplingsValidationError);
    expect(create).toThrow(
      new Error(
        "[test/Saplings] 'resources.requests.memory' (2Gi) is more than 'resources.limits.memory' (1Gi), which Kubernetes refuses; " +
          "set 'resources.limits.memory' to at least the request, or lower 'resources.requests.memory'",
      ),
    );
  });

  test('GIVEN env that sets PORT THEN the constructor throws naming env.PORT', () => {
    const create = app({ env: { PORT: '9000' } });
    expect(create).toThrow(SaplingsValidationError);
    expect(create).toThrow(
      new Error(
        "[test/Saplings] 'env.PORT' would replace the PORT the app sets itself (from 'port', 'redis' or 'vectorDb'); remove PORT from 'env' and set that prop instead",
      ),
    );
  });

  test('GIVEN env that sets REDIS_URL beside a password-protected Redis THEN the constructor throws naming env.REDIS_URL', () => {
    const create = () => {
      const chart = new Chart(new App(), 'test');
      const redis = new RedisStore(chart, 'Redis', { password: { secret: kplus.Secret.fromSecretName(chart, 'S', 'saplings-secrets') } });
      return new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', redis, env: { REDIS_URL: 'redis://elsewhere:6379' } });
    };
    expect(create).toThrow(SaplingsValidationError);
    expect(create).toThrow(
      new Error(
        "[test/Saplings] 'env.REDIS_URL' would replace the REDIS_URL the app sets itself (from 'port', 'redis' or 'vectorDb'); remove REDIS_URL from 'env' and set that prop instead",
      ),
    );
  });

  const sidecar = (name: string) => ({
    name,
    image: 'envoyproxy/envoy:v1.31.2',
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
  });

  test('GIVEN a sidecar named like the app container THEN the constructor throws naming sidecars[0].name', () => {
    const create = app({ sidecars: [sidecar('saplings')] });
    expect(create).toThrow(SaplingsValidationError);
    expect(create).toThrow(
      new Error(
        "[test/Saplings] 'sidecars[0].name' is \"saplings\", which another container of the pod already uses; give each sidecar a name of its own",
      ),
    );
  });

  test('GIVEN two sidecars with one name THEN the constructor throws naming the second', () => {
    const create = app({ sidecars: [sidecar('proxy'), sidecar('proxy')] });
    expect(create).toThrow(SaplingsValidationError);
    expect(create).toThrow(
      new Error("[test/Saplings] 'sidecars[1].name' is \"proxy\", which another container of the pod already uses; give each sidecar a name of its own"),
    );
  });

  test('GIVEN a sidecar resource that is not a quantity THEN the constructor throws naming it as the sidecar\'s', () => {
    const create = app({ sidecars: [{ ...sidecar('proxy'), resources: { requests: { cpu: 'lots', memory: '64Mi' }, limits: { cpu: '1', memory: '1Gi' } } }] });
    expect(create).toThrow(SaplingsValidationError);
    expect(create).toThrow(/^\[test\/Saplings\] 'sidecars\[0\]\.resources\.requests\.cpu' is "lots", which is not a non-negative quantity; /);
  });
});
