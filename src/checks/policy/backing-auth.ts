import { Environment } from '../../conventions/defaults';
import { parseImageReference } from '../../conventions/image';
import { Json, Path, asList, asString, isObject, quote } from '../json';
import { ContainerRef, PolicyReporter, PodTemplate, containersOf } from './objects';

/*
 * Backing services that anyone who reaches their port can use: Redis without
 * --requirepass, Qdrant without an API key, Postgres that trusts every
 * connection. Outside development the CLI and the constructs require auth;
 * this holds anyone's manifests to the same rule. It is a warning, not an
 * error, because both let a user turn auth off explicitly.
 */

/** The engines recognised, by the last segment of the image repository. */
const ENGINES: ReadonlyMap<string, 'Redis' | 'Qdrant' | 'Postgres'> = new Map([
  ['redis', 'Redis'],
  ['qdrant', 'Qdrant'],
  ['postgres', 'Postgres'],
  ['pgvector', 'Postgres'],
]);

/**
 * Reports, outside development, each container that runs Redis, Qdrant or
 * Postgres (recognised by image) without authentication. An unknown
 * environment counts as production.
 */
export function checkBackingServiceAuth(template: PodTemplate, environment: Environment | undefined, sink: PolicyReporter): void {
  if (environment === 'development') return;
  for (const c of containersOf(template, ['containers'])) {
    const image = asString(c.container.image);
    if (image === undefined) continue;
    const repository = parseImageReference(image).repository;
    // Bitnami images configure auth through variables of their own (and require it by default).
    if (repository.split('/').includes('bitnami')) continue;
    const engine = ENGINES.get(repository.slice(repository.lastIndexOf('/') + 1));
    if (engine === undefined) continue;
    const runs = `${c.label} runs ${engine} (image ${quote(image)})`;
    if (engine === 'Redis') checkRedis(template, c, runs, sink);
    if (engine === 'Qdrant') checkQdrant(template, c, envOf(c.container), runs, sink);
    if (engine === 'Postgres') checkPostgres(template, c, envOf(c.container), runs, sink);
  }
}

/** The container's env by name, and whether `envFrom` may set more. */
interface ContainerEnv {
  /** Each variable with its index in `env`, and whether it has a value (a non-empty literal or a `valueFrom`). */
  readonly byName: ReadonlyMap<string, { readonly index: number; readonly entry: Json; readonly set: boolean }>;
  /** Whether `envFrom` loads variables this check cannot see. */
  readonly fromSources: boolean;
}

function envOf(container: Json): ContainerEnv {
  const byName = new Map<string, { index: number; entry: Json; set: boolean }>();
  asList(container.env).forEach((entry, index) => {
    if (!isObject(entry) || typeof entry.name !== 'string') return;
    byName.set(entry.name, { index, entry, set: isObject(entry.valueFrom) || asString(entry.value) !== undefined });
  });
  return { byName, fromSources: asList(container.envFrom).length > 0 };
}

/** Whether a variable may be set: it is in `env` with a value, or `envFrom` may load it. */
function maySet(env: ContainerEnv, names: readonly string[]): boolean {
  return env.fromSources || names.some((name) => env.byName.get(name)?.set === true);
}

function checkRedis(template: PodTemplate, c: ContainerRef, runs: string, sink: PolicyReporter): void {
  // A client (redis-cli in a CronJob, a script that calls it) holds no data to protect.
  if (!runsRedisServer(c.container)) return;
  const words = [...asList(c.container.command), ...asList(c.container.args)];
  // `sh -c "redis-server --requirepass …"` counts too.
  if (words.some((word) => typeof word === 'string' && word.includes('--requirepass'))) return;
  const path: Path = [...c.path, c.container.args !== undefined || c.container.command === undefined ? 'args' : 'command'];
  sink.report(
    template.owner,
    'warning',
    'practice-backing-service-auth',
    path,
    `${runs} without --requirepass, so anyone who reaches its port reads and writes its data; ` +
      `add args --requirepass $(REDIS_PASSWORD), with REDIS_PASSWORD from a Secret (valueFrom.secretKeyRef)`,
  );
}

/** Programs that run a Redis server. */
const REDIS_SERVERS: ReadonlySet<string> = new Set(['redis-server', 'redis-sentinel']);

/** Shells whose script argument may start the server. */
const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);

/**
 * Whether a container of a Redis image runs the server rather than a client
 * such as redis-cli. `command` replaces the image's ENTRYPOINT and `args` its
 * CMD (https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#notes);
 * the official image's ENTRYPOINT, docker-entrypoint.sh, runs its CMD
 * `redis-server`, and puts `redis-server` before arguments that start with `-`
 * or end in `.conf`
 * (https://github.com/docker-library/redis/blob/master/7.2/alpine/docker-entrypoint.sh).
 */
function runsRedisServer(container: Json): boolean {
  const strings = (value: unknown) => asList(value).filter((w): w is string => typeof w === 'string');
  const args = strings(container.args);
  let words = container.command !== undefined ? [...strings(container.command), ...args] : ['docker-entrypoint.sh', ...(args.length > 0 ? args : ['redis-server'])];
  const program = (word: string | undefined) => (word ?? '').slice((word ?? '').lastIndexOf('/') + 1);
  if (program(words[0]) === 'docker-entrypoint.sh') {
    words = words.slice(1);
    if (words.length === 0 || words[0].startsWith('-') || words[0].endsWith('.conf')) return true;
  }
  if (REDIS_SERVERS.has(program(words[0]))) return true;
  // `sh -c "redis-server …"`: the script starts the server somewhere.
  return SHELLS.has(program(words[0])) && words.slice(1).some((word) => /(^|[\s/;&|])redis-(server|sentinel)(\s|$)/.test(word));
}

function checkQdrant(template: PodTemplate, c: ContainerRef, env: ContainerEnv, runs: string, sink: PolicyReporter): void {
  if (maySet(env, ['QDRANT__SERVICE__API_KEY'])) return;
  sink.report(
    template.owner,
    'warning',
    'practice-backing-service-auth',
    [...c.path, 'env'],
    `${runs} without QDRANT__SERVICE__API_KEY, so anyone who reaches its port reads and writes its collections; ` +
      `set QDRANT__SERVICE__API_KEY from a Secret (valueFrom.secretKeyRef)`,
  );
}

function checkPostgres(template: PodTemplate, c: ContainerRef, env: ContainerEnv, runs: string, sink: PolicyReporter): void {
  const authMethod = env.byName.get('POSTGRES_HOST_AUTH_METHOD');
  if (authMethod !== undefined && authMethod.entry.value === 'trust') {
    sink.report(
      template.owner,
      'warning',
      'practice-backing-service-auth',
      [...c.path, 'env', authMethod.index, 'value'],
      `${runs} with POSTGRES_HOST_AUTH_METHOD=trust, so it accepts every connection without a password; ` +
        `remove POSTGRES_HOST_AUTH_METHOD and set POSTGRES_PASSWORD from a Secret (valueFrom.secretKeyRef)`,
    );
    return;
  }
  if (maySet(env, ['POSTGRES_PASSWORD', 'POSTGRES_PASSWORD_FILE'])) return;
  sink.report(
    template.owner,
    'warning',
    'practice-backing-service-auth',
    [...c.path, 'env'],
    `${runs} without POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE, so its users have no password; ` +
      `set POSTGRES_PASSWORD from a Secret (valueFrom.secretKeyRef)`,
  );
}
