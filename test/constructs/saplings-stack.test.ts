import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as lib from '../../src';
import { find, all, render, stackConfig } from '../helpers/manifests';
import { stackPropsFromConfig } from '../../src/config-api';

describe('the default stack (the guide\'s production stack)', () => {
  const objects = render();

  test('matches the snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('every namespaced object lives in namespace saplings', () => {
    for (const o of objects.filter((o) => o.kind !== 'Namespace')) {
      expect(`${o.kind}/${o.metadata.name}: ${o.metadata.namespace}`).toBe(`${o.kind}/${o.metadata.name}: saplings`);
    }
  });

  test('Namespace saplings is labelled name: saplings, enforces PSS restricted v1.28, and carries no namespace itself', () => {
    const ns = find(objects, 'Namespace');
    expect(ns.metadata).toStrictEqual({
      name: 'saplings',
      labels: {
        name: 'saplings',
        'app.kubernetes.io/name': 'saplings',
        'app.kubernetes.io/instance': 'saplings',
        'app.kubernetes.io/component': 'namespace',
        'app.kubernetes.io/part-of': 'saplings',
        'app.kubernetes.io/managed-by': 'saplings-k8s',
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'v1.28',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/audit-version': 'v1.28',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/warn-version': 'v1.28',
      },
    });
  });

  test('ConfigMap saplings-config holds the guide\'s values', () => {
    expect(find(objects, 'ConfigMap', 'saplings-config').data).toMatchObject({
      ENVIRONMENT: 'production',
      LOG_LEVEL: 'INFO',
      REDIS_URL: 'redis://redis-service:6379',
      GASA_ENABLED: 'true',
      MONITORING_ENABLED: 'true',
      MAX_WORKERS: '4',
      TIMEOUT: '120',
    });
  });

  describe('Deployment saplings-app', () => {
    const deployment = find(objects, 'Deployment', 'saplings-app');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];

    test('is labelled and selected by app: saplings', () => {
      expect(deployment.metadata.labels).toMatchObject({ app: 'saplings' });
      expect(deployment.spec.selector).toStrictEqual({ matchLabels: { app: 'saplings' } });
      expect(deployment.spec.template.metadata.labels).toMatchObject({ app: 'saplings' });
    });

    test('leaves replicas to the HPA', () => {
      expect(deployment.spec).not.toHaveProperty('replicas');
    });

    test('rolls out one extra pod at a time and never drops below the current count', () => {
      expect(deployment.spec.strategy).toStrictEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    });

    test('runs container saplings on port 8000 named http, pinned to saplings:1.0.0', () => {
      expect(pod.containers).toHaveLength(1);
      expect(container.name).toBe('saplings');
      expect(container.image).toBe('saplings:1.0.0');
      expect(container.ports).toStrictEqual([{ containerPort: 8000, name: 'http' }]);
      expect(container.env).toContainEqual({ name: 'PORT', value: '8000' });
    });

    test('loads the ConfigMap and the Secret saplings-secrets into the environment', () => {
      expect(container.envFrom).toStrictEqual([
        { configMapRef: { name: 'saplings-config' } },
        { secretRef: { name: 'saplings-secrets' } },
      ]);
    });

    test('requests 1000m / 2Gi and is limited to 2000m / 4Gi', () => {
      expect(container.resources).toStrictEqual({
        requests: { cpu: '1000m', memory: '2Gi' },
        limits: { cpu: '2000m', memory: '4Gi' },
      });
    });

    test('probes /health (30/10/5/3) and /ready (5/5/3/2) on port 8000', () => {
      expect(container.livenessProbe).toMatchObject({
        httpGet: { path: '/health', port: 8000 },
        initialDelaySeconds: 30,
        periodSeconds: 10,
        timeoutSeconds: 5,
        failureThreshold: 3,
      });
      expect(container.readinessProbe).toMatchObject({
        httpGet: { path: '/ready', port: 8000 },
        initialDelaySeconds: 5,
        periodSeconds: 5,
        timeoutSeconds: 3,
        failureThreshold: 2,
      });
    });

    test('mounts /app/data from a claim of the pod\'s own and /app/logs from an emptyDir', () => {
      expect(container.volumeMounts).toEqual(
        expect.arrayContaining([
          { name: 'data-volume', mountPath: '/app/data' },
          { name: 'logs-volume', mountPath: '/app/logs' },
        ]),
      );
      expect(pod.volumes).toEqual(
        expect.arrayContaining([
          { name: 'data-volume', ephemeral: { volumeClaimTemplate: expect.objectContaining({ spec: expect.objectContaining({ accessModes: ['ReadWriteOnce'] }) }) } },
          { name: 'logs-volume', emptyDir: {} },
        ]),
      );
    });

    test('pulls with registry-secret', () => {
      expect(pod.imagePullSecrets).toStrictEqual([{ name: 'registry-secret' }]);
    });
  });

  test('Service saplings-service is a ClusterIP on port 80 (http) to 8000, selecting app: saplings', () => {
    const service = find(objects, 'Service', 'saplings-service');
    expect(service.spec).toMatchObject({
      type: 'ClusterIP',
      selector: { app: 'saplings' },
      ports: [{ name: 'http', port: 80, targetPort: 8000, protocol: 'TCP' }],
    });
  });

  describe('Ingress saplings-ingress', () => {
    const ingress = find(objects, 'Ingress', 'saplings-ingress');

    test('routes / (Prefix) on api.your-domain.com to saplings-service:80', () => {
      expect(ingress.spec.rules).toStrictEqual([
        {
          host: 'api.your-domain.com',
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'saplings-service', port: { number: 80 } } } }] },
        },
      ]);
    });

    test('terminates TLS with saplings-tls from cluster issuer letsencrypt-prod', () => {
      expect(ingress.spec.tls).toStrictEqual([{ hosts: ['api.your-domain.com'], secretName: 'saplings-tls' }]);
      expect(ingress.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
    });

    test('uses ingressClassName and real ingress-nginx annotations only', () => {
      expect(ingress.spec.ingressClassName).toBe('nginx');
      expect(ingress.metadata.annotations).toStrictEqual({
        'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
        'nginx.ingress.kubernetes.io/limit-rps': '100',
        'nginx.ingress.kubernetes.io/proxy-body-size': '10m',
        'nginx.ingress.kubernetes.io/proxy-read-timeout': '300',
        'nginx.ingress.kubernetes.io/proxy-send-timeout': '300',
      });
    });

    test('/metrics is served only to 10.0.0.0/8, through its own Exact-path Ingress', () => {
      const metrics = find(objects, 'Ingress', 'saplings-metrics-ingress');
      expect(metrics.metadata.annotations).toStrictEqual({ 'nginx.ingress.kubernetes.io/whitelist-source-range': '10.0.0.0/8' });
      expect(metrics.spec.rules[0].http.paths).toStrictEqual([
        { path: '/metrics', pathType: 'Exact', backend: { service: { name: 'saplings-service', port: { number: 80 } } } },
      ]);
    });
  });

  test('the app has no shared claim (each pod gets a 100Gi RWO one on the default class); Redis gets RWO 20Gi on standard', () => {
    expect(all(objects, 'PersistentVolumeClaim').map((c) => c.metadata.name)).toStrictEqual(['redis-data-pvc']);
    expect(find(objects, 'PersistentVolumeClaim', 'redis-data-pvc').spec).toMatchObject({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '20Gi' } },
      storageClassName: 'standard',
    });
  });

  test('Redis redis:7-alpine is limited to 512Mi behind redis-service:6379', () => {
    const redis = find(objects, 'Deployment', 'redis').spec.template.spec.containers[0];
    expect(redis.image).toBe('redis:7-alpine');
    expect(redis.resources.limits.memory).toBe('512Mi');
    expect(find(objects, 'Service', 'redis-service').spec.ports).toStrictEqual([
      { name: 'redis', port: 6379, targetPort: 6379, protocol: 'TCP' },
    ]);
  });

  test('HPA saplings-hpa scales saplings-app 3..20 on CPU 70% and memory 80% with the guide\'s behaviour', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'saplings-hpa');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'saplings-app' },
      minReplicas: 3,
      maxReplicas: 20,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      ],
      behavior: {
        scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] },
        scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
      },
    });
  });

  test('a ServiceMonitor scrapes /metrics on the http port of app: saplings', () => {
    const monitor = find(objects, 'ServiceMonitor');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.spec).toMatchObject({
      selector: { matchLabels: { app: 'saplings' } },
      endpoints: [{ port: 'http', path: '/metrics' }],
    });
  });

  test('writes no Secret: its values never reach the output', () => {
    expect(all(objects, 'Secret')).toHaveLength(0);
  });
});

describe('stack options', () => {
  test('name prefixes every app object and namespace defaults to it', () => {
    const objects = render({ name: 'tenant-a' });
    expect(find(objects, 'Namespace').metadata.name).toBe('tenant-a');
    for (const name of ['tenant-a-app']) find(objects, 'Deployment', name);
    find(objects, 'Service', 'tenant-a-service');
    find(objects, 'ConfigMap', 'tenant-a-config');
    find(objects, 'HorizontalPodAutoscaler', 'tenant-a-hpa');
    find(objects, 'Ingress', 'tenant-a-ingress');
    expect(find(objects, 'Deployment', 'tenant-a-app').spec.template.spec.containers[0].envFrom[1]).toStrictEqual({
      secretRef: { name: 'tenant-a-secrets' },
    });
  });

  test('autoscaling disabled: no HPA and app.replicas is used', () => {
    const objects = render({ autoscaling: { enabled: false }, app: { replicas: 2 } });
    expect(all(objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(find(objects, 'Deployment', 'saplings-app').spec.replicas).toBe(2);
  });

  test('redis disabled: no Redis objects and no REDIS_URL', () => {
    const objects = render({ redis: { enabled: false } });
    expect(objects.filter((o) => o.metadata.name.startsWith('redis'))).toHaveLength(0);
    expect(find(objects, 'ConfigMap').data).not.toHaveProperty('REDIS_URL');
  });

  test('ingress and ServiceMonitor can be turned off', () => {
    const objects = render({ ingress: { enabled: false }, monitoring: { serviceMonitor: false } });
    expect(all(objects, 'Ingress')).toHaveLength(0);
    expect(all(objects, 'ServiceMonitor')).toHaveLength(0);
  });

  test('monitoring disabled turns MONITORING_ENABLED off and drops the ServiceMonitor', () => {
    const objects = render({ monitoring: { enabled: false } });
    expect(find(objects, 'ConfigMap').data.MONITORING_ENABLED).toBe('false');
    expect(all(objects, 'ServiceMonitor')).toHaveLength(0);
  });

  test('vectorDb pgvector adds a database and wires DATABASE_URL to it', () => {
    const objects = render({ vectorDb: { enabled: true, engine: 'pgvector' } });
    find(objects, 'Deployment', 'pgvector');
    find(objects, 'Service', 'pgvector-service');
    find(objects, 'PersistentVolumeClaim', 'pgvector-data-pvc');
    const env = find(objects, 'Deployment', 'saplings-app').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({
      name: 'DATABASE_URL',
      value: 'postgresql://saplings:$(POSTGRES_PASSWORD)@pgvector-service:5432/saplings',
    });
  });

  test('development preset: DEBUG, no GASA, 2 workers, 60 s, 1000 rps', () => {
    const objects = render({ environment: 'development' });
    expect(find(objects, 'ConfigMap').data).toMatchObject({
      ENVIRONMENT: 'development',
      LOG_LEVEL: 'DEBUG',
      GASA_ENABLED: 'false',
      SELF_HEALING_ENABLED: 'false',
      MAX_WORKERS: '2',
      TIMEOUT: '60',
    });
    expect(find(objects, 'Ingress', 'saplings-ingress').metadata.annotations['nginx.ingress.kubernetes.io/limit-rps']).toBe('1000');
  });

  test('explicit keys override the preset', () => {
    const objects = render({ environment: 'staging', app: { logLevel: 'ERROR', maxWorkers: 6 }, ingress: { rateLimitRps: 42 } });
    expect(find(objects, 'ConfigMap').data).toMatchObject({ LOG_LEVEL: 'ERROR', MAX_WORKERS: '6', TIMEOUT: '120' });
    expect(find(objects, 'Ingress', 'saplings-ingress').metadata.annotations['nginx.ingress.kubernetes.io/limit-rps']).toBe('42');
  });

  test('extra app.config entries land in the ConfigMap', () => {
    const objects = render({ app: { config: { FEATURE_X: 'on' } } });
    expect(find(objects, 'ConfigMap').data.FEATURE_X).toBe('on');
  });
});

describe('security of the stack', () => {
  test('the namespace denies all traffic by default and allows DNS', () => {
    const objects = render();
    expect(find(objects, 'NetworkPolicy', 'default-deny').spec).toStrictEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
    expect(find(objects, 'NetworkPolicy', 'allow-dns').spec).toMatchObject({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        { ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
        { to: [{ ipBlock: { cidr: '169.254.20.10/32' } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
        { to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
      ],
    });
  });

  test('the ingress controller and Prometheus namespaces come from the config', () => {
    const objects = render({ network: { ingressControllerNamespace: 'traefik', prometheusNamespace: 'observability' } });
    const sources = find(objects, 'NetworkPolicy', 'saplings-netpol-ingress').spec.ingress.map(
      (rule: any) => rule.from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'],
    );
    expect(sources).toStrictEqual(['traefik', 'observability']);
  });

  test('in production Redis requires REDIS_PASSWORD and the app reaches it through $(REDIS_PASSWORD)', () => {
    const objects = render();
    const redis = find(objects, 'Deployment', 'redis').spec.template.spec.containers[0];
    expect(redis.args.slice(-2)).toStrictEqual(['--requirepass', '$(REDIS_PASSWORD)']);
    const env = find(objects, 'Deployment', 'saplings-app').spec.template.spec.containers[0].env;
    expect(env.map((e: any) => e.name)).toStrictEqual(['PORT', 'PROMETHEUS_MULTIPROC_DIR', 'REDIS_PASSWORD', 'REDIS_URL']);
    expect(env[2].valueFrom).toStrictEqual({ secretKeyRef: { name: 'saplings-secrets', key: 'REDIS_PASSWORD' } });
    expect(env[3].value).toBe('redis://:$(REDIS_PASSWORD)@redis-service:6379');
    expect(JSON.stringify(find(objects, 'ConfigMap').data)).not.toContain('PASSWORD');
  });

  test('in development Redis has no password', () => {
    const objects = render({ environment: 'development' });
    expect(find(objects, 'Deployment', 'redis').spec.template.spec.containers[0].args).not.toContain('--requirepass');
    expect(find(objects, 'Deployment', 'saplings-app').spec.template.spec.containers[0].env).toStrictEqual([
      { name: 'PORT', value: '8000' }, { name: 'PROMETHEUS_MULTIPROC_DIR', value: '/app/prometheus-multiproc' },
    ]);
  });

  test('secrets.source external: an ExternalSecret for every key the stack needs', () => {
    const objects = render({
      vectorDb: { enabled: true, engine: 'pgvector' },
      secrets: { source: 'external', external: { storeName: 'vault', remoteKeyPrefix: 'saplings/prod/' } },
    });
    const external = find(objects, 'ExternalSecret', 'saplings-secrets');
    expect(external.apiVersion).toBe('external-secrets.io/v1');
    expect(external.spec).toMatchObject({
      secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
      target: { name: 'saplings-secrets', creationPolicy: 'Owner' },
      refreshInterval: '1h',
    });
    expect(external.spec.data.map((d: any) => [d.secretKey, d.remoteRef.key])).toStrictEqual(
      ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'DATABASE_URL', 'ENCRYPTION_KEY', 'REDIS_PASSWORD', 'POSTGRES_PASSWORD'].map((k) => [k, `saplings/prod/${k}`]),
    );
    expect(all(objects, 'Secret')).toHaveLength(0);
  });

  test('secrets.source inline in development writes the Secret with its values', () => {
    const values = { OPENAI_API_KEY: 'dev-openai', ANTHROPIC_API_KEY: 'dev-anthropic', DATABASE_URL: 'sqlite://', ENCRYPTION_KEY: 'dev-key' };
    const objects = render({ environment: 'development', secrets: { source: 'inline', values } });
    const secret = find(objects, 'Secret', 'saplings-secrets');
    expect(secret.stringData).toStrictEqual(values);
    expect(all(objects, 'ExternalSecret')).toHaveLength(0);
  });
});

describe('the app image user', () => {
  test('defaults to the guide image\'s 999:999 and follows app.runAsUser/runAsGroup', () => {
    const pod = (objects: any[]) => find(objects, 'Deployment', 'saplings-app').spec.template.spec;
    expect(pod(render()).securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999, runAsNonRoot: true });
    const custom = pod(render({ app: { runAsUser: 10001, runAsGroup: 10002 } }));
    expect(custom.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10002, fsGroup: 10002 });
    expect(custom.containers[0].securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10002 });
  });

  test('root is refused', () => {
    expect(() => render({ app: { runAsUser: 0 } })).toThrow(/too small/i);
  });
});

describe('SaplingsStack from typed props', () => {
  const names = (objects: any[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();

  test('GIVEN stackPropsFromConfig THEN the stack holds exactly the objects renderStack writes', () => {
    const config = stackConfig({ vectorDb: { enabled: true, engine: 'qdrant' } });
    const stack = new lib.SaplingsStack(new App(), config.name, stackPropsFromConfig(config));
    expect(names(stack.toJson())).toStrictEqual(names(render({ vectorDb: { enabled: true, engine: 'qdrant' } })));
    expect(stack.toJson()).toStrictEqual(expect.arrayContaining(render({ vectorDb: { enabled: true, engine: 'qdrant' } })));
  });

  describe('GIVEN only the app image', () => {
    const stack = new lib.SaplingsStack(new App(), 'saplings', { app: { image: 'saplings:1.0.0' } });
    const objects = stack.toJson();

    test('THEN it creates Redis with a password from the stack Secret, an HPA and a ServiceMonitor, and no Ingress or vector DB', () => {
      expect(names(objects)).toStrictEqual(names(render({ ingress: { enabled: false } })));
      expect(stack.redis?.password?.secret).toBe(stack.secret);
      expect(stack.secret?.keys).toStrictEqual(['REDIS_PASSWORD']);
      expect(stack.vectorDb).toBeUndefined();
      expect(stack.ingress).toBeUndefined();
    });

    test('THEN every validation passes', () => {
      expect(() => lib.validateConstructs(stack)).not.toThrow();
    });
  });

  test('GIVEN redis, autoscaling and serviceMonitor false THEN none of them is created', () => {
    const stack = new lib.SaplingsStack(new App(), 'saplings', {
      app: { image: 'saplings:1.0.0', replicas: 2 },
      redis: false,
      autoscaling: false,
      serviceMonitor: false,
    });
    const objects = stack.toJson();
    expect(names(objects).filter((n) => /redis|HorizontalPodAutoscaler|ServiceMonitor/.test(n))).toStrictEqual([]);
    expect(find(objects, 'ConfigMap', 'saplings-config').data).not.toHaveProperty('REDIS_URL');
    expect(find(objects, 'Deployment', 'saplings-app').spec.replicas).toBe(2);
    expect(stack.secret?.keys).toStrictEqual([]);
  });

  describe('GIVEN your own Secret, Redis and vector DB, from a chart in the same namespace', () => {
    const app = new App();
    const shared = new Chart(app, 'shared', { namespace: 'agents' });
    const secret = new lib.AppSecret(shared, 'Secret', { name: 'team-secrets', keys: ['OPENAI_API_KEY', 'REDIS_PASSWORD', 'POSTGRES_PASSWORD'] });
    const redis = new lib.RedisStore(shared, 'Redis', { name: 'cache', password: { secret } });
    const vectorDb = new lib.VectorDb(shared, 'Vectors', { engine: 'pgvector', credentials: { secret } });
    const stack = new lib.SaplingsStack(app, 'agents', { name: 'agents', app: { image: 'saplings:1.0.0' }, secret, redis, vectorDb });
    const objects = stack.toJson();
    const container = find(objects, 'Deployment', 'agents-app').spec.template.spec.containers[0];

    test('THEN the stack uses them and creates none of its own', () => {
      expect(stack.secret).toBe(secret);
      expect(stack.redis).toBe(redis);
      expect(stack.vectorDb).toBe(vectorDb);
      expect(stack.app.redis).toBe(redis);
      expect(names(objects).filter((n) => /^(Deployment|Service|PersistentVolumeClaim)\//.test(n))).toStrictEqual([
        'Deployment/agents-app',
        'Service/agents-service',
      ]);
    });

    test('THEN the app loads your Secret and reaches your Redis and Postgres, with credentials from your Secret', () => {
      expect(container.envFrom).toStrictEqual([{ configMapRef: { name: 'agents-config' } }, { secretRef: { name: 'team-secrets' } }]);
      expect(find(objects, 'ConfigMap', 'agents-config').data).toMatchObject({ REDIS_URL: 'redis://cache-service:6379', VECTOR_DB_ENGINE: 'pgvector' });
      expect(container.env).toStrictEqual([
        { name: 'PORT', value: '8000' }, { name: 'PROMETHEUS_MULTIPROC_DIR', value: '/app/prometheus-multiproc' },
        { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'team-secrets', key: 'REDIS_PASSWORD' } } },
        { name: 'REDIS_URL', value: 'redis://:$(REDIS_PASSWORD)@cache-service:6379' },
        { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'team-secrets', key: 'POSTGRES_PASSWORD' } } },
        { name: 'DATABASE_URL', value: 'postgresql://saplings:$(POSTGRES_PASSWORD)@pgvector-service:5432/saplings' },
      ]);
    });

    test('THEN your Redis admits the app through its NetworkPolicy', () => {
      const redisIngress = shared.toJson().find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === 'cache-netpol-ingress');
      expect(redisIngress.spec.ingress).toStrictEqual([
        { from: [{ podSelector: { matchLabels: { app: 'agents' } } }], ports: [{ port: 6379, protocol: 'TCP' }] },
      ]);
    });

    test('THEN every validation passes', () => {
      expect(() => lib.validateConstructs(app)).not.toThrow();
    });
  });

  test('GIVEN an ISecret THEN the app loads it and the stack keeps no AppSecret', () => {
    const app = new App();
    const secret = kplus.Secret.fromSecretName(new Chart(app, 'refs'), 'Vault', 'vault-synced');
    const stack = new lib.SaplingsStack(app, 'saplings', { app: { image: 'saplings:1.0.0' }, secret, redis: false });
    expect(stack.secret).toBeUndefined();
    expect(find(stack.toJson(), 'Deployment', 'saplings-app').spec.template.spec.containers[0].envFrom[1]).toStrictEqual({
      secretRef: { name: 'vault-synced' },
    });
  });

  test('GIVEN a pgvector reading your AppSecret that lacks its key THEN validation fails by type, naming the key', () => {
    const app = new App();
    const shared = new Chart(app, 'shared', { namespace: 'saplings' });
    const secret = new lib.AppSecret(shared, 'Secret', { name: 'saplings-secrets', keys: [] });
    const vectorDb = new lib.VectorDb(shared, 'Vectors', { engine: 'pgvector', credentials: { secret } });
    const stack = new lib.SaplingsStack(app, 'saplings', { app: { image: 'saplings:1.0.0' }, secret, redis: false, vectorDb });
    expect(() => lib.validateConstructs(stack.node.root)).toThrow(lib.SaplingsValidationError);
    expect(() => lib.validateConstructs(stack.node.root)).toThrow(
      new Error(
        "[shared/Vectors] 'credentials' reads key POSTGRES_PASSWORD of Secret saplings-secrets, but its AppSecret (shared/Secret) " +
          "lists only []; add POSTGRES_PASSWORD to the AppSecret's 'keys'",
      ),
    );
  });
});

describe('SaplingsStack app extensions', () => {
  test('GIVEN probes, partial resources, env and a sidecar in app THEN the stack\'s app container and pod carry them', () => {
    const stack = new lib.SaplingsStack(new App(), 'team-a', {
      app: {
        image: 'saplings:2.0.0',
        startup: kplus.Probe.fromHttpGet('/health', { port: 8000, failureThreshold: 30 }),
        resources: { limits: { memory: '6Gi' } },
        env: { FEATURE_FLAGS: 'tools' },
        sidecars: [
          { name: 'proxy', image: 'envoyproxy/envoy:v1.31.2', resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } } },
        ],
      },
    });
    const deployment = stack.toJson().find((o: { kind: string; metadata: { name: string } }) => o.kind === 'Deployment' && o.metadata.name === 'saplings-app');
    const [app, proxy] = deployment.spec.template.spec.containers;
    expect(app.startupProbe).toMatchObject({ httpGet: { path: '/health', port: 8000 }, failureThreshold: 30 });
    expect(app.resources).toStrictEqual({ requests: { cpu: '1000m', memory: '2Gi' }, limits: { cpu: '2000m', memory: '6Gi' } });
    expect(app.env).toContainEqual({ name: 'FEATURE_FLAGS', value: 'tools' });
    expect(proxy).toMatchObject({ name: 'proxy', securityContext: app.securityContext });
    expect(stack.app.sidecars).toHaveLength(1);
  });
});
