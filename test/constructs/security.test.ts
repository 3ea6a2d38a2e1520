import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { RedisStore, SaplingsApp, VectorDb } from '../../src';
import { mountScratch } from '../../src/constructs/security';

// Synthesized manifests are plain JSON; `any` keeps the assertions short.
type Manifest = Record<string, any>;

interface Case {
  /** Builds the construct in a fresh chart. */
  readonly build: (chart: Construct) => void;
  /** Name of its Deployment and ServiceAccount. */
  readonly deployment: string;
  /** The image's own user and group. */
  readonly uid: number;
  readonly gid: number;
  /** Where emptyDirs are mounted so the process can write with a read-only root filesystem. */
  readonly emptyDirPaths: string[];
}

const CASES: Record<string, Case> = {
  SaplingsApp: {
    build: (chart) => new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0' }),
    deployment: 'saplings-app',
    uid: 999,
    gid: 999,
    emptyDirPaths: ['/app/logs', '/app/prometheus-multiproc', '/tmp'],
  },
  RedisStore: {
    build: (chart) => new RedisStore(chart, 'Redis', { requirePassword: false }),
    deployment: 'redis',
    uid: 999,
    gid: 1000,
    emptyDirPaths: ['/tmp'],
  },
  'VectorDb pgvector': {
    build: (chart) => new VectorDb(chart, 'Vectors', { engine: 'pgvector' }),
    deployment: 'pgvector',
    uid: 999,
    gid: 999,
    emptyDirPaths: ['/dev/shm', '/tmp', '/var/run/postgresql'],
  },
  'VectorDb qdrant': {
    build: (chart) => new VectorDb(chart, 'Vectors', { engine: 'qdrant' }),
    deployment: 'qdrant',
    uid: 1000,
    gid: 1000,
    emptyDirPaths: ['/tmp', '/qdrant/snapshots'],
  },
};

function synth(c: Case): Manifest[] {
  const chart = Testing.chart();
  c.build(chart);
  return Testing.synth(chart);
}

/** Every container of every pod template, init containers included. */
function allContainers(manifests: Manifest[]): Manifest[] {
  return manifests
    .filter((m) => m.spec?.template?.spec)
    .flatMap((m) => [...(m.spec.template.spec.initContainers ?? []), ...m.spec.template.spec.containers]);
}

describe('Pod Security Standards "restricted"', () => {
  describe.each(Object.entries(CASES))('GIVEN a default %s', (_name, c) => {
    const manifests = synth(c);
    const deployments = manifests.filter((m) => m.kind === 'Deployment');
    const podSpec = deployments[0]?.spec.template.spec;
    const containers = allContainers(manifests);

    test('THEN it has exactly one Deployment, named as expected, with at least one container', () => {
      expect(deployments.map((d) => d.metadata.name)).toStrictEqual([c.deployment]);
      expect(containers.length).toBeGreaterThan(0);
    });

    test('THEN every container drops ALL capabilities, cannot escalate, is unprivileged, read-only, non-root and RuntimeDefault', () => {
      for (const container of containers) {
        expect({ container: container.name, securityContext: container.securityContext }).toStrictEqual({
          container: container.name,
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            privileged: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            runAsUser: c.uid,
            runAsGroup: c.gid,
            seccompProfile: { type: 'RuntimeDefault' },
          },
        });
      }
    });

    test(`THEN the pod runs as ${c.uid}:${c.gid}, non-root, with the group as fsGroup`, () => {
      expect(podSpec.securityContext).toStrictEqual({
        runAsNonRoot: true,
        runAsUser: c.uid,
        runAsGroup: c.gid,
        fsGroup: c.gid,
        // Skips the recursive chown on every start once the volume is owned by the group.
        fsGroupChangePolicy: 'OnRootMismatch',
      });
    });

    test('THEN the pod uses its own ServiceAccount, and neither mounts an API token', () => {
      expect(podSpec.automountServiceAccountToken).toBe(false);
      expect(podSpec.serviceAccountName).toBe(c.deployment);
      const accounts = manifests.filter((m) => m.kind === 'ServiceAccount');
      expect(accounts).toStrictEqual([
        expect.objectContaining({
          apiVersion: 'v1',
          metadata: expect.objectContaining({ name: c.deployment }),
          automountServiceAccountToken: false,
        }),
      ]);
    });

    test('THEN its pinned default image is pulled IfNotPresent', () => {
      for (const container of containers) {
        expect(container.image).toMatch(/:[^:/]+$/);
        expect(container.image).not.toMatch(/:latest$/);
        expect({ image: container.image, imagePullPolicy: container.imagePullPolicy }).toStrictEqual({
          image: container.image,
          imagePullPolicy: 'IfNotPresent',
        });
      }
    });

    test(`THEN the writable paths are emptyDirs at exactly ${c.emptyDirPaths.join(', ')}`, () => {
      const emptyDirs = new Set((podSpec.volumes as Manifest[]).filter((v) => v.emptyDir).map((v) => v.name));
      const mounted = (containers[0].volumeMounts as Manifest[]).filter((m) => emptyDirs.has(m.name)).map((m) => m.mountPath);
      expect(mounted.sort()).toStrictEqual([...c.emptyDirPaths].sort());
    });

    test('THEN every volume mount is backed by a volume of the pod', () => {
      const volumes = (podSpec.volumes as Manifest[]).map((v) => v.name);
      for (const container of containers) {
        for (const mount of container.volumeMounts as Manifest[]) {
          expect(volumes).toContain(mount.name);
        }
      }
    });
  });
});

describe('mountScratch', () => {
  function scratchVolumes(paths: string[]): { volumes: Manifest[]; mounts: Manifest[] } {
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'Worker', { containers: [{ image: 'worker:1.0.0' }] });
    mountScratch(chart, deployment.containers[0], paths);
    const podSpec = Testing.synth(chart)[0].spec.template.spec;
    return { volumes: podSpec.volumes, mounts: podSpec.containers[0].volumeMounts };
  }

  test('GIVEN paths THEN each gets an emptyDir named scratch- plus the path, dashes for separators', () => {
    const { volumes, mounts } = scratchVolumes(['/tmp', '/var/run/postgresql', '/qdrant/snapshots']);
    expect(volumes).toStrictEqual([
      { name: 'scratch-tmp', emptyDir: {} },
      { name: 'scratch-var-run-postgresql', emptyDir: {} },
      { name: 'scratch-qdrant-snapshots', emptyDir: {} },
    ]);
    expect(mounts).toStrictEqual([
      { name: 'scratch-tmp', mountPath: '/tmp' },
      { name: 'scratch-var-run-postgresql', mountPath: '/var/run/postgresql' },
      { name: 'scratch-qdrant-snapshots', mountPath: '/qdrant/snapshots' },
    ]);
  });

  test('GIVEN a trailing slash, dots or underscores THEN the name has single dashes and none at the end', () => {
    const { volumes } = scratchVolumes(['/cache/', '/home/app/.config', '/srv/my_app']);
    expect(volumes.map((v) => v.name)).toStrictEqual(['scratch-cache', 'scratch-home-app-config', 'scratch-srv-my-app']);
  });

  test('GIVEN no paths THEN nothing is mounted', () => {
    const { volumes, mounts } = scratchVolumes([]);
    expect(volumes).toBeUndefined();
    expect(mounts).toBeUndefined();
  });

  it('GIVEN a path with capital letters THEN its letters are kept in the volume name', () => {
    const { volumes } = scratchVolumes(['/Data']);
    expect(volumes.map((v) => v.name)).toStrictEqual(['scratch-data']);
  });

  // A volume name must be a DNS-1123 label, even when cut at 63 characters right after a dash.
  it('GIVEN a long path THEN the volume name is still a valid DNS-1123 label', () => {
    const { volumes } = scratchVolumes(['/var/lib/application/cache/with/a/deeply/nested/working/directory']);
    expect(volumes[0].name.length).toBeLessThanOrEqual(63);
    expect(volumes[0].name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  // Two paths that map to one volume name: security.errors.test.ts.
});
