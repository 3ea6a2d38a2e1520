import { Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Finding } from '../../../src/checks/findings';
import { runChecks } from '../../../src/checks';
import { checkPolicy } from '../../../src/checks/policy';
import { RedisStore, SaplingsApp, VectorDb } from '../../../src';
import { renderStack } from '../../../src/targets/kubernetes/render';
import { defaultStacks } from '../../../src/config/load';

const RULE = 'practice-backing-service-auth';

/** A Deployment named `name` whose only container is `container`. */
function deployment(name: string, container: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, ...container }] } } },
  };
}

/** The findings of this rule, as `severity object path`. */
function authFindings(objects: readonly unknown[], environment?: 'development' | 'staging' | 'production'): string[] {
  return checkPolicy(objects, { environment })
    .filter((f: Finding) => f.rule === RULE)
    .map((f) => `${f.severity} ${f.object} ${f.path}`);
}

const fromSecret = (key: string) => ({ valueFrom: { secretKeyRef: { name: 'db-credentials', key } } });

describe('practice-backing-service-auth', () => {
  describe('GIVEN Redis without --requirepass', () => {
    const redis = deployment('cache', { image: 'redis:7-alpine', args: ['--appendonly', 'yes'] });

    test.each([undefined, 'staging', 'production'] as const)('WHEN the environment is %s THEN it is flagged at args', (environment) => {
      expect(authFindings([redis], environment)).toStrictEqual(['warning Deployment/cache spec.template.spec.containers[0].args']);
    });

    test('WHEN the environment is development THEN nothing is flagged', () => {
      expect(authFindings([redis], 'development')).toStrictEqual([]);
    });

    test('THEN the message says what to add', () => {
      const [finding] = checkPolicy([redis]).filter((f) => f.rule === RULE);
      expect(finding.message).toBe(
        'container "cache" runs Redis (image "redis:7-alpine") without --requirepass, so anyone who reaches its port reads and writes its data; ' +
          'add args --requirepass $(REDIS_PASSWORD), with REDIS_PASSWORD from a Secret (valueFrom.secretKeyRef)',
      );
    });
  });

  test('GIVEN Redis from a registry with a port and no args THEN it is recognised and flagged at args', () => {
    expect(authFindings([deployment('cache', { image: 'registry.local:5000/mirror/redis:7.2' })])).toStrictEqual([
      'warning Deployment/cache spec.template.spec.containers[0].args',
    ]);
  });

  test.each([
    ['as args', { image: 'redis:7', args: ['--requirepass', '$(REDIS_PASSWORD)'] }],
    ['through a shell', { image: 'redis:7', command: ['sh', '-c', 'exec redis-server --requirepass "$REDIS_PASSWORD"'] }],
  ])('GIVEN Redis with --requirepass %s THEN nothing is flagged', (_how, container) => {
    expect(authFindings([deployment('cache', container)])).toStrictEqual([]);
  });

  // Issue 23, Why 5: a CronJob of the chart author's that runs redis-cli was flagged as a Redis server without auth.
  test.each([
    ['redis-cli as the command', { command: ['redis-cli', '-h', 'redis-service', 'BGSAVE'] }],
    ['redis-cli as args to the entrypoint', { args: ['redis-cli', '-h', 'redis-service', 'PING'] }],
    ['a shell script that calls redis-cli', { command: ['sh', '-c', 'redis-cli -h redis-service --scan | wc -l'] }],
    ['redis-benchmark', { command: ['/usr/local/bin/redis-benchmark', '-h', 'redis-service'] }],
  ])('GIVEN a Redis image running a client, %s, THEN nothing is flagged', (_what, container) => {
    expect(authFindings([deployment('client', { image: 'redis:7-alpine', ...container })])).toStrictEqual([]);
  });

  test.each([
    ['no command or args (the image runs redis-server)', {}],
    ['options as args (the entrypoint puts redis-server first)', { args: ['--appendonly', 'yes'] }],
    ['a config file as args', { args: ['/etc/redis/redis.conf'] }],
    ['redis-server as the command', { command: ['redis-server'], args: ['--appendonly', 'yes'] }],
    ['redis-server by its path in a shell script', { command: ['sh', '-c', 'exec /usr/local/bin/redis-server --appendonly yes'] }],
  ])('GIVEN a Redis image running the server, %s, without --requirepass THEN it is flagged', (_what, container) => {
    expect(authFindings([deployment('cache', { image: 'redis:7-alpine', ...container })])).toHaveLength(1);
  });

  test('GIVEN a chart author\'s CronJob running redis-cli beside a RedisStore THEN runChecks does not flag it', () => {
    const chart = Testing.chart();
    const secret = kplus.Secret.fromSecretName(chart, 'Secret', 'saplings-secrets');
    const redis = new RedisStore(chart, 'Redis', { password: { secret } });
    const job = new kplus.CronJob(chart, 'Snapshot', {
      schedule: Cron.daily(),
      containers: [{ image: 'redis:7-alpine', command: ['redis-cli', '-h', redis.service.name, 'BGSAVE'], envVariables: redis.connection.env, securityContext: { user: 999, group: 1000 } }],
    });
    redis.allowFrom(job);
    const findings = runChecks(Testing.synth(chart), { environment: 'production' }).filter((f) => f.rule === RULE);
    expect(findings).toStrictEqual([]);
  });

  test.each([
    ['an unrelated image', 'nginx:1.27'],
    ['an image whose name only starts with redis', 'redislabs/redisinsight:2.0'],
    ['a Bitnami image, which requires a password through its own variables', 'bitnami/redis:7.2'],
  ])('GIVEN %s THEN nothing is flagged', (_what, image) => {
    expect(authFindings([deployment('x', { image })])).toStrictEqual([]);
  });

  describe('GIVEN Qdrant', () => {
    test('without QDRANT__SERVICE__API_KEY THEN it is flagged at env', () => {
      expect(authFindings([deployment('vectors', { image: 'qdrant/qdrant:v1.13.4' })], 'production')).toStrictEqual([
        'warning Deployment/vectors spec.template.spec.containers[0].env',
      ]);
    });

    test('with an empty QDRANT__SERVICE__API_KEY THEN it is flagged', () => {
      const qdrant = deployment('vectors', { image: 'qdrant/qdrant:v1.13.4', env: [{ name: 'QDRANT__SERVICE__API_KEY', value: '' }] });
      expect(authFindings([qdrant])).toStrictEqual(['warning Deployment/vectors spec.template.spec.containers[0].env']);
    });

    test.each([
      ['from a Secret key', { env: [{ name: 'QDRANT__SERVICE__API_KEY', ...fromSecret('key') }] }],
      ['through envFrom, whose keys are not known here', { envFrom: [{ secretRef: { name: 'qdrant' } }] }],
    ])('with the API key %s THEN nothing is flagged', (_how, container) => {
      expect(authFindings([deployment('vectors', { image: 'qdrant/qdrant:v1.13.4-unprivileged', ...container })])).toStrictEqual([]);
    });
  });

  describe('GIVEN Postgres', () => {
    test('with POSTGRES_HOST_AUTH_METHOD=trust THEN it is flagged at that value, even with a password', () => {
      const postgres = deployment('db', {
        image: 'postgres:16',
        env: [{ name: 'POSTGRES_PASSWORD', ...fromSecret('pw') }, { name: 'POSTGRES_HOST_AUTH_METHOD', value: 'trust' }],
      });
      expect(authFindings([postgres], 'staging')).toStrictEqual(['warning Deployment/db spec.template.spec.containers[0].env[1].value']);
    });

    test('pgvector without a password THEN it is flagged at env', () => {
      const pgvector = deployment('db', { image: 'pgvector/pgvector:0.8.0-pg16', env: [{ name: 'POSTGRES_DB', value: 'app' }] });
      expect(authFindings([pgvector])).toStrictEqual(['warning Deployment/db spec.template.spec.containers[0].env']);
    });

    test.each([
      ['POSTGRES_PASSWORD from a Secret', { env: [{ name: 'POSTGRES_PASSWORD', ...fromSecret('pw') }] }],
      ['POSTGRES_PASSWORD_FILE', { env: [{ name: 'POSTGRES_PASSWORD_FILE', value: '/run/secrets/pw' }] }],
    ])('with %s THEN nothing is flagged', (_how, container) => {
      expect(authFindings([deployment('db', { image: 'postgres:16', ...container })])).toStrictEqual([]);
    });
  });

  test('GIVEN a StatefulSet running Redis without auth THEN it is flagged too', () => {
    const statefulSet = { ...deployment('cache', { image: 'redis:7' }), kind: 'StatefulSet' };
    expect(authFindings([statefulSet])).toStrictEqual(['warning StatefulSet/cache spec.template.spec.containers[0].args']);
  });

  describe('GIVEN runChecks, as synth and validate call it', () => {
    const redis = deployment('cache', { image: 'redis:7-alpine' });
    const rules = (environment?: 'development' | 'staging') =>
      runChecks([redis] as never[], { environment }).filter((f) => f.rule === RULE).map((f) => `${f.severity} ${f.object}`);

    test('WHEN the environment is staging or unknown THEN the policy flags Redis', () => {
      expect(rules('staging')).toStrictEqual(['warning Deployment/cache']);
      expect(rules(undefined)).toStrictEqual(['warning Deployment/cache']);
    });

    test('WHEN the environment is development THEN nothing is flagged', () => {
      expect(rules('development')).toStrictEqual([]);
    });
  });

  describe('our own output', () => {
    test('GIVEN the default stack THEN nothing is flagged', () => {
      expect(authFindings(renderStack(defaultStacks()[0]).objects, 'production')).toStrictEqual([]);
    });

    test('GIVEN the constructs with their production defaults THEN nothing is flagged', () => {
      const chart = Testing.chart();
      const secret = kplus.Secret.fromSecretName(chart, 'Secret', 'saplings-secrets');
      const redis = new RedisStore(chart, 'Redis', { password: { secret } });
      const qdrant = new VectorDb(chart, 'Qdrant', { engine: 'qdrant' });
      new VectorDb(chart, 'Pg', { engine: 'pgvector' });
      new SaplingsApp(chart, 'App', { image: 'saplings:1.0.0', redis, vectorDb: qdrant });
      expect(authFindings(Testing.synth(chart))).toStrictEqual([]);
    });

    test('GIVEN the constructs with auth turned off explicitly THEN the policy still flags Redis and Qdrant', () => {
      const chart = Testing.chart();
      new RedisStore(chart, 'Redis', { requirePassword: false });
      new VectorDb(chart, 'Qdrant', { engine: 'qdrant', requireApiKey: false });
      expect(authFindings(Testing.synth(chart), 'production')).toStrictEqual([
        'warning Deployment/qdrant spec.template.spec.containers[0].env',
        'warning Deployment/redis spec.template.spec.containers[0].args',
      ]);
    });
  });
});
