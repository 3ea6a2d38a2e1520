import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { RedisStore, RedisStoreProps } from '../../src';
import { Manifest, objectsOfKind, onlyOfKind, kubeletAdmitsRunAsNonRoot } from '../helpers/objects';

function synthRedis(props: RedisStoreProps = {}): { redis: RedisStore; manifests: Manifest[] } {
  const chart = Testing.chart();
  const redis = new RedisStore(chart, 'Redis', props);
  return { redis, manifests: Testing.synth(chart) };
}

describe('RedisStore', () => {
  // Outside development (production is the default) Redis needs the Secret key of its password.
  test('defaults', () => {
    const chart = Testing.chart();
    new RedisStore(chart, 'Redis', { password: { secret: kplus.Secret.fromSecretName(chart, 'Secret', 'saplings-secrets') } });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  describe('GIVEN environment development and nothing else', () => {
    const { redis, manifests } = synthRedis({ environment: 'development' });
    const deployment = onlyOfKind(manifests, 'Deployment');
    const container = deployment.spec.template.spec.containers[0];

    test('THEN it creates a Deployment, a Service, a claim and a ServiceAccount, and no NetworkPolicy before a client connects', () => {
      expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toStrictEqual([
        'Deployment/redis',
        'PersistentVolumeClaim/redis-data-pvc',
        'Service/redis-service',
        'ServiceAccount/redis',
      ]);
      expect(redis.workload.trafficPolicy.ingressPolicy).toBeUndefined();
      expect(redis.workload.trafficPolicy.egressPolicy).toBeUndefined();
    });

    test('THEN one replica of redis:7-alpine is replaced with Recreate, so the RWO volume is never shared', () => {
      expect(deployment.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
      expect(deployment.spec.strategy).toStrictEqual({ type: 'Recreate' });
      expect(container).toMatchObject({ name: 'redis', image: 'redis:7-alpine', imagePullPolicy: 'IfNotPresent' });
    });

    test('THEN Redis persists append-only to /data, with an emptyDir at /tmp', () => {
      expect(container.args).toStrictEqual(['--appendonly', 'yes', '--dir', '/data', '--maxmemory', '402653184', '--maxmemory-policy', 'allkeys-lru']);
      expect(container.volumeMounts).toStrictEqual([
        { name: 'data', mountPath: '/data' },
        { name: 'scratch-tmp', mountPath: '/tmp' },
      ]);
      expect(deployment.spec.template.spec.volumes).toStrictEqual([
        { name: 'data', persistentVolumeClaim: { claimName: 'redis-data-pvc', readOnly: false } },
        { name: 'scratch-tmp', emptyDir: {} },
      ]);
    });

    test('THEN without a password Redis gets no credential env and requires none', () => {
      expect(container).not.toHaveProperty('env');
      expect(container.args).not.toContain('--requirepass');
      expect(redis.connection).toStrictEqual({ config: { REDIS_URL: 'redis://redis-service:6379' }, env: {} });
    });

    test('THEN the claim is the guide\'s redis-data-pvc: 20Gi ReadWriteOnce on standard', () => {
      const claim = onlyOfKind(manifests, 'PersistentVolumeClaim');
      expect(claim.metadata.name).toBe('redis-data-pvc');
      expect(claim.spec).toMatchObject({
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '20Gi' } },
        storageClassName: 'standard',
      });
    });

    test('THEN memory is capped at 512Mi', () => {
      expect(container.resources).toStrictEqual({
        requests: { cpu: '100m', memory: '256Mi' },
        limits: { cpu: '500m', memory: '512Mi' },
      });
    });

    test('THEN liveness checks the TCP port and readiness runs redis-cli ping', () => {
      expect(container.livenessProbe).toMatchObject({ tcpSocket: { port: 6379 } });
      expect(container.readinessProbe).toMatchObject({ exec: { command: ['redis-cli', 'ping'] } });
    });

    test('THEN redis-service exposes 6379 to the pod selected by app: redis', () => {
      const service = onlyOfKind(manifests, 'Service');
      expect(service.metadata.name).toBe('redis-service');
      expect(service.spec.type).toBe('ClusterIP');
      expect(service.spec.selector).toStrictEqual({ app: 'redis' });
      expect(service.spec.ports).toStrictEqual([{ name: 'redis', port: 6379, targetPort: 6379, protocol: 'TCP' }]);
      expect(container.ports).toStrictEqual([{ containerPort: 6379, name: 'redis' }]);
      expect(deployment.spec.selector).toStrictEqual({ matchLabels: { app: 'redis' } });
    });

    test('THEN no object carries the cdk8s.io/metadata.addr label', () => {
      expect(JSON.stringify(manifests)).not.toContain('cdk8s.io/metadata.addr');
    });

    test('THEN url is redis://redis-service:6379', () => {
      expect(redis.url).toBe('redis://redis-service:6379');
      expect(redis.port).toBe(6379);
    });

    test('THEN deployment, service, dataClaim and the ServiceAccount are the synthesized objects', () => {
      expect(ApiObject.of(redis.deployment).toJson()).toStrictEqual(deployment);
      expect(ApiObject.of(redis.service).toJson()).toStrictEqual(onlyOfKind(manifests, 'Service'));
      expect(ApiObject.of(redis.dataClaim).toJson()).toStrictEqual(onlyOfKind(manifests, 'PersistentVolumeClaim'));
      expect(ApiObject.of(redis.workload.serviceAccount).toJson()).toStrictEqual(onlyOfKind(manifests, 'ServiceAccount'));
    });

    // redis:7-alpine has no USER: it starts as root, then drops to its `redis` user (999:1000)
    // itself. The pod starts it as that user directly, so the kubelet can verify non-root.
    it('THEN it runs as the image\'s redis user by number, 999:1000, which the kubelet admits', () => {
      const podSpec = deployment.spec.template.spec;
      expect(podSpec.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 1000, runAsNonRoot: true, fsGroup: 1000 });
      expect(container.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 1000, runAsNonRoot: true });
      expect(kubeletAdmitsRunAsNonRoot(podSpec, container, '')).toBe(true);
    });
  });

  describe('GIVEN a custom name', () => {
    const { redis, manifests } = synthRedis({ name: 'cache', environment: 'development' });

    test('THEN every object and the url use it', () => {
      expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toStrictEqual([
        'Deployment/cache',
        'PersistentVolumeClaim/cache-data-pvc',
        'Service/cache-service',
        'ServiceAccount/cache',
      ]);
      expect(onlyOfKind(manifests, 'Deployment').spec.template.spec.serviceAccountName).toBe('cache');
      expect(onlyOfKind(manifests, 'Service').spec.selector).toStrictEqual({ app: 'cache' });
      expect(redis.url).toBe('redis://cache-service:6379');
    });
  });

  test('GIVEN only a storage size THEN the claim keeps the standard class and RWO', () => {
    const claim = onlyOfKind(synthRedis({ storage: { size: '5Gi' }, environment: 'development' }).manifests, 'PersistentVolumeClaim');
    expect(claim.spec).toMatchObject({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '5Gi' } },
      storageClassName: 'standard',
    });
  });

  test('GIVEN an image and resources THEN the container uses them as written', () => {
    const resources = { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '1', memory: '1G' } };
    const container = onlyOfKind(synthRedis({ image: 'redis:latest', resources, environment: 'development' }).manifests, 'Deployment').spec.template
      .spec.containers[0];
    expect(container).toMatchObject({ image: 'redis:latest', imagePullPolicy: 'Always' });
    expect(container.resources).toStrictEqual(resources);
  });

  describe('GIVEN a password in a Secret key', () => {
    const { redis, manifests } = synthRedis({
      password: { secret: kplus.Secret.fromSecretName(new Chart(new App(), 'refs'), 'Ref', 'redis-credentials'), key: 'redis-pass' },
    });
    const container = onlyOfKind(manifests, 'Deployment').spec.template.spec.containers[0];
    const fromSecret = { valueFrom: { secretKeyRef: { name: 'redis-credentials', key: 'redis-pass' } } };

    test('THEN Redis requires it, by $(REDIS_PASSWORD) expansion, at the end of its args', () => {
      expect(container.args).toStrictEqual(['--appendonly', 'yes', '--dir', '/data', '--maxmemory', '402653184', '--maxmemory-policy', 'allkeys-lru', '--requirepass', '$(REDIS_PASSWORD)']);
    });

    test('THEN REDIS_PASSWORD and the redis-cli probe\'s REDISCLI_AUTH come from the Secret key', () => {
      expect(container.env).toStrictEqual([
        { name: 'REDIS_PASSWORD', ...fromSecret },
        { name: 'REDISCLI_AUTH', ...fromSecret },
      ]);
    });

    test('THEN the Secret is only referenced: no Secret object is written', () => {
      expect(objectsOfKind(manifests, 'Secret')).toStrictEqual([]);
    });

    test('THEN connection gives a client REDIS_PASSWORD, then a REDIS_URL built from it', () => {
      expect(Object.keys(redis.connection.env)).toStrictEqual(['REDIS_PASSWORD', 'REDIS_URL']);
      // toEqual: cdk8s-plus keeps an `optional: undefined` key in the unsynthesized value.
      expect(redis.connection.env.REDIS_PASSWORD.valueFrom).toEqual({
        secretKeyRef: { name: 'redis-credentials', key: 'redis-pass' },
      });
      expect(redis.connection.env.REDIS_URL.value).toBe('redis://:$(REDIS_PASSWORD)@redis-service:6379');
    });

    test('THEN connection.config and url stay password-less', () => {
      expect(redis.connection.config).toStrictEqual({ REDIS_URL: 'redis://redis-service:6379' });
      expect(redis.url).toBe('redis://redis-service:6379');
    });
  });

  describe('secure by default, as the CLI is', () => {
    const secret = () => kplus.Secret.fromSecretName(new Chart(new App(), 'refs'), 'Ref', 'saplings-secrets');
    const argsOf = (manifests: Manifest[]): string[] => onlyOfKind(manifests, 'Deployment').spec.template.spec.containers[0].args;

    test('GIVEN a password and no environment THEN the environment is production and Redis requires the password', () => {
      const { redis, manifests } = synthRedis({ password: { secret: secret() } });
      expect(redis.environment).toBe('production');
      expect(redis.requirePassword).toBe(true);
      expect(argsOf(manifests)).toStrictEqual(['--appendonly', 'yes', '--dir', '/data', '--maxmemory', '402653184', '--maxmemory-policy', 'allkeys-lru', '--requirepass', '$(REDIS_PASSWORD)']);
    });

    test.each(['staging', 'production'] as const)('GIVEN environment %s and a password THEN Redis requires it', (environment) => {
      const { redis, manifests } = synthRedis({ environment, password: { secret: secret() } });
      expect(redis.requirePassword).toBe(true);
      expect(argsOf(manifests)).toContain('--requirepass');
    });

    test('GIVEN environment development and a password THEN Redis still requires the password it was given', () => {
      const { redis, manifests } = synthRedis({ environment: 'development', password: { secret: secret() } });
      expect(redis.requirePassword).toBe(true);
      expect(argsOf(manifests)).toContain('--requirepass');
    });

    test('GIVEN environment development THEN requirePassword is off and no password is needed', () => {
      expect(synthRedis({ environment: 'development' }).redis.requirePassword).toBe(false);
    });

    test('GIVEN production and requirePassword: false THEN Redis runs without auth, as explicitly asked', () => {
      const { redis, manifests } = synthRedis({ requirePassword: false });
      expect(redis.requirePassword).toBe(false);
      expect(redis.password).toBeUndefined();
      expect(argsOf(manifests)).toStrictEqual(['--appendonly', 'yes', '--dir', '/data', '--maxmemory', '402653184', '--maxmemory-policy', 'allkeys-lru']);
    });
  });

  test('GIVEN runAsUser THEN the pod, the container and fsGroup use it', () => {
    const podSpec = onlyOfKind(synthRedis({ runAsUser: { uid: 1001, gid: 1002 }, environment: 'development' }).manifests, 'Deployment').spec.template.spec;
    expect(podSpec.securityContext).toMatchObject({ runAsUser: 1001, runAsGroup: 1002, fsGroup: 1002 });
    expect(podSpec.containers[0].securityContext).toMatchObject({ runAsUser: 1001, runAsGroup: 1002 });
  });
});
