import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfigText } from '../../src/config/load';
import { KubeObject } from '../../src/conventions/kube-object';
import { secretVariables } from '../../src/targets/managed-app';
import { cloudRunService } from '../../src/targets/cloudrun/service';
import { ROOT } from '../helpers/cli';
import { Dir, IMAGE, clone, exampleStacks, gunicornMismatches, gunicornOption, writableBy, writtenDirs } from './saplings-image';

/*
 * A model of what Cloud Run does with the Service this target writes, from
 * Google's documentation, and properties over every example: each path the
 * app's processes write is writable by their user; the port, workers and
 * timeout reach gunicorn; a private backend is reachable only through a VPC;
 * an unauthenticated caller is let in only when the config asks. Each
 * property is shown catching a mutated Service.
 */

// ---- Facts: Cloud Run ----

/*
 * - The container's filesystem is writable, in memory, with the image's owners and modes:
 *   https://cloud.google.com/run/docs/container-contract#filesystem
 * - An in-memory volume (emptyDir, medium Memory) is a tmpfs the container reads and writes "as if it were a
 *   directory on your local file system": https://cloud.google.com/run/docs/configuring/services/in-memory-volume-mounts.
 *   The model takes it as Kubernetes' emptyDir, world-writable (the docs do not give its mode; docs/_incoming says so).
 * - Requests go to the containerPort, and Cloud Run sets PORT to it: https://cloud.google.com/run/docs/container-contract#port
 * - `args` replaces the image's CMD (Knative's Container, as Kubernetes'): https://cloud.google.com/run/docs/reference/yaml/v1
 * - Memorystore has private addresses only; Cloud Run reaches them with "either Direct VPC egress or a Serverless VPC
 *   Access connector": https://cloud.google.com/memorystore/docs/redis/connect-redis-instance-cloud-run
 * - Services are private by default; `run.googleapis.com/invoker-iam-disabled: 'true'` on the Service's metadata
 *   lets any caller in: https://cloud.google.com/run/docs/authenticating/public
 */
const IN_MEMORY_VOLUME: Dir = { uid: 0, gid: 0, mode: 0o1777 };

const containerOf = (service: any) => service.spec.template.spec.containers[0];
const envOf = (service: any): Record<string, string> =>
  Object.fromEntries(containerOf(service).env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));

/** The directory a path lands in: an in-memory volume, the image's directory, or none (absent). */
function dirAt(service: any, target: string): Dir | undefined {
  const volumes = new Map<string, any>((service.spec.template.spec.volumes ?? []).map((v: any) => [v.name, v]));
  const mount = (containerOf(service).volumeMounts ?? []).find((m: any) => target === m.mountPath || target.startsWith(`${m.mountPath}/`));
  if (mount) return volumes.get(mount.name)?.emptyDir?.medium === 'Memory' ? IN_MEMORY_VOLUME : undefined;
  return IMAGE.dirs.get(target);
}

/** The paths the app's processes cannot write, as `path (by)`. */
function unwritable(service: KubeObject): string[] {
  const written = writtenDirs(envOf(service));
  return written
    .filter((w) => {
      const dir = dirAt(service, w.path);
      if (dir) return !writableBy(dir, IMAGE.user);
      if (w.mustExist) return true;
      const parent = dirAt(service, path.posix.dirname(w.path));
      return parent === undefined || !writableBy(parent, IMAGE.user);
    })
    .map((w) => `${w.path} (${w.by})`);
}

/** Where the stack's settings fail to reach gunicorn. */
function settingsNotReached(service: KubeObject): string[] {
  const c = containerOf(service);
  const env = envOf(service);
  // No `command`: the image's ENTRYPOINT (none) runs `args`, or the image's CMD without them.
  const argv: string[] = c.command ? [...c.command, ...(c.args ?? [])] : c.args ?? IMAGE.cmd;
  if (argv[0] !== 'gunicorn') return [];
  const port = Number(gunicornOption(argv, '--bind')?.split(':').at(-1));
  const problems: string[] = [];
  if (c.ports[0].containerPort !== port) problems.push(`Cloud Run sends requests to ${c.ports[0].containerPort}, gunicorn binds ${port}`);
  for (const probe of [c.startupProbe, c.livenessProbe]) if (probe.httpGet.port !== port) problems.push(`a probe asks ${probe.httpGet.port}, gunicorn binds ${port}`);
  return [...problems, ...gunicornMismatches(argv, env)];
}

/** Whether a connection from an instance reaches a backend on a private address. */
function reachesPrivateBackend(service: KubeObject): boolean {
  const annotations = (service as any).spec.template.metadata.annotations ?? {};
  return 'run.googleapis.com/network-interfaces' in annotations || 'run.googleapis.com/vpc-access-connector' in annotations;
}

/** The connection URLs the app reads whose servers have private addresses (Memorystore, a private database). */
const privateBackendsRead = (service: KubeObject) =>
  containerOf(service)
    .env.map((e: any) => e.name)
    .filter((name: string) => ['REDIS_URL', 'DATABASE_URL', 'QDRANT_URL'].includes(name));

/** What an unauthenticated request gets. */
function anonymousStatus(service: KubeObject): 200 | 403 {
  const annotations = (service.metadata.annotations ?? {}) as Record<string, string>;
  return annotations['run.googleapis.com/invoker-iam-disabled'] === 'true' ? 200 : 403;
}

// ---- Every example, for Cloud Run ----

const CLOUD_RUN_EXAMPLE = parseConfigText(fs.readFileSync(path.join(ROOT, 'examples/cloudrun.yaml'), 'utf8'), 'examples/cloudrun.yaml')[0].cloudrun!;

/** Every stack of every example, with examples/cloudrun.yaml's cloudrun: block (its VPC) and a secret for each variable. */
const stacks = () =>
  exampleStacks((stack) => {
    const secrets = Object.fromEntries(secretVariables(stack).map((v) => [v.name, { secret: v.name.toLowerCase().replace(/_/g, '-'), version: '1' }]));
    return { ...stack, cloudrun: stack.cloudrun ?? { ...CLOUD_RUN_EXAMPLE, secrets } };
  });


describe.each(stacks())('%s on Cloud Run, as it runs', (_name, stack) => {
  const service = cloudRunService(stack, { file: 'saplings.yaml' });

  test('every path its processes write is writable by their user', () => {
    expect(unwritable(service)).toStrictEqual([]);
  });

  test('its port, workers and timeout reach gunicorn', () => {
    expect(settingsNotReached(service)).toStrictEqual([]);
  });

  test('it reaches the private backends it reads, through the VPC', () => {
    expect(privateBackendsRead(service).length === 0 || reachesPrivateBackend(service)).toBe(true);
  });

  test('an anonymous caller gets in exactly when cloudrun.public asks for it', () => {
    expect(anonymousStatus(service)).toBe(stack.cloudrun!.public ? 200 : 403);
    expect(anonymousStatus(cloudRunService({ ...stack, cloudrun: { ...stack.cloudrun!, public: !stack.cloudrun!.public } }, { file: 'saplings.yaml' }))).toBe(
      stack.cloudrun!.public ? 403 : 200,
    );
  });
});

describe('the Cloud Run model catches a broken Service', () => {
  const [, staging] = stacks().find(([, s]) => s.environment === 'staging')!;
  const service = cloudRunService(staging, { file: 'saplings.yaml' });
  const mutated = (change: (service: any) => void) => {
    const copy = clone(service) as any;
    change(copy);
    return copy;
  };

  test('no in-memory volume for PROMETHEUS_MULTIPROC_DIR, or a volume of another kind, is caught', () => {
    expect(unwritable(mutated((s) => delete containerOf(s).volumeMounts))).toStrictEqual(['/app/prometheus-multiproc (prometheus_client)']);
    expect(unwritable(mutated((s) => (s.spec.template.spec.volumes[0].emptyDir = {})))).toStrictEqual(['/app/prometheus-multiproc (prometheus_client)']);
  });

  test('an image whose /app the app user does not own is caught (staging writes ./staging_data there)', () => {
    IMAGE.dirs.set('/app', { uid: 0, gid: 0, mode: 0o755 });
    try {
      expect(unwritable(service)).toStrictEqual(['/app/staging_data (the app (memory))']);
    } finally {
      IMAGE.dirs.set('/app', { uid: 999, gid: 999, mode: 0o755 });
    }
  });

  test("the image's own CMD, or a port gunicorn does not bind, is caught", () => {
    const [, development] = stacks().find(([, s]) => s.environment === 'development')!;
    const imageCmd = clone(cloudRunService(development, { file: 'saplings.yaml' })) as any;
    delete containerOf(imageCmd).args;
    expect(settingsNotReached(imageCmd)).toStrictEqual(['gunicorn runs 4 workers, MAX_WORKERS is 2', 'gunicorn times out at 120, TIMEOUT is 60']);
    expect(settingsNotReached(mutated((s) => (containerOf(s).ports[0].containerPort = 8080)))).toStrictEqual(['Cloud Run sends requests to 8080, gunicorn binds 8000']);
  });

  test('a Service without Direct VPC egress or a connector cannot reach Redis or the database', () => {
    const noVpc = mutated((s) => {
      delete s.spec.template.metadata.annotations['run.googleapis.com/network-interfaces'];
      delete s.spec.template.metadata.annotations['run.googleapis.com/vpc-access-egress'];
    });
    // staging.yaml names no external database, so Redis (Memorystore) is the private backend it reads.
    expect(privateBackendsRead(noVpc)).toStrictEqual(['REDIS_URL']);
    expect(reachesPrivateBackend(noVpc)).toBe(false);
  });

  test('anonymous callers are let in only with the invoker check off on the Service, not on the revision template', () => {
    expect(anonymousStatus(service)).toBe(200);
    const onTemplate = mutated((s) => {
      delete s.metadata.annotations['run.googleapis.com/invoker-iam-disabled'];
      s.spec.template.metadata.annotations['run.googleapis.com/invoker-iam-disabled'] = 'true';
    });
    expect(anonymousStatus(onTemplate)).toBe(403);
  });
});
