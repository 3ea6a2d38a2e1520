import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ComputeResources, RedisStore, SaplingsApp, VectorDb } from '../../src';
import { parseQuantity } from '../../src/conventions/quantity';
import { Manifest, onlyOfKind } from '../helpers/objects';

// A public child must report what the manifest says: cdk8s-plus is told the
// real quantities, and only their spelling is patched back.

/** The container's resources as cdk8s-plus holds them, read back as the values they stand for. */
function toldResources(container: kplus.Container) {
  const r = container.resources;
  const cpu = (c?: kplus.Cpu) => parseQuantity(c?.amount ?? '');
  const bytes = (s?: { toMebibytes(): number }) => (s ? s.toMebibytes() * 2 ** 20 : undefined);
  return {
    requests: { cpu: cpu(r?.cpu?.request), memory: bytes(r?.memory?.request) },
    limits: { cpu: cpu(r?.cpu?.limit), memory: bytes(r?.memory?.limit) },
  };
}

/** The manifest's resources, as values. */
function writtenResources(manifestResources: ComputeResources) {
  return {
    requests: { cpu: parseQuantity(manifestResources.requests.cpu), memory: parseQuantity(manifestResources.requests.memory) },
    limits: { cpu: parseQuantity(manifestResources.limits.cpu), memory: parseQuantity(manifestResources.limits.memory) },
  };
}

function claimBytes(claim: kplus.PersistentVolumeClaim): number | undefined {
  return claim.storage ? claim.storage.toGibibytes() * 2 ** 30 : undefined;
}

function deploymentNamed(manifests: Manifest[], name: string): Manifest {
  return manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === name)!;
}

function claimNamed(manifests: Manifest[], name: string): Manifest {
  return manifests.find((m) => m.kind === 'PersistentVolumeClaim' && m.metadata.name === name)!;
}

describe('public children agree with the manifest', () => {
  describe('GIVEN a SaplingsApp with its defaults', () => {
    const chart = new Chart(new App(), 'test');
    const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0' });
    const manifests: Manifest[] = Testing.synth(chart);
    const written = onlyOfKind(manifests, 'Deployment').spec.template.spec.containers[0].resources;

    test('THEN container.resources holds 1000m/2Gi requests and 2000m/4Gi limits, as the manifest does', () => {
      expect(written).toStrictEqual({ requests: { cpu: '1000m', memory: '2Gi' }, limits: { cpu: '2000m', memory: '4Gi' } });
      expect(toldResources(app.container)).toStrictEqual(writtenResources(written));
      expect(app.container.resources?.cpu?.request?.amount).toBe('1000m');
      expect(app.container.resources?.memory?.limit?.toGibibytes()).toBe(4);
    });

    test('THEN dataClaim is unset: each pod requests its own 100Gi claim', () => {
      expect(manifests.filter((m) => m.kind === 'PersistentVolumeClaim')).toStrictEqual([]);
      expect(app.dataClaim).toBeUndefined();
      expect(app.perPodStorage).toBe(true);
    });
  });

  describe('GIVEN quantities cdk8s-plus would spell otherwise', () => {
    const chart = new Chart(new App(), 'test');
    const resources = { requests: { cpu: '250m', memory: '1G' }, limits: { cpu: '0.5', memory: '1536Mi' } };
    const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', resources, storage: { size: '500G', perPod: false, accessMode: 'ReadWriteMany' } });
    const manifests: Manifest[] = Testing.synth(chart);

    test('THEN the manifest keeps the spelling and the container reports the same values', () => {
      const written = onlyOfKind(manifests, 'Deployment').spec.template.spec.containers[0].resources;
      expect(written).toStrictEqual(resources);
      expect(toldResources(app.container)).toStrictEqual(writtenResources(written));
    });

    test('THEN the claim keeps 500G and dataClaim.storage is 500e9 bytes', () => {
      expect(onlyOfKind(manifests, 'PersistentVolumeClaim').spec.resources.requests.storage).toBe('500G');
      expect(claimBytes(app.dataClaim!)).toBeCloseTo(500e9, 0);
    });
  });

  describe('GIVEN Redis and a vector DB', () => {
    const chart = new Chart(new App(), 'test');
    const redis = new RedisStore(chart, 'Redis', { requirePassword: false });
    const vectorDb = new VectorDb(chart, 'Vectors', { engine: 'qdrant', storage: { size: '75Gi' } });
    const manifests: Manifest[] = Testing.synth(chart);

    test.each([
      ['redis', () => redis.workload.container],
      ['qdrant', () => vectorDb.workload.container],
    ])('THEN %s container.resources matches its manifest', (name, container) => {
      const written = deploymentNamed(manifests, name).spec.template.spec.containers[0].resources;
      expect(toldResources(container())).toStrictEqual(writtenResources(written));
    });

    test('THEN each dataClaim.storage matches its claim', () => {
      expect(claimNamed(manifests, 'redis-data-pvc').spec.resources.requests.storage).toBe('20Gi');
      expect(redis.dataClaim.storage?.toGibibytes()).toBe(20);
      expect(claimNamed(manifests, 'qdrant-data-pvc').spec.resources.requests.storage).toBe('75Gi');
      expect(vectorDb.dataClaim.storage?.toGibibytes()).toBe(75);
    });
  });
});
