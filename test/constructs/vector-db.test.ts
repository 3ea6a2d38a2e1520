import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { VectorDb, VectorDbProps } from '../../src';
import { Manifest, onlyOfKind, kubeletAdmitsRunAsNonRoot } from '../helpers/objects';

function synthVectorDb(props: VectorDbProps): { vectorDb: VectorDb; manifests: Manifest[] } {
  const chart = Testing.chart();
  const vectorDb = new VectorDb(chart, 'Vectors', props);
  return { vectorDb, manifests: Testing.synth(chart) };
}

/** A Secret created out of band, referenced by name only. */
function secretNamed(name: string): kplus.ISecret {
  return kplus.Secret.fromSecretName(new Chart(new App(), 'refs'), 'Ref', name);
}

function containerOf(manifests: Manifest[]): Manifest {
  return onlyOfKind(manifests, 'Deployment').spec.template.spec.containers[0];
}

describe('VectorDb', () => {
  describe('pgvector', () => {
    test('defaults', () => {
      const chart = Testing.chart();
      new VectorDb(chart, 'Vectors', { engine: 'pgvector' });
      expect(Testing.synth(chart)).toMatchSnapshot();
    });

    describe('GIVEN engine pgvector', () => {
      const { vectorDb, manifests } = synthVectorDb({ engine: 'pgvector' });
      const deployment = onlyOfKind(manifests, 'Deployment');
      const container = containerOf(manifests);
      const dataPath: string = container.volumeMounts[0].mountPath;

      test('THEN it creates a Deployment, a Service, a claim, a ServiceAccount and an init-script ConfigMap named after the engine', () => {
        expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toStrictEqual([
          'ConfigMap/pgvector-initdb',
          'Deployment/pgvector',
          'PersistentVolumeClaim/pgvector-data-pvc',
          'Service/pgvector-service',
          'ServiceAccount/pgvector',
        ]);
      });

      test('THEN it runs a pinned Postgres 16 image with pgvector, one replica, Recreate', () => {
        expect(container.image).toContain('pgvector');
        expect(container.image).toContain('pg16');
        expect(container.imagePullPolicy).toBe('IfNotPresent');
        expect(deployment.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
      });

      test('THEN Postgres listens on 5432, on the container and the Service', () => {
        expect(container.ports).toStrictEqual([{ containerPort: 5432, name: 'postgres' }]);
        const service = onlyOfKind(manifests, 'Service');
        expect(service.spec.ports).toStrictEqual([{ name: 'postgres', port: 5432, targetPort: 5432, protocol: 'TCP' }]);
        expect(service.spec.selector).toStrictEqual({ app: 'pgvector' });
      });

      test('THEN its init script, mounted read-only where the entrypoint runs it on a fresh volume, creates the vector extension', () => {
        const initdb = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'pgvector-initdb');
        expect(initdb?.data).toStrictEqual({ 'create-vector-extension.sql': 'CREATE EXTENSION IF NOT EXISTS vector;\n' });
        expect(vectorDb.initScripts?.name).toBe('pgvector-initdb');
        expect(container.volumeMounts).toContainEqual({ mountPath: '/docker-entrypoint-initdb.d', name: 'initdb', readOnly: true });
        expect(deployment.spec.template.spec.volumes).toContainEqual({ name: 'initdb', configMap: { name: 'pgvector-initdb' } });
      });

      test('THEN PGDATA is a directory under the mount, not the mount itself', () => {
        // initdb refuses the volume root, which holds lost+found.
        expect(dataPath).toBe('/var/lib/postgresql/data');
        const pgdata = (container.env as Manifest[]).find((e) => e.name === 'PGDATA');
        expect(pgdata?.value).toMatch(new RegExp(`^${dataPath}/[^/]+$`));
      });

      test('THEN POSTGRES_PASSWORD comes from the saplings-secrets Secret, never a literal', () => {
        expect(container.env).toContainEqual({
          name: 'POSTGRES_PASSWORD',
          valueFrom: { secretKeyRef: { name: 'saplings-secrets', key: 'POSTGRES_PASSWORD' } },
        });
        expect(container.env).toContainEqual({ name: 'POSTGRES_USER', value: 'saplings' });
        expect(container.env).toContainEqual({ name: 'POSTGRES_DB', value: 'saplings' });
      });

      test('THEN the data lives on a 50Gi ReadWriteOnce claim on standard', () => {
        const claim = onlyOfKind(manifests, 'PersistentVolumeClaim');
        expect(claim.spec).toMatchObject({
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '50Gi' } },
          storageClassName: 'standard',
        });
        expect(deployment.spec.template.spec.volumes).toStrictEqual([
          { name: 'data', persistentVolumeClaim: { claimName: 'pgvector-data-pvc', readOnly: false } },
          // A quarter of the 2Gi limit: Postgres' parallel query and index builds need more than the default 64 MB /dev/shm.
          { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '512Mi' } },
          { name: 'scratch-tmp', emptyDir: {} },
          { name: 'scratch-var-run-postgresql', emptyDir: {} },
          { name: 'initdb', configMap: { name: 'pgvector-initdb' } },
        ]);
      });

      test('THEN readiness and liveness run pg_isready', () => {
        const pgIsReady = { exec: { command: ['pg_isready', '-U', 'saplings', '-d', 'saplings'] } };
        expect(container.readinessProbe).toMatchObject(pgIsReady);
        expect(container.livenessProbe).toMatchObject(pgIsReady);
      });

      test('THEN connection carries the engine in config and the password and URL as env', () => {
        expect(vectorDb.connection.config).toStrictEqual({ VECTOR_DB_ENGINE: 'pgvector' });
        expect(Object.keys(vectorDb.connection.env)).toStrictEqual(['POSTGRES_PASSWORD', 'DATABASE_URL']);
        expect(vectorDb.connection.env.POSTGRES_PASSWORD.value).toBeUndefined();
        expect(vectorDb.connection.env.DATABASE_URL.value).toBe(
          'postgresql://saplings:$(POSTGRES_PASSWORD)@pgvector-service:5432/saplings',
        );
      });

      test('THEN deployment, service and dataClaim are the synthesized objects', () => {
        expect(ApiObject.of(vectorDb.deployment).toJson()).toStrictEqual(deployment);
        expect(ApiObject.of(vectorDb.service).toJson()).toStrictEqual(onlyOfKind(manifests, 'Service'));
        expect(ApiObject.of(vectorDb.dataClaim).toJson()).toStrictEqual(onlyOfKind(manifests, 'PersistentVolumeClaim'));
      });

      test('THEN the Secret key it reads is POSTGRES_PASSWORD', () => {
        expect(vectorDb.secretKeys).toStrictEqual(['POSTGRES_PASSWORD']);
      });

      // The Postgres image has no USER: its entrypoint starts as root, then drops to `postgres`
      // (999:999 in the Debian-based image). The pod starts it as that user directly.
      it('THEN it runs as the image\'s postgres user by number, 999:999, which the kubelet admits', () => {
        const podSpec = deployment.spec.template.spec;
        expect(podSpec.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, runAsNonRoot: true, fsGroup: 999 });
        expect(container.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, runAsNonRoot: true });
        expect(kubeletAdmitsRunAsNonRoot(podSpec, container, '')).toBe(true);
      });

      // Postgres creates its socket and lock file in /var/run/postgresql; /tmp is for its temp files.
      it('THEN /var/run/postgresql and /tmp are emptyDirs while the root filesystem is read-only', () => {
        expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
        expect(container.volumeMounts).toStrictEqual([
          { name: 'data', mountPath: '/var/lib/postgresql/data' },
          { name: 'dshm', mountPath: '/dev/shm' },
          { name: 'scratch-tmp', mountPath: '/tmp' },
          { name: 'scratch-var-run-postgresql', mountPath: '/var/run/postgresql' },
          { name: 'initdb', mountPath: '/docker-entrypoint-initdb.d', readOnly: true },
        ]);
        expect(deployment.spec.template.spec.volumes).toEqual(
          expect.arrayContaining([
            { name: 'scratch-tmp', emptyDir: {} },
            { name: 'scratch-var-run-postgresql', emptyDir: {} },
          ]),
        );
      });
    });

    test('GIVEN credentials in a Secret THEN the password is read from that Secret', () => {
      const { vectorDb, manifests } = synthVectorDb({ engine: 'pgvector', credentials: { secret: secretNamed('pg-credentials') } });
      expect(containerOf(manifests).env).toContainEqual({
        name: 'POSTGRES_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'pg-credentials', key: 'POSTGRES_PASSWORD' } },
      });
      expect(vectorDb.connection.env.POSTGRES_PASSWORD.valueFrom).toBeDefined();
    });

    test('GIVEN a custom name THEN objects and DATABASE_URL use it as the host', () => {
      const { vectorDb, manifests } = synthVectorDb({ engine: 'pgvector', name: 'embeddings' });
      expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toStrictEqual([
        'ConfigMap/embeddings-initdb',
        'Deployment/embeddings',
        'PersistentVolumeClaim/embeddings-data-pvc',
        'Service/embeddings-service',
        'ServiceAccount/embeddings',
      ]);
      expect(vectorDb.connection.env.DATABASE_URL.value).toBe(
        'postgresql://saplings:$(POSTGRES_PASSWORD)@embeddings-service:5432/saplings',
      );
    });
  });

  describe('qdrant', () => {
    test('defaults', () => {
      const chart = Testing.chart();
      new VectorDb(chart, 'Vectors', { engine: 'qdrant' });
      expect(Testing.synth(chart)).toMatchSnapshot();
    });

    describe('GIVEN engine qdrant in development', () => {
      const { vectorDb, manifests } = synthVectorDb({ engine: 'qdrant', environment: 'development' });
      const deployment = onlyOfKind(manifests, 'Deployment');
      const container = containerOf(manifests);

      test('THEN it creates a Deployment, a Service, a claim and a ServiceAccount named after the engine', () => {
        expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toStrictEqual([
          'Deployment/qdrant',
          'PersistentVolumeClaim/qdrant-data-pvc',
          'Service/qdrant-service',
          'ServiceAccount/qdrant',
        ]);
      });

      test('THEN it runs the pinned -unprivileged qdrant/qdrant image, one replica, Recreate', () => {
        // The plain image runs as root; the -unprivileged build runs as its qdrant user.
        expect(container.image).toBe('qdrant/qdrant:v1.13.4-unprivileged');
        expect(container.imagePullPolicy).toBe('IfNotPresent');
        expect(deployment.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
      });

      test('THEN HTTP 6333 and gRPC 6334 are open on the container and the Service', () => {
        expect(container.ports).toStrictEqual([
          { containerPort: 6333, name: 'http' },
          { containerPort: 6334, name: 'grpc' },
        ]);
        const service = onlyOfKind(manifests, 'Service');
        expect(service.spec.ports).toStrictEqual([
          { name: 'http', port: 6333, targetPort: 6333, protocol: 'TCP' },
          { name: 'grpc', port: 6334, targetPort: 6334, protocol: 'TCP' },
        ]);
        expect(service.spec.selector).toStrictEqual({ app: 'qdrant' });
      });

      test('THEN /qdrant/storage is a 50Gi ReadWriteOnce claim and no Postgres settings leak in', () => {
        expect(container.volumeMounts[0]).toStrictEqual({ name: 'data', mountPath: '/qdrant/storage' });
        expect(deployment.spec.template.spec.volumes[0]).toStrictEqual({
          name: 'data',
          persistentVolumeClaim: { claimName: 'qdrant-data-pvc', readOnly: false },
        });
        expect(onlyOfKind(manifests, 'PersistentVolumeClaim').spec).toMatchObject({
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '50Gi' } },
          storageClassName: 'standard',
        });
        expect(container).not.toHaveProperty('env');
      });

      test('THEN readiness is /readyz and liveness /livez on 6333', () => {
        expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 6333 } });
        expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/livez', port: 6333 } });
      });

      test('THEN connection is QDRANT_URL and the engine in config, with no env, and no Secret key is needed', () => {
        expect(vectorDb.connection).toStrictEqual({
          config: { VECTOR_DB_ENGINE: 'qdrant', QDRANT_URL: 'http://qdrant-service:6333' },
          env: {},
        });
        expect(vectorDb.secretKeys).toStrictEqual([]);
      });

      // The plain qdrant image declares `USER 0:0`; the -unprivileged one is built with
      // USER_ID 1000, and the pod names that uid and group so the kubelet can verify it.
      it('THEN it runs as the -unprivileged image\'s qdrant user, 1000:1000, which the kubelet admits', () => {
        const podSpec = deployment.spec.template.spec;
        expect(podSpec.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true, fsGroup: 1000 });
        expect(container.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true });
        expect(kubeletAdmitsRunAsNonRoot(podSpec, container, '1000')).toBe(true);
        // The same pod spec with the plain image's USER 0 and no runAsUser would be refused.
        const { runAsUser: _pod, ...podContext } = podSpec.securityContext;
        const { runAsUser: _container, ...containerContext } = container.securityContext;
        expect(
          kubeletAdmitsRunAsNonRoot({ securityContext: podContext }, { securityContext: containerContext }, '0'),
        ).toBe(false);
      });

      // Qdrant writes snapshots to /qdrant/snapshots and temporary files to /tmp.
      it('THEN /tmp and /qdrant/snapshots are emptyDirs while the root filesystem is read-only', () => {
        expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
        expect(container.volumeMounts).toStrictEqual([
          { name: 'data', mountPath: '/qdrant/storage' },
          { name: 'scratch-tmp', mountPath: '/tmp' },
          { name: 'scratch-qdrant-snapshots', mountPath: '/qdrant/snapshots' },
        ]);
        expect(deployment.spec.template.spec.volumes).toStrictEqual([
          { name: 'data', persistentVolumeClaim: { claimName: 'qdrant-data-pvc', readOnly: false } },
          { name: 'scratch-tmp', emptyDir: {} },
          { name: 'scratch-qdrant-snapshots', emptyDir: {} },
        ]);
      });
    });

    describe('GIVEN requireApiKey', () => {
      const { vectorDb, manifests } = synthVectorDb({ engine: 'qdrant', requireApiKey: true });
      const container = containerOf(manifests);

      test('THEN QDRANT__SERVICE__API_KEY is read from the QDRANT_API_KEY key of saplings-secrets', () => {
        expect(container.env).toStrictEqual([
          {
            name: 'QDRANT__SERVICE__API_KEY',
            valueFrom: { secretKeyRef: { name: 'saplings-secrets', key: 'QDRANT_API_KEY' } },
          },
        ]);
      });

      test('THEN secretKeys lists QDRANT_API_KEY and the connection passes the key to the app as QDRANT_API_KEY', () => {
        expect(vectorDb.secretKeys).toStrictEqual(['QDRANT_API_KEY']);
        expect(Object.keys(vectorDb.connection.env)).toStrictEqual(['QDRANT_API_KEY']);
        // toEqual: cdk8s-plus keeps an `optional: undefined` key in the unsynthesized value.
        expect(vectorDb.connection.env.QDRANT_API_KEY.valueFrom).toEqual({
          secretKeyRef: { name: 'saplings-secrets', key: 'QDRANT_API_KEY' },
        });
        expect(vectorDb.connection.config).toStrictEqual({
          VECTOR_DB_ENGINE: 'qdrant',
          QDRANT_URL: 'http://qdrant-service:6333',
        });
      });

      test('THEN the health probes stay on the open /livez and /readyz', () => {
        expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/livez', port: 6333 } });
        expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 6333 } });
      });
    });

    describe('secure by default, as the CLI is', () => {
      const apiKeyFrom = (secret: string) => [
        { name: 'QDRANT__SERVICE__API_KEY', valueFrom: { secretKeyRef: { name: secret, key: 'QDRANT_API_KEY' } } },
      ];

      test('GIVEN no environment THEN it is production and Qdrant requires the API key from saplings-secrets', () => {
        const { vectorDb, manifests } = synthVectorDb({ engine: 'qdrant' });
        expect(vectorDb.environment).toBe('production');
        expect(containerOf(manifests).env).toStrictEqual(apiKeyFrom('saplings-secrets'));
        expect(vectorDb.secretKeys).toStrictEqual(['QDRANT_API_KEY']);
      });

      test('GIVEN environment staging and credentials THEN Qdrant requires the API key from that Secret', () => {
        const { manifests } = synthVectorDb({ engine: 'qdrant', environment: 'staging', credentials: { secret: secretNamed('qdrant-creds') } });
        expect(containerOf(manifests).env).toStrictEqual(apiKeyFrom('qdrant-creds'));
      });

      test('GIVEN production and requireApiKey: false THEN Qdrant runs without an API key, as explicitly asked', () => {
        const { vectorDb, manifests } = synthVectorDb({ engine: 'qdrant', requireApiKey: false });
        expect(containerOf(manifests)).not.toHaveProperty('env');
        expect(vectorDb.credentials).toBeUndefined();
        expect(vectorDb.secretKeys).toStrictEqual([]);
      });

      test('GIVEN pgvector in development THEN Postgres still requires its password', () => {
        const { manifests } = synthVectorDb({ engine: 'pgvector', environment: 'development' });
        expect(containerOf(manifests).env).toContainEqual({
          name: 'POSTGRES_PASSWORD',
          valueFrom: { secretKeyRef: { name: 'saplings-secrets', key: 'POSTGRES_PASSWORD' } },
        });
      });
    });

    test('GIVEN requireApiKey and credentials in a Secret THEN the key is read from that Secret', () => {
      const { manifests } = synthVectorDb({ engine: 'qdrant', requireApiKey: true, credentials: { secret: secretNamed('qdrant-creds') } });
      expect(containerOf(manifests).env).toStrictEqual([
        { name: 'QDRANT__SERVICE__API_KEY', valueFrom: { secretKeyRef: { name: 'qdrant-creds', key: 'QDRANT_API_KEY' } } },
      ]);
    });

    test('GIVEN runAsUser THEN the pod, the container and fsGroup use it', () => {
      const podSpec = onlyOfKind(synthVectorDb({ engine: 'qdrant', runAsUser: { uid: 2000, gid: 3000 } }).manifests, 'Deployment')
        .spec.template.spec;
      expect(podSpec.securityContext).toMatchObject({ runAsUser: 2000, runAsGroup: 3000, fsGroup: 3000 });
      expect(podSpec.containers[0].securityContext).toMatchObject({ runAsUser: 2000, runAsGroup: 3000 });
    });

    test('GIVEN storage and an image THEN the claim and container use them', () => {
      const { manifests } = synthVectorDb({
        engine: 'qdrant',
        image: 'qdrant/qdrant:latest',
        storage: { size: '200Gi', storageClassName: 'fast-ssd' },
      });
      expect(containerOf(manifests)).toMatchObject({ image: 'qdrant/qdrant:latest', imagePullPolicy: 'Always' });
      expect(onlyOfKind(manifests, 'PersistentVolumeClaim').spec).toMatchObject({
        resources: { requests: { storage: '200Gi' } },
        storageClassName: 'fast-ssd',
      });
    });
  });
});
