import { StackConfig } from '../../config/types';
import { qdrantRequiresApiKey, redisRequiresPassword, requiredSecretKeys } from '../../config/secrets';
import { REDIS_PASSWORD_KEY, REDIS_USER, RunAsUser, VECTOR_DB, VECTOR_DB_SECRET_KEYS } from '../../conventions/backing-services';
import { SEED } from '../../conventions/defaults';
import { appObjectNames } from '../../conventions/names';
import { parseQuantity } from '../../conventions/quantity';
import { plainSettings } from '../managed-app';

/** One service of a Compose file, with the fields this target writes. */
export interface ComposeService {
  readonly image: string;
  readonly user: string;
  readonly command?: readonly string[];
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
  // The unprivileged build of the official image: it runs as uid 101, so it
  // needs no capability, where nginx:alpine starts as root to bind 80/443 and setuid.
  nginxImage: 'nginxinc/nginx-unprivileged:1.28-alpine',
  nginxUser: { uid: 101, gid: 101 },
  // Ports nginx listens on inside its container; ports below 1024 would need a capability.
  nginxHttpPort: 8080,
  nginxHttpsPort: 8443,
  // Where nginx.conf expects the operator's certificate: the guide's paths.
  certificateDirectory: '/etc/nginx/ssl',
} as const;

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
  const extras = stagingOrProduction ? { logging: COMPOSE_GUIDE.logging } : {};
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
  };
  // Compose lets `environment` win over `env_file`; the env file's values must win, as the Secret's do in Kubernetes.
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(settings)) if (!envFileKeys.has(name)) environment[name] = literal(value);
  return environment;
}

function appService(stack: StackConfig, envFile: string, entries: readonly EnvFileEntry[], backends: readonly string[]): ComposeService {
  const { app } = stack;
  const stagingOrProduction = stack.environment !== 'development';
  const { liveness } = SEED.app;
  return {
    image: stack.image,
    user: userOf({ uid: app.runAsUser, gid: app.runAsGroup }),
    env_file: [envFile],
    environment: appEnvironment(stack, new Set(entries.map((e) => e.name))),
    // Development publishes the app on the host's loopback; elsewhere only nginx is reachable.
    ports: stagingOrProduction ? undefined : [`127.0.0.1:${app.port}:${app.port}`],
    healthcheck: {
      // The guide's image has Python but no curl; urlopen raises on anything but 2xx.
      test: ['CMD', 'python', '-c', `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${app.port}${liveness.path}', timeout=${liveness.timeoutSeconds})`],
      interval: `${liveness.periodSeconds}s`,
      timeout: `${liveness.timeoutSeconds}s`,
      retries: liveness.failureThreshold,
      start_period: `${liveness.initialDelaySeconds}s`,
    },
    volumes: [`app-data:${SEED.app.dataPath}`],
    // Where the Kubernetes pod mounts emptyDirs: gunicorn's heartbeat files and the logs.
    tmpfs: ['/tmp', SEED.app.logsPath],
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
  return {
    image: stack.redis.image,
    user: userOf(REDIS_USER),
    // Append-only persistence, so a restart keeps agent memory and not just the last snapshot.
    command: auth
      ? ['sh', '-c', `exec redis-server --appendonly yes --dir /data --requirepass ${password}`]
      : ['redis-server', '--appendonly', 'yes', '--dir', '/data'],
    env_file: auth ? [envFile] : undefined,
    healthcheck: {
      test: ['CMD-SHELL', `${auth ? `REDISCLI_AUTH="$$${REDIS_PASSWORD_KEY}" ` : ''}redis-cli -p ${port} ping | grep -q PONG`],
      interval: '5s',
      timeout: '3s',
      retries: 3,
      start_period: '5s',
    },
    volumes: ['redis-data:/data'],
    tmpfs: ['/tmp'],
    ...hardening(),
    networks: [NETWORKS.backend],
    deploy: stack.environment !== 'development' ? deployOf(undefined, stack.redis.resources) : undefined,
  };
}

function vectorDbService(stack: StackConfig, envFile: string): ComposeService {
  const { engine } = stack.vectorDb;
  const common = {
    image: stack.vectorDb.image ?? VECTOR_DB[engine].image,
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
      volumes: [`pgvector-data:${PG.dataPath}`],
      // As the Kubernetes pod's emptyDirs: the socket and lock directory, and the init script's.
      tmpfs: ['/tmp', '/var/run/postgresql', '/docker-entrypoint-initdb.d'],
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
    tmpfs: ['/tmp', '/qdrant/snapshots'],
  };
}

function nginxService(stack: StackConfig): ComposeService {
  const { nginxHttpPort, nginxHttpsPort } = COMPOSE_GUIDE;
  const tls = stack.ingress.tls;
  return {
    image: COMPOSE_GUIDE.nginxImage,
    user: userOf(COMPOSE_GUIDE.nginxUser),
    ports: [`80:${nginxHttpPort}`, ...(tls ? [`443:${nginxHttpsPort}`] : [])],
    volumes: ['./nginx.conf:/etc/nginx/nginx.conf:ro', ...(tls ? [`./ssl:${COMPOSE_GUIDE.certificateDirectory}:ro`] : [])],
    // nginx.conf puts the pid file and every temporary file here.
    tmpfs: ['/tmp'],
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
