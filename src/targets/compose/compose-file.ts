import { COMPOSE_DEFAULTS } from './config';
import type { StackConfig } from '../../config/types';
import { qdrantRequiresApiKey, redisRequiresPassword, requiredSecretKeys } from '../../config/secrets';
import { ENVIRONMENT_DATA_DIRS, PROMETHEUS_MULTIPROC_DIR, appCommand, requestTimeoutSeconds } from '../../conventions/app-process';
import { nginxImage, redisImage, vectorDbImage } from '../../config/images';
import { REDIS_PASSWORD_KEY, REDIS_USER, RunAsUser, VECTOR_DB, VECTOR_DB_SECRET_KEYS, redisMemoryArgs } from '../../conventions/backing-services';
import { SEED } from '../../conventions/defaults';
import { appObjectNames } from '../../conventions/names';
import { parseQuantity } from '../../conventions/quantity';
import { plainSettings } from '../managed-app';

/** One service of a Compose file, with the fields this target writes. */
export interface ComposeService {
  readonly image: string;
  readonly user: string;
  readonly command?: readonly string[];
  /** How long `docker-compose stop` waits after the stop signal before it kills the process. */
  readonly stop_grace_period?: string;
  /** Size of /dev/shm. */
  readonly shm_size?: string;
  readonly env_file?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly ports?: readonly string[];
  readonly healthcheck?: ComposeHealthcheck;
  readonly volumes?: readonly string[];
  readonly tmpfs: readonly string[];
  readonly read_only: true;
  readonly cap_drop: readonly ['ALL'];
  readonly security_opt: readonly ['no-new-privileges:true'];
  readonly networks: readonly string[];
  readonly depends_on?: Readonly<Record<string, { readonly condition: 'service_healthy' }>>;
  readonly deploy?: ComposeDeploy;
  readonly logging?: { readonly driver: string; readonly options: Readonly<Record<string, string>> };
  /** metadata.labels: https://docs.docker.com/reference/compose-file/services/#labels */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A service's `healthcheck`. */
export interface ComposeHealthcheck {
  readonly test: readonly string[];
  readonly interval: string;
  readonly timeout: string;
  readonly retries: number;
  readonly start_period: string;
}

/** A service's `deploy`: replicas, resources and the restart policy. */
export interface ComposeDeploy {
  readonly replicas?: number;
  readonly resources?: {
    readonly limits: { readonly cpus: string; readonly memory: string };
    readonly reservations: { readonly cpus: string; readonly memory: string };
  };
  readonly restart_policy: { readonly condition: 'any'; readonly delay: string };
}

/** A Compose file as this target writes it. Top-level `name` is left out: the directory names the project, and docker-compose 1.x refuses the key. */
export interface ComposeProject {
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly networks: Readonly<Record<string, { readonly internal?: true }>>;
  readonly volumes: Readonly<Record<string, Record<string, never>>>;
}

/** What {@link composeProject} builds for a stack. */
export interface ComposeStack {
  /** The Compose file's content. */
  readonly project: ComposeProject;
  /** The env file the operator provides beside compose.yaml, relative to it. */
  readonly envFile: string;
  /** What the env file must define, in order, each with what its value is. */
  readonly envFileEntries: readonly EnvFileEntry[];
  /** Whether the stack has the nginx front end (staging and production with `ingress.enabled`). */
  readonly frontEnd: boolean;
}

/** One variable of the env file the operator writes. */
export interface EnvFileEntry {
  /** The variable's name. */
  readonly name: string;
  /** How its value is formed, when it is built from another entry (`redis://:<REDIS_PASSWORD>@redis:6379`). */
  readonly shape?: string;
}

/** Service names, which are also the host names Docker's DNS resolves on the project's networks. */
export const SERVICES = { app: 'app', redis: SEED.redis.name, nginx: 'nginx' } as const;

/** The project's networks: nginx and the app on `frontend`; the app and its databases on `backend`, which has no route out. */
export const NETWORKS = { frontend: 'frontend', backend: 'backend' } as const;

/**
 * The guide's Compose values (docker-compose.prod.yml), and what this target
 * adds where the guide has none.
 */
export const COMPOSE_GUIDE = {
  logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } },
  restartDelay: '5s',
  // nginx-unprivileged's user: "ARG UID=101 / ARG GID=101" in its Dockerfile
  // (https://github.com/nginx/docker-nginx-unprivileged/blob/main/Dockerfile-alpine-slim.template).
  nginxUser: { uid: 101, gid: 101 },
  // Ports nginx listens on inside its container; ports below 1024 would need a capability.
  nginxHttpPort: 8080,
  nginxHttpsPort: 8443,
  // Where nginx.conf expects the operator's certificate: the guide's paths.
  certificateDirectory: '/etc/nginx/ssl',
  // The path nginx's healthcheck asks for on its HTTP listener, answered by nginx itself.
  nginxHealthPath: '/nginx-health',
  // Seconds a stopping service gets beyond its longest request: the process's own shutdown after the drain.
  stopMarginSeconds: 10,
  // /dev/shm for Postgres: Docker's default is 64 MB, which parallel index builds (pgvector's HNSW
  // and IVFFlat use maintenance_work_mem across workers) exceed. "shm_size" in the postgres image's
  // docs: https://hub.docker.com/_/postgres ("Caveats": shared memory)
  postgresShmSize: '1g',
} as const;

/**
 * Where each environment's app keeps agent memory: the guide's
 * create_saplings_config (`with_memory_path`), relative paths read from WORKDIR /app.
 * Production's is under the data volume; the others need their own writable mount.
 */
export const MEMORY_PATHS = {
  production: `${SEED.app.dataPath}/memory`,
  staging: `${ENVIRONMENT_DATA_DIRS.staging}/memory`,
  development: `${ENVIRONMENT_DATA_DIRS.development}/memory`,
} as const;

/**
 * A tmpfs mount owned by `user`. Docker 20.10 (runc) gives a tmpfs mounted
 * over a directory of the image that directory's owner and mode, root 0755 for
 * most, whatever `mode=` says, so a non-root process could not write it; the
 * tmpfs `uid=`/`gid=` options give it to the user instead. They are tmpfs(5)
 * options, which Docker passes through (https://docs.docker.com/engine/storage/tmpfs/,
 * "tmpfs-mode"; https://man7.org/linux/man-pages/man5/tmpfs.5.html, "uid=", "gid=").
 */
export function ownedTmpfs(path: string, user: RunAsUser, mode = '0700'): string {
  return `${path}:uid=${user.uid},gid=${user.gid},mode=${mode}`;
}

/** A world-writable, sticky /tmp owned by `user`, as a temporary directory is expected to be. */
function tmp(user: RunAsUser): string {
  return ownedTmpfs('/tmp', user, '1777');
}

/** The Compose settings of a stack, defaults applied. */
export function composeSettings(stack: StackConfig): NonNullable<StackConfig['compose']> {
  return stack.compose ?? COMPOSE_DEFAULTS;
}

/** `address:host:container` for `ports`, brackets around an IPv6 address; no address publishes on every one. */
function published(address: string | undefined, hostPort: number, containerPort: number): string {
  const host = address === undefined ? '' : `${address.includes(':') ? `[${address}]` : address}:`;
  return `${host}${hostPort}:${containerPort}`;
}

// Postgres as the VectorDb construct runs it (src/constructs/vector-db.ts).
const PG = { user: 'saplings', database: 'saplings', dataPath: '/var/lib/postgresql/data', port: 5432 } as const;
const QDRANT = { httpPort: 6333, dataPath: '/qdrant/storage' } as const;

/**
 * The Compose project for one stack: the app, Redis and the vector database
 * as the config says, each hardened as far as Compose can express, and in
 * staging and production with replicas, resources, a restart policy, capped
 * JSON logs and the nginx front end.
 *
 * Secrets are never values here: every service that needs one reads the env
 * file the operator provides ({@link ComposeStack.envFile}).
 */
export function composeProject(stack: StackConfig): ComposeStack {
  const envFile = `${stack.secrets.name ?? appObjectNames(stack.name).secret}.env`;
  const stagingOrProduction = stack.environment !== 'development';
  const frontEnd = stagingOrProduction && stack.ingress.enabled;
  const redisAuth = redisRequiresPassword(stack);
  const envFileEntries = envFileEntriesOf(stack);
  const labels = Object.keys(stack.metadata.labels).length > 0 ? { labels: stack.metadata.labels } : {};
  const extras = { ...(stagingOrProduction ? { logging: COMPOSE_GUIDE.logging } : {}), ...labels };
  const services: Record<string, ComposeService> = {};
  const volumes: Record<string, Record<string, never>> = { 'app-data': {} };
  const backends: string[] = [];

  if (stack.redis.enabled) {
    services[SERVICES.redis] = { ...redisService(stack, envFile, redisAuth), ...extras };
    volumes['redis-data'] = {};
    backends.push(SERVICES.redis);
  }
  if (stack.vectorDb.enabled) {
    const engine = stack.vectorDb.engine;
    services[engine] = { ...vectorDbService(stack, envFile), ...extras };
    volumes[`${engine}-data`] = {};
    backends.push(engine);
  }
  services[SERVICES.app] = { ...appService(stack, envFile, envFileEntries, backends), ...extras };
  if (frontEnd) services[SERVICES.nginx] = { ...nginxService(stack), ...extras };

  const networks: Record<string, { internal?: true }> = { [NETWORKS.frontend]: {} };
  if (backends.length) networks[NETWORKS.backend] = { internal: true };
  // Ordered as a reader follows the traffic: front end, app, then what it uses.
  const ordered: Record<string, ComposeService> = {};
  for (const name of [SERVICES.nginx, SERVICES.app, ...backends]) if (services[name]) ordered[name] = services[name];
  return {
    project: { services: ordered, networks, volumes },
    envFile,
    envFileEntries,
    frontEnd,
  };
}

/**
 * What the env file holds: the app Secret's keys, and the connection URLs
 * that carry a password. Compose reads an env file's values into containers
 * but never interpolates them into compose.yaml, so a URL with a password
 * cannot be built there; the operator writes it beside the password.
 */
function envFileEntriesOf(stack: StackConfig): EnvFileEntry[] {
  const entries: EnvFileEntry[] = requiredSecretKeys(stack).map((name) => ({ name }));
  if (redisRequiresPassword(stack)) {
    entries.push({ name: 'REDIS_URL', shape: `redis://:<${REDIS_PASSWORD_KEY}>@${SERVICES.redis}:${SEED.redis.port}` });
  }
  if (stack.vectorDb.enabled && stack.vectorDb.engine === 'pgvector') {
    const shape = `postgresql://${PG.user}:<${VECTOR_DB_SECRET_KEYS.pgvector}>@pgvector:${PG.port}/${PG.database}`;
    const existing = entries.findIndex((e) => e.name === 'DATABASE_URL');
    if (existing >= 0) entries.splice(existing, 1);
    entries.push({ name: 'DATABASE_URL', shape });
  }
  return entries;
}

/** The app's settings: the Kubernetes ConfigMap's, its container's PORT, less what the env file defines. */
function appEnvironment(stack: StackConfig, envFileKeys: ReadonlySet<string>): Record<string, string> {
  const connectionUrls: Record<string, string> = {};
  if (stack.redis.enabled) connectionUrls.REDIS_URL = `redis://${SERVICES.redis}:${SEED.redis.port}`;
  if (stack.vectorDb.enabled && stack.vectorDb.engine === 'qdrant') connectionUrls.QDRANT_URL = `http://qdrant:${QDRANT.httpPort}`;
  const settings: Record<string, string> = {
    ...plainSettings(stack, connectionUrls),
    // As in Kubernetes, where the container's own PORT wins over the ConfigMap's.
    PORT: String(stack.app.port),
    PROMETHEUS_MULTIPROC_DIR,
  };
  // Compose lets `environment` win over `env_file`; the env file's values must win, as the Secret's do in Kubernetes.
  // fromEntries defines every name as an own key: assigning `__proto__` to a plain object would drop it.
  return Object.fromEntries(Object.entries(settings).flatMap(([name, value]) => (envFileKeys.has(name) ? [] : [[name, literal(value)]])));
}

function appService(stack: StackConfig, envFile: string, entries: readonly EnvFileEntry[], backends: readonly string[]): ComposeService {
  const { app } = stack;
  const stagingOrProduction = stack.environment !== 'development';
  const { liveness } = SEED.app;
  const user = { uid: app.runAsUser, gid: app.runAsGroup };
  const settings = composeSettings(stack);
  // Production's memory is under the data volume; staging's and development's relative paths
  // land under the read-only /app, so they get scratch of their own (lost when the container goes).
  const memoryDirectory = ENVIRONMENT_DATA_DIRS[stack.environment];
  const memoryScratch = memoryDirectory ? [ownedTmpfs(memoryDirectory, user)] : [];
  return {
    image: stack.image,
    user: userOf(user),
    // The guide's CMD with the stack's port, workers and timeout, or app.command as written.
    command: appCommand(stack.environment, app),
    // gunicorn drains in-flight requests for --graceful-timeout (the request timeout) after SIGTERM;
    // Compose kills the container once stop_grace_period passes (default 10 s).
    // https://docs.docker.com/reference/compose-file/services/#stop_grace_period
    stop_grace_period: `${requestTimeoutSeconds(stack.environment, app) + COMPOSE_GUIDE.stopMarginSeconds}s`,
    env_file: [envFile],
    environment: appEnvironment(stack, new Set(entries.map((e) => e.name))),
    // Development publishes the app on the host's loopback; elsewhere only nginx is reachable.
    ports: stagingOrProduction ? undefined : [published(settings.bindAddress ?? '127.0.0.1', settings.ports.app ?? app.port, app.port)],
    healthcheck: {
      // The guide's image has Python but no curl; urlopen raises on anything but 2xx.
      test: ['CMD', 'python', '-c', `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${app.port}${liveness.path}', timeout=${liveness.timeoutSeconds})`],
      interval: `${liveness.periodSeconds}s`,
      timeout: `${liveness.timeoutSeconds}s`,
      retries: liveness.failureThreshold,
      start_period: `${liveness.initialDelaySeconds}s`,
    },
    volumes: [`app-data:${SEED.app.dataPath}`],
    // Where the Kubernetes pod mounts emptyDirs: gunicorn's heartbeat files, the logs, prometheus_client's
    // multiprocess files (empty at each start, as the library requires) and staging's or development's memory.
    tmpfs: [tmp(user), ownedTmpfs(SEED.app.logsPath, user), ownedTmpfs(PROMETHEUS_MULTIPROC_DIR, user), ...memoryScratch],
    ...hardening(),
    networks: [NETWORKS.frontend, ...(backends.length ? [NETWORKS.backend] : [])],
    depends_on: backends.length ? healthy(backends) : undefined,
    deploy: stagingOrProduction
      ? deployOf(stack.autoscaling.enabled ? stack.autoscaling.minReplicas : app.replicas, app.resources)
      : undefined,
  };
}

function redisService(stack: StackConfig, envFile: string, auth: boolean): ComposeService {
  const port = SEED.redis.port;
  // Compose interpolates only the shell's variables and .env, never an env file's, so the
  // password is expanded by the container's shell ($$ is a literal $ to Compose). An empty
  // password would start Redis without auth: the :? expansion refuses to start instead.
  const password = `"$\${${REDIS_PASSWORD_KEY}:?must be set in ${envFile}}"`;
  // Append-only persistence, so a restart keeps agent memory and not just the last snapshot;
  // maxmemory below the container's limit, so Redis evicts before the kernel kills it.
  const args = ['--appendonly', 'yes', '--dir', '/data', ...redisMemoryArgs(parseQuantity(stack.redis.resources.limits.memory) ?? 0)];
  return {
    image: redisImage(stack),
    user: userOf(REDIS_USER),
    command: auth ? ['sh', '-c', `exec redis-server ${args.join(' ')} --requirepass ${password}`] : ['redis-server', ...args],
    env_file: auth ? [envFile] : undefined,
    healthcheck: {
      test: ['CMD-SHELL', `${auth ? `REDISCLI_AUTH="$$${REDIS_PASSWORD_KEY}" ` : ''}redis-cli -p ${port} ping | grep -q PONG`],
      interval: '5s',
      timeout: '3s',
      retries: 3,
      start_period: '5s',
    },
    volumes: ['redis-data:/data'],
    tmpfs: [tmp(REDIS_USER)],
    ...hardening(),
    networks: [NETWORKS.backend],
    deploy: stack.environment !== 'development' ? deployOf(undefined, stack.redis.resources) : undefined,
  };
}

function vectorDbService(stack: StackConfig, envFile: string): ComposeService {
  const { engine } = stack.vectorDb;
  const user = VECTOR_DB[engine].user;
  const common = {
    image: vectorDbImage(stack),
    user: userOf(VECTOR_DB[engine].user),
    ...hardening(),
    networks: [NETWORKS.backend],
    deploy: stack.environment !== 'development' ? deployOf(undefined, stack.vectorDb.resources) : undefined,
  };
  if (engine === 'pgvector') {
    return {
      ...common,
      // The image's entrypoint runs /docker-entrypoint-initdb.d once, when the data directory is
      // empty: the script written there creates the extension on the database's first start.
      command: ['sh', '-c', `echo 'CREATE EXTENSION IF NOT EXISTS vector;' > /docker-entrypoint-initdb.d/vector.sql && exec docker-entrypoint.sh postgres`],
      env_file: [envFile],
      environment: {
        POSTGRES_DB: PG.database,
        POSTGRES_USER: PG.user,
        // initdb refuses a non-empty directory, and a volume's root may hold lost+found.
        PGDATA: `${PG.dataPath}/pgdata`,
      },
      healthcheck: { test: ['CMD', 'pg_isready', '-U', PG.user, '-d', PG.database], interval: '5s', timeout: '5s', retries: 3, start_period: '30s' },
      // The image's STOPSIGNAL is SIGINT, Postgres's fast shutdown; Compose's default 10 s may cut its checkpoint.
      stop_grace_period: '60s',
      shm_size: COMPOSE_GUIDE.postgresShmSize,
      volumes: [`pgvector-data:${PG.dataPath}`],
      // As the Kubernetes pod's emptyDirs: the socket and lock directory, and the init script's.
      tmpfs: [tmp(user), ownedTmpfs('/var/run/postgresql', user, '2775'), ownedTmpfs('/docker-entrypoint-initdb.d', user, '0755')],
    };
  }
  const apiKey = qdrantRequiresApiKey(stack);
  const key = VECTOR_DB_SECRET_KEYS.qdrant;
  return {
    ...common,
    // Qdrant reads QDRANT__SERVICE__API_KEY; the env file holds the app's QDRANT_API_KEY, renamed by the container's shell.
    command: apiKey ? ['bash', '-c', `export QDRANT__SERVICE__API_KEY="$\${${key}:?must be set in ${envFile}}"; exec ./entrypoint.sh`] : undefined,
    env_file: apiKey ? [envFile] : undefined,
    healthcheck: {
      // The image has bash but no curl; the health endpoints need no API key.
      test: ['CMD', 'bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${QDRANT.httpPort} && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '`],
      interval: '5s',
      timeout: '5s',
      retries: 3,
      start_period: '15s',
    },
    volumes: [`qdrant-data:${QDRANT.dataPath}`],
    tmpfs: [tmp(user), ownedTmpfs('/qdrant/snapshots', user)],
  };
}

function nginxService(stack: StackConfig): ComposeService {
  const { nginxHttpPort, nginxHttpsPort, nginxUser } = COMPOSE_GUIDE;
  const tls = stack.ingress.tls;
  const { bindAddress, ports, nginx } = composeSettings(stack);
  return {
    image: nginxImage(stack, nginx.image),
    user: userOf(nginxUser),
    // On SIGQUIT (the image's STOPSIGNAL) nginx finishes the requests it is serving, which the app may take this long for.
    stop_grace_period: `${requestTimeoutSeconds(stack.environment, stack.app) + COMPOSE_GUIDE.stopMarginSeconds}s`,
    ports: [published(bindAddress, ports.http, nginxHttpPort), ...(tls ? [published(bindAddress, ports.https, nginxHttpsPort)] : [])],
    healthcheck: {
      // nginx answers this itself, on its HTTP listener, to loopback only; nginx images ship curl
      // ("apk add --no-cache curl ca-certificates", https://github.com/nginx/docker-nginx/blob/master/mainline/alpine/Dockerfile).
      test: ['CMD', 'curl', '-fsS', '-o', '/dev/null', `http://127.0.0.1:${nginxHttpPort}${COMPOSE_GUIDE.nginxHealthPath}`],
      // Docker runs the first check one interval after the start; nginx answers this itself, so it can be short.
      interval: '5s',
      timeout: '3s',
      retries: 3,
      start_period: '5s',
    },
    volumes: ['./nginx.conf:/etc/nginx/nginx.conf:ro', ...(tls ? [`./ssl:${COMPOSE_GUIDE.certificateDirectory}:ro`] : [])],
    // nginx.conf puts the pid file and every temporary file here.
    tmpfs: [tmp(nginxUser)],
    ...hardening(),
    networks: [NETWORKS.frontend],
    depends_on: healthy([SERVICES.app]),
    deploy: restartOnly(),
  };
}

function hardening(): Pick<ComposeService, 'read_only' | 'cap_drop' | 'security_opt'> {
  return { read_only: true, cap_drop: ['ALL'], security_opt: ['no-new-privileges:true'] };
}

function healthy(services: readonly string[]): Record<string, { condition: 'service_healthy' }> {
  return Object.fromEntries(services.map((s) => [s, { condition: 'service_healthy' as const }]));
}

function restartOnly(): ComposeDeploy {
  // The guide's max_attempts: 3 is left out: a crashing service keeps being restarted, as Kubernetes does.
  return { restart_policy: { condition: 'any', delay: COMPOSE_GUIDE.restartDelay } };
}

interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

function deployOf(replicas: number | undefined, resources: Resources): ComposeDeploy {
  return {
    replicas,
    resources: {
      limits: { cpus: cpus(resources.limits.cpu), memory: memory(resources.limits.memory) },
      reservations: { cpus: cpus(resources.requests.cpu), memory: memory(resources.requests.memory) },
    },
    ...restartOnly(),
  };
}

/** A Kubernetes CPU quantity (`500m`, `2`) as Compose's `cpus` (`0.5`, `2`). */
export function cpus(quantity: string): string {
  const cores = parseQuantity(quantity) ?? 0;
  return String(Math.round(cores * 1000) / 1000);
}

/**
 * A Kubernetes memory quantity as Compose writes sizes, whose units are binary
 * (`1g` is 2^30 bytes): `2Gi` → `2g`, `512Mi` → `512m`, a decimal `1G` → bytes.
 */
export function memory(quantity: string): string {
  const bytes = Math.ceil(parseQuantity(quantity) ?? 0);
  for (const [unit, size] of [['g', 2 ** 30], ['m', 2 ** 20], ['k', 2 ** 10]] as const) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}b`;
}

function userOf(user: RunAsUser): string {
  return `${user.uid}:${user.gid}`;
}

/** A value Compose must not interpolate: each `$` doubled, so `$HOME` reaches the container as written. */
export function literal(value: string): string {
  return value.replace(/\$/g, '$$$$');
}
