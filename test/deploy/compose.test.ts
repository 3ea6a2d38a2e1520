import * as fs from 'node:fs';
import * as path from 'node:path';
import { StackConfig } from '../../src/config/schema';
import { defaultStacks, loadConfigFile } from '../../src/config/load';
import { PROMETHEUS_MULTIPROC_DIR, requestTimeoutSeconds } from '../../src/conventions/app-process';
import { ENVIRONMENT_PRESETS } from '../../src/conventions/presets';
import { ComposeService, MEMORY_PATHS, composeProject } from '../../src/targets/compose/compose-file';
import { ROOT } from '../helpers/cli';

/*
 * Deploy-model tests for the Compose target: small models of what Docker
 * Engine 20.10 does with each service, checked over every example.
 *
 * - Each path a process writes is writable by the user it runs as.
 * - Each runtime setting (port, workers, timeout) reaches the process.
 *
 * Each property is shown catching a mutated service.
 */

/** A directory as an image holds it. */
interface Directory {
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

/*
 * Compose-local image facts: the directories the Compose file mounts over,
 * and those the processes write, as each default image (or the guide's) has them.
 */
const ROOT_DIR: Directory = { uid: 0, gid: 0, mode: 0o755 };
const TMP: Directory = { uid: 0, gid: 0, mode: 0o1777 };
const IMAGE_DIRECTORIES: Readonly<Record<string, Readonly<Record<string, Directory>>>> = {
  // The guide's Production Dockerfile: "mkdir -p /app/data /app/logs && chown -R saplings:saplings /app" (999 on Debian).
  app: { '/tmp': TMP, '/app': { uid: 999, gid: 999, mode: 0o755 }, '/app/data': { uid: 999, gid: 999, mode: 0o755 }, '/app/logs': { uid: 999, gid: 999, mode: 0o755 } },
  // docker-library/redis alpine: "mkdir /data && chown redis:redis /data".
  redis: { '/tmp': TMP, '/data': { uid: 999, gid: 1000, mode: 0o755 } },
  // docker-library/postgres: "mkdir /docker-entrypoint-initdb.d" (root 0755); /var/run/postgresql "chmod 3777";
  // PGDATA "chmod 1777", all chowned to postgres (999:999).
  pgvector: {
    '/tmp': TMP,
    '/docker-entrypoint-initdb.d': ROOT_DIR,
    '/var/run/postgresql': { uid: 999, gid: 999, mode: 0o3777 },
    '/var/lib/postgresql/data': { uid: 999, gid: 999, mode: 0o1777 },
  },
  // qdrant's Dockerfile (unprivileged): "mkdir -p ... /qdrant/storage /qdrant/snapshots" chowned to USER_ID 1000.
  qdrant: { '/tmp': TMP, '/qdrant/storage': { uid: 1000, gid: 1000, mode: 0o755 }, '/qdrant/snapshots': { uid: 1000, gid: 1000, mode: 0o755 } },
  // nginx-unprivileged: /tmp as in Alpine; nginx.conf puts every temporary file there.
  nginx: { '/tmp': TMP },
};

/** What each service's process writes, for a stack. */
function writtenPaths(service: string, stack: StackConfig): string[] {
  switch (service) {
    // gunicorn's worker heartbeat files in the temp dir; the guide's logs; prometheus_client's
    // multiprocess files; the environment's memory path (the guide's with_memory_path).
    case 'app':
      return ['/tmp', '/app/logs', PROMETHEUS_MULTIPROC_DIR, MEMORY_PATHS[stack.environment]];
    case 'redis':
      return ['/data'];
    // The command writes vector.sql; the entrypoint runs initdb into PGDATA; postgres puts its socket in /var/run/postgresql.
    case 'pgvector':
      return ['/docker-entrypoint-initdb.d', '/var/lib/postgresql/data/pgdata', '/var/run/postgresql', '/tmp'];
    case 'qdrant':
      return ['/qdrant/storage', '/qdrant/snapshots'];
    case 'nginx':
      return ['/tmp'];
    default:
      throw new Error(`no model of ${service}`);
  }
}

/**
 * Who owns a path in the running container, and whether it can be written at
 * all, modelled on Docker Engine 20.10:
 * - a read-only root filesystem (`read_only`) leaves only mounts writable
 *   (https://docs.docker.com/reference/cli/docker/container/run/#read-only);
 * - a tmpfs with uid=/gid= belongs to them, with its mode= (tmpfs(5));
 *   without them, runc gives a tmpfs over an image directory that directory's
 *   owner and mode (issue 21: root 0755 for /docker-entrypoint-initdb.d), and
 *   a new directory root with tmpfs's default 1777;
 * - a new named volume takes the image directory's owner and mode ("the
 *   directory's contents are copied into the volume",
 *   https://docs.docker.com/engine/storage/volumes/#populate-a-volume-using-a-container),
 *   else root 0755;
 * - a path below a mount is created by its writer, so the mount decides.
 */
function effectiveDirectory(service: ComposeService, image: Readonly<Record<string, Directory>>, target: string): Directory | 'read-only' {
  const mounts: [string, () => Directory | 'read-only'][] = [];
  for (const entry of service.tmpfs) {
    const [mountPath, options = ''] = entry.split(/:(.*)/s);
    const opts = Object.fromEntries(options.split(',').filter(Boolean).map((o) => o.split('=') as [string, string]));
    mounts.push([mountPath, () => (opts.uid !== undefined ? { uid: Number(opts.uid), gid: Number(opts.gid ?? 0), mode: parseInt(opts.mode ?? '1777', 8) } : image[mountPath] ?? TMP)]);
  }
  for (const volume of service.volumes ?? []) {
    const [source, mountPath, flags] = volume.split(':');
    mounts.push([mountPath, () => (flags === 'ro' || source.startsWith('.') ? 'read-only' : image[mountPath] ?? ROOT_DIR)]);
  }
  const covering = mounts.filter(([m]) => target === m || target.startsWith(`${m}/`)).sort((a, b) => b[0].length - a[0].length)[0];
  if (!covering) return service.read_only ? 'read-only' : image[target] ?? ROOT_DIR;
  return covering[1]();
}

function writable(dir: Directory | 'read-only', user: string): boolean {
  if (dir === 'read-only') return false;
  const [uid, gid] = user.split(':').map(Number);
  const bits = uid === dir.uid ? 0o200 : gid === dir.gid ? 0o020 : 0o002;
  return uid === 0 || (dir.mode & bits) !== 0;
}

/** Paths each service writes that its user cannot write, as `service: path`. */
function unwritablePaths(stack: StackConfig, services: Readonly<Record<string, ComposeService>>): string[] {
  return Object.entries(services).flatMap(([name, service]) =>
    writtenPaths(name, stack)
      .filter((p) => !writable(effectiveDirectory(service, IMAGE_DIRECTORIES[name], p), service.user))
      .map((p) => `${name}: ${p}`),
  );
}

/** Where a runtime setting does not reach the app's process, each as a sentence. */
function settingsNotReaching(stack: StackConfig, services: Readonly<Record<string, ComposeService>>): string[] {
  const app = services.app;
  const problems: string[] = [];
  const preset = ENVIRONMENT_PRESETS[stack.environment];
  const command = (app.command ?? []).join(' ');
  if (stack.app.command) {
    if (command !== stack.app.command.join(' ')) problems.push('app.command is not the command');
  } else {
    const expected = `--bind 0.0.0.0:${stack.app.port} --workers ${stack.app.maxWorkers ?? preset.maxWorkers} --timeout ${stack.app.timeoutSeconds ?? preset.timeoutSeconds}`;
    if (!command.includes(expected)) problems.push(`gunicorn is not started with ${expected}`);
  }
  if (!app.healthcheck?.test.join(' ').includes(`:${stack.app.port}/`)) problems.push('the healthcheck asks another port');
  const grace = Number(/^(\d+)s$/.exec(app.stop_grace_period ?? '10s')?.[1]);
  if (grace <= requestTimeoutSeconds(stack.environment, stack.app)) problems.push(`stop_grace_period ${app.stop_grace_period ?? 'default 10s'} cuts requests up to the timeout`);
  return problems;
}

const EXAMPLES = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml')).sort();
const STACKS: [string, StackConfig][] = [
  ...defaultStacks().map((s) => [`default ${s.name}`, s] as [string, StackConfig]),
  ...EXAMPLES.flatMap((file) => loadConfigFile(path.join(ROOT, 'examples', file), { requireInlineValues: false }).map((s) => [`${file} ${s.name}`, s] as [string, StackConfig])),
  ...(['development', 'staging', 'production'] as const).flatMap((environment) =>
    (['pgvector', 'qdrant'] as const).map((engine) => {
      const [base] = defaultStacks();
      const stack = { ...base, environment, vectorDb: { ...base.vectorDb, enabled: true, engine }, app: { ...base.app, port: 9000, maxWorkers: 3, timeoutSeconds: 300 } };
      return [`${environment} ${engine} on 9000`, stack as StackConfig] as [string, StackConfig];
    }),
  ),
];

describe.each(STACKS)('%s, Compose', (_, stack) => {
  const { services } = composeProject(stack).project;

  test('each path a process writes is writable by its user', () => {
    expect(unwritablePaths(stack, services)).toStrictEqual([]);
  });

  test('each runtime setting reaches the process', () => {
    expect(settingsNotReaching(stack, services)).toStrictEqual([]);
  });
});

describe('the properties catch mutated services', () => {
  const [base] = defaultStacks();
  const stack = { ...base, vectorDb: { ...base.vectorDb, enabled: true, engine: 'pgvector' as const } } as StackConfig;
  const { services } = composeProject(stack).project;
  const withService = (name: string, change: Partial<ComposeService>) => ({ ...services, [name]: { ...services[name], ...change } });

  test('a tmpfs without uid/gid over the init-script directory (issue 21)', () => {
    const tmpfs = services.pgvector.tmpfs.map((t) => (t.startsWith('/docker-entrypoint-initdb.d') ? '/docker-entrypoint-initdb.d' : t));
    expect(unwritablePaths(stack, withService('pgvector', { tmpfs }))).toStrictEqual(['pgvector: /docker-entrypoint-initdb.d']);
  });

  test('the app without its logs scratch or multiprocess directory, on a read-only root', () => {
    const tmpfs = services.app.tmpfs.filter((t) => !t.startsWith('/app/logs') && !t.startsWith(PROMETHEUS_MULTIPROC_DIR));
    expect(unwritablePaths(stack, withService('app', { tmpfs }))).toStrictEqual(['app: /app/logs', `app: ${PROMETHEUS_MULTIPROC_DIR}`]);
  });

  test('staging without scratch for ./staging_data', () => {
    const staging = { ...stack, environment: 'staging' } as StackConfig;
    const stagingServices = composeProject(staging).project.services;
    const tmpfs = stagingServices.app.tmpfs.filter((t) => !t.startsWith('/app/staging_data'));
    expect(unwritablePaths(staging, { ...stagingServices, app: { ...stagingServices.app, tmpfs } })).toStrictEqual([`app: ${MEMORY_PATHS.staging}`]);
  });

  test('a service run as another user than its directories\' owner', () => {
    expect(unwritablePaths(stack, withService('redis', { user: '1234:1234' }))).toStrictEqual(['redis: /data']);
  });

  test('the image\'s CMD instead of the stack\'s command, a healthcheck on another port, the default grace period', () => {
    const moved = { ...stack, app: { ...stack.app, port: 9000 } } as StackConfig;
    const movedServices = composeProject(moved).project.services;
    expect(settingsNotReaching(moved, movedServices)).toStrictEqual([]);
    const healthcheck = { ...movedServices.app.healthcheck!, test: movedServices.app.healthcheck!.test.map((t) => t.replace(':9000/', ':8000/')) };
    const broken = { ...movedServices, app: { ...movedServices.app, command: undefined, healthcheck, stop_grace_period: undefined } };
    expect(settingsNotReaching(moved, broken)).toStrictEqual([
      'gunicorn is not started with --bind 0.0.0.0:9000 --workers 4 --timeout 120',
      'the healthcheck asks another port',
      'stop_grace_period default 10s cuts requests up to the timeout',
    ]);
  });

  test('app.command replaced by something else', () => {
    const custom = { ...stack, app: { ...stack.app, command: ['uvicorn', 'main:app'] } } as StackConfig;
    const customServices = composeProject(custom).project.services;
    expect(settingsNotReaching(custom, customServices)).toStrictEqual([]);
    expect(settingsNotReaching(custom, { ...customServices, app: { ...customServices.app, command: ['gunicorn', 'main:app'] } })).toStrictEqual(['app.command is not the command']);
  });
});
