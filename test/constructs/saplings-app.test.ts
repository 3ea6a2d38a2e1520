import { ApiObject, App, Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { RedisStore, SaplingsApp, SaplingsAppProps, VectorDb } from '../../src';
import { checkPolicy } from '../../src/checks/policy';
import { Manifest, objectsOfKind, onlyOfKind, kubeletAdmitsRunAsNonRoot } from '../helpers/objects';

/** Synthesizes a chart holding one SaplingsApp with `props`. */
function synthApp(props: Partial<SaplingsAppProps> = {}): Manifest[] {
  const chart = Testing.chart();
  new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', ...props });
  return Testing.synth(chart);
}

function appContainer(manifests: Manifest[]): Manifest {
  return onlyOfKind(manifests, 'Deployment').spec.template.spec.containers[0];
}

describe('SaplingsApp', () => {
  test('defaults', () => {
    const chart = Testing.chart();
    new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0' });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  describe('GIVEN only an image', () => {
    const manifests = synthApp();

    test('THEN it creates the guide\'s objects, its ServiceAccount, PDB and egress NetworkPolicy, and nothing else', () => {
      // No ingress NetworkPolicy: nothing is wired to reach the app yet.
      expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toStrictEqual([
        'ConfigMap/saplings-config',
        'Deployment/saplings-app',
        'NetworkPolicy/saplings-netpol-egress',
        'PodDisruptionBudget/saplings-pdb',
        'Service/saplings-service',
        'ServiceAccount/saplings-app',
      ]);
    });

    test('THEN the Deployment is saplings-app, selected by app: saplings only', () => {
      const deployment = onlyOfKind(manifests, 'Deployment');
      expect(deployment.metadata).toStrictEqual({ name: 'saplings-app', labels: { app: 'saplings' } });
      expect(deployment.spec.selector).toStrictEqual({ matchLabels: { app: 'saplings' } });
      expect(deployment.spec.template.metadata.labels).toStrictEqual({ app: 'saplings' });
    });

    test('THEN no object carries the cdk8s.io/metadata.addr label', () => {
      // Selectors are immutable: a path-derived label would break `kubectl apply` after a refactor.
      expect(JSON.stringify(manifests)).not.toContain('cdk8s.io/metadata.addr');
    });

    test('THEN it rolls out one extra pod at a time and never drops below the replica count', () => {
      expect(onlyOfKind(manifests, 'Deployment').spec.strategy).toStrictEqual({
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
      });
    });

    test('THEN it runs 3 replicas', () => {
      expect(onlyOfKind(manifests, 'Deployment').spec.replicas).toBe(3);
    });

    test('THEN the container serves http on 8000 and is told so through PORT', () => {
      const container = appContainer(manifests);
      expect(container).toMatchObject({ name: 'saplings', image: 'saplings:1.0.0' });
      expect(container.ports).toStrictEqual([{ containerPort: 8000, name: 'http' }]);
      expect(container.env).toStrictEqual([{ name: 'PORT', value: '8000' }, { name: 'PROMETHEUS_MULTIPROC_DIR', value: '/app/prometheus-multiproc' }]);
    });

    test('THEN the environment comes from saplings-config, then saplings-secrets', () => {
      expect(appContainer(manifests).envFrom).toStrictEqual([
        { configMapRef: { name: 'saplings-config' } },
        { secretRef: { name: 'saplings-secrets' } },
      ]);
    });

    test('THEN requests and limits are the guide\'s quantities, spelled as the guide spells them', () => {
      expect(appContainer(manifests).resources).toStrictEqual({
        requests: { cpu: '1000m', memory: '2Gi' },
        limits: { cpu: '2000m', memory: '4Gi' },
      });
    });

    test('THEN liveness is GET /health:8000 after 30s, every 10s, 5s timeout, 3 failures', () => {
      expect(appContainer(manifests).livenessProbe).toStrictEqual({
        httpGet: { path: '/health', port: 8000, scheme: 'HTTP' },
        initialDelaySeconds: 30,
        periodSeconds: 10,
        timeoutSeconds: 5,
        failureThreshold: 3,
      });
    });

    test('THEN readiness is GET /ready:8000 after 5s, every 5s, 3s timeout, 2 failures', () => {
      expect(appContainer(manifests).readinessProbe).toStrictEqual({
        httpGet: { path: '/ready', port: 8000, scheme: 'HTTP' },
        initialDelaySeconds: 5,
        periodSeconds: 5,
        timeoutSeconds: 3,
        failureThreshold: 2,
      });
    });

    test('THEN /app/data is the pod\'s own claim, and /app/logs, the metrics directory and /tmp are emptyDirs', () => {
      const podSpec = onlyOfKind(manifests, 'Deployment').spec.template.spec;
      expect(podSpec.containers[0].volumeMounts).toStrictEqual([
        { name: 'data-volume', mountPath: '/app/data' },
        { name: 'logs-volume', mountPath: '/app/logs' },
        { name: 'prometheus-multiproc', mountPath: '/app/prometheus-multiproc' },
        { name: 'scratch-tmp', mountPath: '/tmp' },
      ]);
      expect(podSpec.volumes).toStrictEqual([
        {
          name: 'data-volume',
          ephemeral: {
            volumeClaimTemplate: { metadata: { labels: { app: 'saplings' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Gi' } } } },
          },
        },
        { name: 'logs-volume', emptyDir: {} },
        { name: 'prometheus-multiproc', emptyDir: {} },
        { name: 'scratch-tmp', emptyDir: {} },
      ]);
    });

    test('THEN images are pulled with registry-secret', () => {
      expect(onlyOfKind(manifests, 'Deployment').spec.template.spec.imagePullSecrets).toStrictEqual([
        { name: 'registry-secret' },
      ]);
    });

    test('THEN the ConfigMap holds the guide\'s production settings and no REDIS_URL', () => {
      const configMap = onlyOfKind(manifests, 'ConfigMap');
      expect(configMap.metadata.name).toBe('saplings-config');
      expect(configMap.data).toStrictEqual({
        ENVIRONMENT: 'production',
        LOG_LEVEL: 'INFO',
        GASA_ENABLED: 'true',
        MONITORING_ENABLED: 'true',
        // Not in the guide's ConfigMap; from its EnvironmentConfig table (production: True).
        SELF_HEALING_ENABLED: 'true',
        MAX_WORKERS: '4',
        TIMEOUT: '120',
      });
    });

    test('THEN the Service is ClusterIP saplings-service, port 80 "http" to 8000, selecting app: saplings', () => {
      const service = onlyOfKind(manifests, 'Service');
      expect(service.metadata).toStrictEqual({ name: 'saplings-service', labels: { app: 'saplings' } });
      expect(service.spec).toMatchObject({ type: 'ClusterIP', selector: { app: 'saplings' } });
      expect(service.spec.selector).toStrictEqual({ app: 'saplings' });
      expect(service.spec.ports).toStrictEqual([{ name: 'http', port: 80, targetPort: 8000, protocol: 'TCP' }]);
    });

    test('THEN no claim is shared: each pod gets its own, so the 3 replicas never share a single-writer claim', () => {
      expect(manifests.filter((m) => m.kind === 'PersistentVolumeClaim')).toStrictEqual([]);
    });

    test('WHEN storage is shared ReadWriteMany on fast-ssd THEN the data claim is 100Gi ReadWriteMany on fast-ssd', () => {
      const claim = onlyOfKind(synthApp({ storage: { perPod: false, accessMode: 'ReadWriteMany', storageClassName: 'fast-ssd' } }), 'PersistentVolumeClaim');
      expect(claim.metadata.name).toBe('saplings-data-pvc');
      expect(claim.spec).toMatchObject({
        accessModes: ['ReadWriteMany'],
        resources: { requests: { storage: '100Gi' } },
        storageClassName: 'fast-ssd',
      });
    });

    // The guide's image declares `USER saplings`, a name the kubelet cannot verify, so the
    // pod names the uid `useradd -r` gives it on Debian: 999, group 999.
    it('THEN it runs as the image\'s saplings user by number, 999:999, which the kubelet can verify', () => {
      const podSpec = onlyOfKind(manifests, 'Deployment').spec.template.spec;
      const container = podSpec.containers[0];
      expect(podSpec.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, runAsNonRoot: true });
      expect(container.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, runAsNonRoot: true });
      expect(kubeletAdmitsRunAsNonRoot(podSpec, container, 'saplings')).toBe(true);
    });

    // gunicorn (the guide's CMD) creates its worker heartbeat files in /tmp.
    it('THEN gunicorn has an emptyDir at /tmp while the root filesystem is read-only', () => {
      const podSpec = onlyOfKind(manifests, 'Deployment').spec.template.spec;
      const container = podSpec.containers[0];
      expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
      const tmp = (container.volumeMounts as Manifest[]).filter((m) => m.mountPath === '/tmp');
      expect(tmp).toStrictEqual([{ name: 'scratch-tmp', mountPath: '/tmp' }]);
      expect(podSpec.volumes).toContainEqual({ name: 'scratch-tmp', emptyDir: {} });
    });
  });

  describe('GIVEN an environment', () => {
    test.each([
      ['development', { LOG_LEVEL: 'DEBUG', GASA_ENABLED: 'false', SELF_HEALING_ENABLED: 'false', MAX_WORKERS: '2', TIMEOUT: '60' }],
      ['staging', { LOG_LEVEL: 'INFO', GASA_ENABLED: 'true', SELF_HEALING_ENABLED: 'true', MAX_WORKERS: '4', TIMEOUT: '120' }],
    ] as const)('WHEN it is %s THEN the ConfigMap takes that preset', (environment, expected) => {
      const configMap = onlyOfKind(synthApp({ environment }), 'ConfigMap');
      expect(configMap.data).toStrictEqual({ ENVIRONMENT: environment, MONITORING_ENABLED: 'true', ...expected });
    });

    test('WHEN settings are also given THEN they win over the preset', () => {
      const configMap = onlyOfKind(
        synthApp({
          environment: 'development',
          logLevel: 'WARNING',
          gasa: true,
          monitoring: false,
          selfHealing: true,
          maxWorkers: 8,
          timeoutSeconds: 300,
        }),
        'ConfigMap',
      );
      expect(configMap.data).toStrictEqual({
        ENVIRONMENT: 'development',
        LOG_LEVEL: 'WARNING',
        GASA_ENABLED: 'true',
        MONITORING_ENABLED: 'false',
        SELF_HEALING_ENABLED: 'true',
        MAX_WORKERS: '8',
        TIMEOUT: '300',
      });
    });
  });

  test('GIVEN extra config entries THEN they are added to the ConfigMap next to the defaults', () => {
    const configMap = onlyOfKind(synthApp({ config: { FEATURE_FLAGS: 'planner,memory', OTEL_SERVICE_NAME: 'agents' } }), 'ConfigMap');
    expect(configMap.data).toMatchObject({
      ENVIRONMENT: 'production',
      LOG_LEVEL: 'INFO',
      FEATURE_FLAGS: 'planner,memory',
      OTEL_SERVICE_NAME: 'agents',
    });
  });

  describe('GIVEN a custom name', () => {
    const manifests = synthApp({ name: 'agents', storage: { perPod: false, accessMode: 'ReadWriteMany' } });

    test('THEN every object name starts with it', () => {
      expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toStrictEqual([
        'ConfigMap/agents-config',
        'Deployment/agents-app',
        'NetworkPolicy/agents-netpol-egress',
        'PersistentVolumeClaim/agents-data-pvc',
        'PodDisruptionBudget/agents-pdb',
        'Service/agents-service',
        'ServiceAccount/agents-app',
      ]);
    });

    test('THEN it is the app label, the selector and the Secret and claim references', () => {
      const deployment = onlyOfKind(manifests, 'Deployment');
      expect(deployment.spec.selector).toStrictEqual({ matchLabels: { app: 'agents' } });
      expect(onlyOfKind(manifests, 'Service').spec.selector).toStrictEqual({ app: 'agents' });
      expect(appContainer(manifests).envFrom).toStrictEqual([
        { configMapRef: { name: 'agents-config' } },
        { secretRef: { name: 'agents-secrets' } },
      ]);
      expect(deployment.spec.template.spec.volumes[0].persistentVolumeClaim.claimName).toBe('agents-data-pvc');
    });

    test('THEN the pods, PDB, spread constraints and NetworkPolicy select app: agents and use ServiceAccount agents-app', () => {
      const podSpec = onlyOfKind(manifests, 'Deployment').spec.template.spec;
      expect(podSpec.serviceAccountName).toBe('agents-app');
      expect(onlyOfKind(manifests, 'PodDisruptionBudget').spec.selector).toStrictEqual({ matchLabels: { app: 'agents' } });
      expect(podSpec.topologySpreadConstraints.map((c: Manifest) => c.labelSelector)).toStrictEqual([
        { matchLabels: { app: 'agents' } },
        { matchLabels: { app: 'agents' } },
      ]);
      expect(onlyOfKind(manifests, 'NetworkPolicy').spec.podSelector).toStrictEqual({ matchLabels: { app: 'agents' } });
    });
  });

  describe('GIVEN an image', () => {
    test.each([
      ['saplings:1.0.0', 'IfNotPresent'],
      ['registry.example.com:5000/saplings:2.1.3', 'IfNotPresent'],
      ['saplings@sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0', 'IfNotPresent'],
      ['saplings:latest', 'Always'],
      ['saplings', 'Always'],
      ['registry.example.com:5000/saplings', 'Always'],
    ])('WHEN it is %s THEN imagePullPolicy is %s', (image, policy) => {
      expect(appContainer(synthApp({ image })).imagePullPolicy).toBe(policy);
    });
  });

  describe('GIVEN the public fields', () => {
    const chart = Testing.chart();
    const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', storage: { perPod: false, accessMode: 'ReadWriteMany' } });
    const manifests = Testing.synth(chart);

    test.each([
      ['deployment', 'Deployment'],
      ['service', 'Service'],
      ['configMap', 'ConfigMap'],
      ['dataClaim', 'PersistentVolumeClaim'],
      ['serviceAccount', 'ServiceAccount'],
      ['disruptionBudget', 'PodDisruptionBudget'],
    ] as const)('THEN %s is the synthesized %s', (field, kind) => {
      const child = app[field];
      expect(child).toBeDefined();
      expect(ApiObject.of(child!).toJson()).toStrictEqual(onlyOfKind(manifests, kind));
    });

    test('THEN trafficPolicy holds the synthesized egress policy and, with nothing wired in, no ingress policy', () => {
      expect(app.trafficPolicy.egressPolicy?.toJson()).toStrictEqual(onlyOfKind(manifests, 'NetworkPolicy'));
      expect(app.trafficPolicy.ingressPolicy).toBeUndefined();
    });

    test('WHEN a user adds to the ConfigMap through the field THEN the entry is synthesized', () => {
      const extended = Testing.chart();
      const extendedApp = new SaplingsApp(extended, 'Saplings', { image: 'saplings:1.0.0' });
      extendedApp.configMap.addData('EXTRA', 'yes');
      expect(onlyOfKind(Testing.synth(extended), 'ConfigMap').data).toMatchObject({ EXTRA: 'yes', LOG_LEVEL: 'INFO' });
    });
  });

  describe('GIVEN props that change the pod', () => {
    test('WHEN replicas is set THEN the Deployment runs that many', () => {
      expect(onlyOfKind(synthApp({ replicas: 5 }), 'Deployment').spec.replicas).toBe(5);
    });

    test('WHEN the port changes THEN PORT, the container port, probes and targetPort follow it', () => {
      const manifests = synthApp({ port: 9000 });
      const container = appContainer(manifests);
      expect(container.ports).toStrictEqual([{ containerPort: 9000, name: 'http' }]);
      expect(container.env).toStrictEqual([{ name: 'PORT', value: '9000' }, { name: 'PROMETHEUS_MULTIPROC_DIR', value: '/app/prometheus-multiproc' }]);
      expect(container.livenessProbe.httpGet.port).toBe(9000);
      expect(container.readinessProbe.httpGet.port).toBe(9000);
      expect(onlyOfKind(manifests, 'Service').spec.ports).toStrictEqual([
        { name: 'http', port: 80, targetPort: 9000, protocol: 'TCP' },
      ]);
    });

    test('WHEN resources are given THEN they are written exactly as given', () => {
      const resources = { requests: { cpu: '1500m', memory: '3G' }, limits: { cpu: '3', memory: '6Gi' } };
      expect(appContainer(synthApp({ resources })).resources).toStrictEqual(resources);
    });

    test('WHEN storage is given THEN the claim uses it, keeping the size as written', () => {
      const claim = onlyOfKind(
        synthApp({ replicas: 1, storage: { size: '500G', storageClassName: 'gp3', accessMode: 'ReadWriteOnce', perPod: false } }),
        'PersistentVolumeClaim',
      );
      expect(claim.spec).toMatchObject({
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '500G' } },
        storageClassName: 'gp3',
      });
    });

    test('WHEN only the storage size is given THEN the other storage defaults stay: a ReadWriteOnce claim per pod on the default class', () => {
      const volumes = onlyOfKind(synthApp({ storage: { size: '200Gi' } }), 'Deployment').spec.template.spec.volumes;
      expect(volumes.find((v: Manifest) => v.name === 'data-volume').ephemeral.volumeClaimTemplate.spec).toStrictEqual({
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '200Gi' } },
      });
    });

    test('WHEN one shared ReadWriteOnce claim serves one replica THEN the rollout is Recreate: a surge pod would wait on Multi-Attach', () => {
      const deployment = onlyOfKind(synthApp({ replicas: 1, storage: { accessMode: 'ReadWriteOnce', perPod: false } }), 'Deployment');
      expect(deployment.spec.strategy).toStrictEqual({ type: 'Recreate' });
      expect(onlyOfKind(synthApp(), 'Deployment').spec.strategy.type).toBe('RollingUpdate');
    });

    test.each(['ReadWriteOnce', 'ReadWriteOncePod'] as const)('WHEN one shared %s claim would serve the default 3 replicas THEN it is refused', (accessMode) => {
      expect(() => synthApp({ storage: { accessMode, perPod: false } })).toThrow(
        `'replicas' is 3, but the app's shared ${accessMode} data claim takes one writer; set 'storage.perPod: true' (a claim per pod) or 'storage.accessMode: ReadWriteMany' with a StorageClass that offers it, or set 'replicas: 1'`,
      );
    });

    test('WHEN the port, workers and timeout change THEN they reach gunicorn through the command, and the grace period covers the timeout', () => {
      const deployment = onlyOfKind(synthApp({ port: 9000, maxWorkers: 6, timeoutSeconds: 300 }), 'Deployment');
      expect(deployment.spec.template.spec.containers[0].args).toStrictEqual([
        'gunicorn', '--bind', '0.0.0.0:9000', '--workers', '6', '--timeout', '300', '--graceful-timeout', '300', 'main:app',
      ]);
      expect(deployment.spec.template.spec.containers[0].lifecycle).toStrictEqual({ preStop: { exec: { command: ['sleep', '10'] } } });
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(10 + 300 + 5);
    });

    test('WHEN command is given THEN it replaces gunicorn\'s as written', () => {
      expect(appContainer(synthApp({ command: ['python', '-m', 'saplings.serve'] })).args).toStrictEqual(['python', '-m', 'saplings.serve']);
    });

    test.each([
      ['staging', '/app/staging_data'],
      ['development', '/app/dev_data'],
    ] as const)('WHEN the environment is %s THEN the data volume is also mounted at %s, where the guide\'s app writes its memory', (environment, dir) => {
      expect(appContainer(synthApp({ environment })).volumeMounts).toContainEqual({ name: 'data-volume', mountPath: dir });
    });

    test('WHEN imagePullSecrets lists several THEN all are used, in order', () => {
      const podSpec = onlyOfKind(synthApp({ imagePullSecrets: ['ghcr', 'ecr'] }), 'Deployment').spec.template.spec;
      expect(podSpec.imagePullSecrets).toStrictEqual([{ name: 'ghcr' }, { name: 'ecr' }]);
    });

    test('WHEN imagePullSecrets is empty THEN the pod has none', () => {
      const podSpec = onlyOfKind(synthApp({ imagePullSecrets: [] }), 'Deployment').spec.template.spec;
      expect(podSpec).not.toHaveProperty('imagePullSecrets');
    });

    test('WHEN a Secret is given THEN the container loads that Secret', () => {
      const secret = kplus.Secret.fromSecretName(new Chart(new App(), 'refs'), 'Ref', 'vault-synced');
      expect(appContainer(synthApp({ secret })).envFrom).toStrictEqual([
        { configMapRef: { name: 'saplings-config' } },
        { secretRef: { name: 'vault-synced' } },
      ]);
    });
  });

  describe('GIVEN a RedisStore', () => {
    const chart = Testing.chart();
    const redis = new RedisStore(chart, 'Redis', { requirePassword: false });
    new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', redis });
    const manifests = Testing.synth(chart);
    const configMap = objectsOfKind(manifests, 'ConfigMap').find((m) => m.metadata.name === 'saplings-config');

    test('THEN REDIS_URL points at the Redis Service', () => {
      expect(configMap?.data.REDIS_URL).toBe('redis://redis-service:6379');
      expect(configMap?.data.REDIS_URL).toBe(redis.url);
    });

    test('THEN the rest of the ConfigMap is unchanged', () => {
      expect(configMap?.data).toMatchObject({ ENVIRONMENT: 'production', LOG_LEVEL: 'INFO', MAX_WORKERS: '4' });
    });
  });

  describe('GIVEN a pgvector VectorDb', () => {
    const chart = Testing.chart();
    const vectorDb = new VectorDb(chart, 'Vectors', { engine: 'pgvector' });
    new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', vectorDb });
    const manifests = Testing.synth(chart);
    const app = objectsOfKind(manifests, 'Deployment').find((m) => m.metadata.name === 'saplings-app');
    const env: Manifest[] = app?.spec.template.spec.containers[0].env;

    test('THEN the container reads POSTGRES_PASSWORD from the Secret, then builds DATABASE_URL from it', () => {
      expect(env).toStrictEqual([
        { name: 'PORT', value: '8000' }, { name: 'PROMETHEUS_MULTIPROC_DIR', value: '/app/prometheus-multiproc' },
        { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'saplings-secrets', key: 'POSTGRES_PASSWORD' } } },
        { name: 'DATABASE_URL', value: 'postgresql://saplings:$(POSTGRES_PASSWORD)@pgvector-service:5432/saplings' },
      ]);
    });

    test('THEN POSTGRES_PASSWORD comes before DATABASE_URL, so Kubernetes can expand $(POSTGRES_PASSWORD)', () => {
      const names = env.map((e) => e.name);
      expect(names.indexOf('POSTGRES_PASSWORD')).toBeGreaterThanOrEqual(0);
      expect(names.indexOf('POSTGRES_PASSWORD')).toBeLessThan(names.indexOf('DATABASE_URL'));
      expect(env.find((e) => e.name === 'DATABASE_URL')?.value).toContain('$(POSTGRES_PASSWORD)@pgvector-service:5432');
    });

    test('THEN the ConfigMap names the engine and holds no credentials', () => {
      const configMap = objectsOfKind(manifests, 'ConfigMap').find((m) => m.metadata.name === 'saplings-config');
      expect(configMap?.data.VECTOR_DB_ENGINE).toBe('pgvector');
      expect(configMap?.data).not.toHaveProperty('DATABASE_URL');
      expect(configMap?.data).not.toHaveProperty('POSTGRES_PASSWORD');
    });
  });

  describe('GIVEN a qdrant VectorDb', () => {
    const chart = Testing.chart();
    const vectorDb = new VectorDb(chart, 'Vectors', { engine: 'qdrant', requireApiKey: false });
    new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', vectorDb });
    const manifests = Testing.synth(chart);

    test('THEN QDRANT_URL in the ConfigMap points at the qdrant Service', () => {
      const configMap = objectsOfKind(manifests, 'ConfigMap').find((m) => m.metadata.name === 'saplings-config');
      expect(configMap?.data).toMatchObject({ VECTOR_DB_ENGINE: 'qdrant', QDRANT_URL: 'http://qdrant-service:6333' });
    });

    test('THEN the container gets no extra env', () => {
      const app = objectsOfKind(manifests, 'Deployment').find((m) => m.metadata.name === 'saplings-app');
      expect(app?.spec.template.spec.containers[0].env).toStrictEqual([{ name: 'PORT', value: '8000' }, { name: 'PROMETHEUS_MULTIPROC_DIR', value: '/app/prometheus-multiproc' }]);
    });
  });

  describe('GIVEN a RedisStore that requires a password', () => {
    const chart = Testing.chart();
    const redis = new RedisStore(chart, 'Redis', {
      password: { secret: kplus.Secret.fromSecretName(chart, 'SecretRef', 'saplings-secrets'), key: 'REDIS_PASSWORD' },
    });
    new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', redis });
    const manifests = Testing.synth(chart);
    const app = objectsOfKind(manifests, 'Deployment').find((m) => m.metadata.name === 'saplings-app');
    const configMap = objectsOfKind(manifests, 'ConfigMap').find((m) => m.metadata.name === 'saplings-config');

    test('THEN the container reads REDIS_PASSWORD from the Secret, then builds REDIS_URL from it, in that order', () => {
      // Kubernetes expands $(REDIS_PASSWORD) only from a variable defined earlier in the list.
      expect(app?.spec.template.spec.containers[0].env).toStrictEqual([
        { name: 'PORT', value: '8000' }, { name: 'PROMETHEUS_MULTIPROC_DIR', value: '/app/prometheus-multiproc' },
        { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'saplings-secrets', key: 'REDIS_PASSWORD' } } },
        { name: 'REDIS_URL', value: 'redis://:$(REDIS_PASSWORD)@redis-service:6379' },
      ]);
    });

    test('THEN the ConfigMap keeps the password-less REDIS_URL and never a password', () => {
      expect(configMap?.data.REDIS_URL).toBe('redis://redis-service:6379');
      expect(configMap?.data).not.toHaveProperty('REDIS_PASSWORD');
      expect(JSON.stringify(configMap)).not.toContain('PASSWORD');
    });
  });

  describe('GIVEN a qdrant VectorDb that requires an API key', () => {
    const chart = Testing.chart();
    const vectorDb = new VectorDb(chart, 'Vectors', { engine: 'qdrant', requireApiKey: true });
    new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', vectorDb });
    const manifests = Testing.synth(chart);

    test('THEN the container reads QDRANT_API_KEY from the Secret and the ConfigMap holds no key', () => {
      const app = objectsOfKind(manifests, 'Deployment').find((m) => m.metadata.name === 'saplings-app');
      expect(app?.spec.template.spec.containers[0].env).toStrictEqual([
        { name: 'PORT', value: '8000' }, { name: 'PROMETHEUS_MULTIPROC_DIR', value: '/app/prometheus-multiproc' },
        { name: 'QDRANT_API_KEY', valueFrom: { secretKeyRef: { name: 'saplings-secrets', key: 'QDRANT_API_KEY' } } },
      ]);
      const configMap = objectsOfKind(manifests, 'ConfigMap').find((m) => m.metadata.name === 'saplings-config');
      expect(configMap?.data).toMatchObject({ VECTOR_DB_ENGINE: 'qdrant', QDRANT_URL: 'http://qdrant-service:6333' });
      expect(JSON.stringify(configMap)).not.toContain('API_KEY');
    });
  });

  describe('GIVEN the default replica spread', () => {
    const podSpec = onlyOfKind(synthApp(), 'Deployment').spec.template.spec;

    test('THEN replicas spread over zones, then nodes, by at most one pod, without blocking scheduling', () => {
      expect(podSpec.topologySpreadConstraints).toStrictEqual(
        ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
          maxSkew: 1,
          topologyKey,
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: { app: 'saplings' } },
          // Counts only the pods of the current ReplicaSet, so a rollout is not skewed by the old one.
          matchLabelKeys: ['pod-template-hash'],
        })),
      );
    });
  });

  describe('GIVEN the PodDisruptionBudget', () => {
    const manifests = synthApp();
    const pdb = onlyOfKind(manifests, 'PodDisruptionBudget');

    test('THEN it is policy/v1 saplings-pdb selecting exactly the app\'s pods', () => {
      expect(pdb).toMatchObject({ apiVersion: 'policy/v1', metadata: { name: 'saplings-pdb', labels: { app: 'saplings' } } });
      const deployment = onlyOfKind(manifests, 'Deployment');
      expect(pdb.spec.selector).toStrictEqual({ matchLabels: { app: 'saplings' } });
      expect(pdb.spec.selector).toStrictEqual(deployment.spec.selector);
      expect(deployment.spec.template.metadata.labels).toMatchObject(pdb.spec.selector.matchLabels);
    });

    test('THEN it allows one pod down at a time and sets no minAvailable, so it never blocks draining the last pod', () => {
      // minAvailable (or maxUnavailable 0) would refuse every eviction of a single-replica app.
      expect(pdb.spec).toStrictEqual({ maxUnavailable: 1, selector: { matchLabels: { app: 'saplings' } } });
    });
  });

  test('GIVEN runAsUser THEN the pod, the container and fsGroup use it', () => {
    const podSpec = onlyOfKind(synthApp({ runAsUser: { uid: 10001, gid: 10002 } }), 'Deployment').spec.template.spec;
    expect(podSpec.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10002, fsGroup: 10002 });
    expect(podSpec.containers[0].securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10002 });
  });

  test('GIVEN two apps with different names in one chart THEN their objects do not collide', () => {
    const chart = new Chart(Testing.app(), 'Two');
    new SaplingsApp(chart, 'Blue', { image: 'saplings:1.0.0', name: 'blue' });
    new SaplingsApp(chart, 'Green', { image: 'saplings:1.0.0', name: 'green' });
    const deployments = objectsOfKind(Testing.synth(chart), 'Deployment');
    expect(deployments.map((d) => d.spec.selector.matchLabels)).toStrictEqual([{ app: 'blue' }, { app: 'green' }]);
  });
});

describe('SaplingsApp extensions, without JSON patches', () => {
  describe('GIVEN a liveness, readiness and startup probe', () => {
    const manifests = synthApp({
      liveness: kplus.Probe.fromHttpGet('/livez', { port: 8000, periodSeconds: Duration.seconds(20) }),
      readiness: kplus.Probe.fromTcpSocket({ port: 8000 }),
      startup: kplus.Probe.fromHttpGet('/health', { port: 8000, failureThreshold: 30, periodSeconds: Duration.seconds(10) }),
    });
    const container = appContainer(manifests);

    test('THEN they replace the guide\'s liveness and readiness probes', () => {
      expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/livez', port: 8000 }, periodSeconds: 20 });
      expect(container.readinessProbe).toMatchObject({ tcpSocket: { port: 8000 } });
      expect(container.readinessProbe).not.toHaveProperty('httpGet');
    });

    test('THEN the startup probe gives the first start 300 s', () => {
      expect(container.startupProbe).toMatchObject({ httpGet: { path: '/health', port: 8000 }, failureThreshold: 30, periodSeconds: 10 });
    });
  });

  test('GIVEN no probes THEN the guide\'s /health and /ready stay, and there is no startup probe', () => {
    const container = appContainer(synthApp());
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/health', port: 8000 }, initialDelaySeconds: 30, periodSeconds: 10 });
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/ready', port: 8000 }, initialDelaySeconds: 5, periodSeconds: 5 });
    expect(container).not.toHaveProperty('startupProbe');
  });

  describe('GIVEN partial resources', () => {
    test.each([
      ['only limits', { limits: { cpu: '4', memory: '8Gi' } }, { requests: { cpu: '1000m', memory: '2Gi' }, limits: { cpu: '4', memory: '8Gi' } }],
      ['only requests', { requests: { cpu: '500m', memory: '1Gi' } }, { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2000m', memory: '4Gi' } }],
      ['only the memory', { requests: { memory: '3Gi' }, limits: { memory: '6Gi' } }, { requests: { cpu: '1000m', memory: '3Gi' }, limits: { cpu: '2000m', memory: '6Gi' } }],
    ])('WHEN %s THEN the rest keeps the defaults', (_what, resources, expected) => {
      expect(appContainer(synthApp({ resources })).resources).toStrictEqual(expected);
    });

    test('WHEN only the Redis memory limit is set THEN Redis keeps its other defaults', () => {
      const chart = Testing.chart();
      new RedisStore(chart, 'Redis', { requirePassword: false, resources: { limits: { memory: '1Gi' } } });
      expect(onlyOfKind(Testing.synth(chart), 'Deployment').spec.template.spec.containers[0].resources).toStrictEqual({
        requests: { cpu: '100m', memory: '256Mi' },
        limits: { cpu: '500m', memory: '1Gi' },
      });
    });
  });

  describe('GIVEN extra env, plain and from a Secret, with a Redis', () => {
    const chart = Testing.chart();
    const redis = new RedisStore(chart, 'Redis', { requirePassword: false });
    const search = kplus.Secret.fromSecretName(chart, 'Search', 'search-credentials');
    new SaplingsApp(chart, 'Saplings', {
      image: 'saplings:1.0.0',
      redis,
      env: {
        FEATURE_FLAGS: 'tools,memory',
        SERPAPI_KEY: kplus.EnvValue.fromSecretValue({ secret: search, key: 'api-key' }),
        CALLBACK_URL: kplus.EnvValue.fromValue('http://localhost:$(PORT)/callback'),
      },
    });
    const container = onlyOfKind(objectsOfKind(Testing.synth(chart), 'Deployment').filter((d) => d.metadata.name === 'saplings-app'), 'Deployment')
      .spec.template.spec.containers[0];

    test('THEN they follow the app\'s own variables, so they can expand them', () => {
      expect(container.env).toStrictEqual([
        { name: 'PORT', value: '8000' }, { name: 'PROMETHEUS_MULTIPROC_DIR', value: '/app/prometheus-multiproc' },
        { name: 'FEATURE_FLAGS', value: 'tools,memory' },
        { name: 'SERPAPI_KEY', valueFrom: { secretKeyRef: { name: 'search-credentials', key: 'api-key' } } },
        { name: 'CALLBACK_URL', value: 'http://localhost:$(PORT)/callback' },
      ]);
    });

    test('THEN the ConfigMap and Secret are still loaded whole', () => {
      expect(container.envFrom).toStrictEqual([{ configMapRef: { name: 'saplings-config' } }, { secretRef: { name: 'saplings-secrets' } }]);
    });
  });

  describe('GIVEN a sidecar', () => {
    const chart = Testing.chart();
    const app = new SaplingsApp(chart, 'Saplings', {
      image: 'saplings:1.0.0',
      runAsUser: { uid: 1001, gid: 1001 },
      sidecars: [
        {
          name: 'log-shipper',
          image: 'fluent/fluent-bit:3.1.9',
          args: ['-c', '/fluent-bit/etc/fluent-bit.conf'],
          ports: [{ name: 'metrics', number: 2020 }],
          env: { FLUENT_HOST: 'logs.example.com' },
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
          readiness: kplus.Probe.fromHttpGet('/api/v1/health', { port: 2020 }),
          scratchPaths: ['/tmp', '/fluent-bit/state'],
        },
      ],
    });
    const manifests = Testing.synth(chart);
    const deployment = onlyOfKind(manifests, 'Deployment');
    const [main, sidecar] = deployment.spec.template.spec.containers;

    test('THEN the pod still meets Pod Security "restricted" and the sidecar has its resources', () => {
      const findings = checkPolicy(manifests).filter((f) => f.rule.startsWith('pss-') || f.rule === 'practice-resources');
      expect(findings).toStrictEqual([]);
    });

    test('THEN it is the second container; the app\'s stays first', () => {
      expect(deployment.spec.template.spec.containers.map((c: Manifest) => c.name)).toStrictEqual(['saplings', 'log-shipper']);
      expect(main.image).toBe('saplings:1.0.0');
      expect(app.sidecars.map((c) => c.name)).toStrictEqual(['log-shipper']);
    });

    test('THEN it inherits the restricted security context and the app\'s user', () => {
      expect(sidecar.securityContext).toStrictEqual(main.securityContext);
      expect(sidecar.securityContext).toMatchObject({
        runAsUser: 1001,
        runAsGroup: 1001,
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        privileged: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    });

    test('THEN it has its own resources, spelled as written, and the app keeps its defaults', () => {
      expect(sidecar.resources).toStrictEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } });
      expect(main.resources).toStrictEqual({ requests: { cpu: '1000m', memory: '2Gi' }, limits: { cpu: '2000m', memory: '4Gi' } });
    });

    test('THEN its image, args, port, env and probe are as given, pulled IfNotPresent', () => {
      expect(sidecar).toMatchObject({
        image: 'fluent/fluent-bit:3.1.9',
        imagePullPolicy: 'IfNotPresent',
        args: ['-c', '/fluent-bit/etc/fluent-bit.conf'],
        ports: [{ containerPort: 2020, name: 'metrics' }],
        env: [{ name: 'FLUENT_HOST', value: 'logs.example.com' }],
        readinessProbe: { httpGet: { path: '/api/v1/health', port: 2020 } },
      });
    });

    test('THEN its scratch paths are emptyDirs of its own, apart from the app\'s /tmp', () => {
      expect(sidecar.volumeMounts).toStrictEqual([
        { name: 'log-shipper-scratch-tmp', mountPath: '/tmp' },
        { name: 'log-shipper-scratch-fluent-bit-state', mountPath: '/fluent-bit/state' },
      ]);
      expect(deployment.spec.template.spec.volumes).toEqual(
        expect.arrayContaining([
          { name: 'scratch-tmp', emptyDir: {} },
          { name: 'log-shipper-scratch-tmp', emptyDir: {} },
          { name: 'log-shipper-scratch-fluent-bit-state', emptyDir: {} },
        ]),
      );
    });
  });
});

// cdk8s-plus renders ConfigMap data in time quadratic in its keys; SaplingsApp renders it linearly (bench/config-keys.js times 10,000).
describe('GIVEN thousands of config keys', () => {
  const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`KEY_${n - i}`, `value ${n - i}`]));

  test('THEN the ConfigMap holds each of 3,000 keys with its value, sorted, beside the guide\'s settings', () => {
    const config = keys(3000);
    const data = onlyOfKind(synthApp({ config }), 'ConfigMap').data;
    expect(Object.keys(data)).toHaveLength(3000 + 7);
    expect(data).toMatchObject({ ...config, ENVIRONMENT: 'production', MAX_WORKERS: '4' });
    expect(Object.keys(data)).toStrictEqual(Object.keys(data).sort());
  });

  test('THEN the ConfigMap object is, byte for byte, what cdk8s-plus\'s own rendering gives', () => {
    const chart = Testing.chart();
    const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', config: { ...keys(500), '0': 'zero', 'a.b': 'dotted' } });
    const apiObject = ApiObject.of(app.configMap);
    expect(JSON.stringify(apiObject.toJson())).toBe(JSON.stringify(kplus.k8s.KubeConfigMap.prototype.toJson.call(apiObject)));
  });

  test('THEN a JSON patch on the data still applies', () => {
    const chart = Testing.chart();
    const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', config: { A: '1' } });
    ApiObject.of(app.configMap).addJsonPatch(JsonPatch.add('/data/B', '2'));
    expect(onlyOfKind(Testing.synth(chart), 'ConfigMap').data).toMatchObject({ A: '1', B: '2' });
  });
});
