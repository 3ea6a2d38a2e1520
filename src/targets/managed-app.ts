import { Problem } from '../config/errors';
import { StackConfig } from '../config/types';
import { Finding } from '../checks/findings';
import { ENVIRONMENT_DATA_DIRS, PROMETHEUS_MULTIPROC_DIR, appCommand } from '../conventions/app-process';
import { VECTOR_DB_SECRET_KEYS } from '../conventions/backing-services';
import { SEED } from '../conventions/defaults';
import { closestMatch } from '../conventions/edit-distance';
import { presetSettings } from '../conventions/presets';
import { isSecretLikeName } from '../conventions/secret-names';

/*
 * The app on a managed container platform (Cloud Run, ECS on Fargate), which
 * runs none of the stack's Redis or vector DB: the ConfigMap values become
 * plain env, and every connection URL comes, like the credentials, from the
 * platform's secret store.
 */

/** A variable the app reads from a secret, and the config key that makes it read it. */
export interface SecretVariable {
  /** The variable's name, which is also the key in `secrets.keys`. */
  readonly name: string;
  /** The config key that asks for it (`secrets.keys`, `redis.enabled`), for messages. */
  readonly because: string;
}

/**
 * The app's plain settings: the values of its Kubernetes ConfigMap, in the
 * same order. The in-cluster connection URLs (`REDIS_URL`, `QDRANT_URL`) are
 * only there when given as `connectionUrls`: Compose has its own service
 * names, while on a managed platform {@link secretVariables} lists them.
 */
export function plainSettings(stack: StackConfig, connectionUrls: Readonly<Record<string, string>> = {}): Record<string, string> {
  const { app } = stack;
  return {
    ...presetSettings(stack.environment, { ...app, monitoring: app.monitoring ?? (stack.monitoring.enabled ? undefined : false) }),
    ...(stack.vectorDb.enabled ? { VECTOR_DB_ENGINE: stack.vectorDb.engine } : {}),
    ...connectionUrls,
    ...app.config,
  };
}

/**
 * Every variable the app reads from a secret: the keys of `secrets.keys`,
 * and the connection settings of the Redis and vector DB it is configured to
 * use, which on these platforms live outside the stack (ElastiCache, RDS,
 * Memorystore, Cloud SQL, a managed Qdrant) and so are secrets like the rest.
 * The database servers' own passwords (`REDIS_PASSWORD`, `POSTGRES_PASSWORD`)
 * are not here: the app reads them only through the URLs.
 */
export function secretVariables(stack: StackConfig): SecretVariable[] {
  const variables: SecretVariable[] = stack.secrets.keys.map((name) => ({ name, because: 'secrets.keys' }));
  if (stack.secrets.source === 'inline') {
    variables.push(...Object.keys(stack.secrets.values ?? {}).map((name) => ({ name, because: 'secrets.values' })));
  }
  if (stack.redis.enabled) variables.push({ name: 'REDIS_URL', because: 'redis.enabled' });
  if (stack.vectorDb.enabled && stack.vectorDb.engine === 'pgvector') variables.push({ name: 'DATABASE_URL', because: 'vectorDb.engine: pgvector' });
  if (stack.vectorDb.enabled && stack.vectorDb.engine === 'qdrant') {
    variables.push({ name: 'QDRANT_URL', because: 'vectorDb.engine: qdrant' });
    // As on Kubernetes: the key is read when Qdrant requires one (on outside development unless vectorDb.auth says otherwise).
    if (stack.vectorDb.auth ?? stack.environment !== 'development') variables.push({ name: VECTOR_DB_SECRET_KEYS.qdrant, because: 'vectorDb.auth' });
  }
  // A variable listed twice keeps its first reason, which messages give.
  const byName = new Map<string, SecretVariable>();
  for (const variable of variables) if (!byName.has(variable.name)) byName.set(variable.name, variable);
  return [...byName.values()];
}

/**
 * Problems with a platform's mapping of secret variables to its secret store
 * (`cloudrun.secrets`, `ecs.secrets`): a variable the app reads that has no
 * mapping, a mapping for a variable the app does not read (a typo, most
 * likely), and a variable that is both a plain setting and a secret.
 *
 * @param options.mapping the variables the platform can resolve; `covered`
 *   says whether one without an entry is still mapped (by `ecs.secretsArnPrefix`)
 * @param options.howToMap what to do about a missing variable
 */
export function secretMappingProblems(
  stack: StackConfig,
  location: Pick<Problem, 'file' | 'document'>,
  options: {
    readonly key: string;
    readonly mapping: Readonly<Record<string, unknown>>;
    readonly covered: boolean;
    readonly howToMap: (name: string) => string;
  },
): Problem[] {
  const problems: Problem[] = [];
  const variables = secretVariables(stack);
  const needed = new Set(variables.map((v) => v.name));
  for (const { name, because } of variables) {
    if (!(name in options.mapping) && !options.covered) {
      problems.push({ ...location, path: `${options.key}.${name}`, message: `is required: the app reads ${name} from a secret (${because}); ${options.howToMap(name)}` });
    }
    if (name in stack.app.config) {
      problems.push({
        ...location,
        path: `app.config.${name}`,
        message: `is also read from a secret (${because}); a variable has one source: remove it from app.config${because === 'secrets.keys' ? ' or from secrets.keys' : ''}`,
      });
    }
  }
  for (const name of Object.keys(options.mapping)) {
    if (needed.has(name)) continue;
    const guess = closestMatch(name, [...needed], Math.max(2, Math.floor(name.length / 3)));
    problems.push({
      ...location,
      path: `${options.key}.${name}`,
      message: `is not a variable the app reads from a secret${guess ? ` (did you mean ${guess}?)` : ''}; the app reads ${[...needed].join(', ')}. Add it to secrets.keys, or remove it`,
    });
  }
  return problems;
}

/**
 * Plain variables whose names say they hold a secret (`DB_PASSWORD` in
 * app.config): such a value belongs in the secret store, where the
 * platform's console and API do not show it to every reader.
 */
export function plainSecretFindings(
  env: readonly { readonly name: string; readonly path: string }[],
  where: { readonly file: string; readonly object: string },
): Finding[] {
  return env
    .filter((e) => isSecretLikeName(e.name))
    .map((e) => ({
      ...where,
      severity: 'error' as const,
      rule: 'secret-in-plain-env',
      path: e.path,
      message: `${e.name} is a plain variable, but its name marks it as a secret; add it to secrets.keys and map it to the secret store instead`,
    }));
}

/**
 * The app container's command on a managed platform: the guide's gunicorn
 * CMD with the stack's port, workers and timeout, or `app.command` as written.
 */
export function appProcessCommand(stack: StackConfig): string[] {
  const { app } = stack;
  return appCommand(stack.environment, { port: app.port, maxWorkers: app.maxWorkers, timeoutSeconds: app.timeoutSeconds, command: app.command });
}

/** A directory the app's process writes, which must be writable by its user. */
export interface WritablePath {
  /** A short volume name for it (`data`, `tmp`). */
  readonly volume: string;
  /** The absolute path in the container. */
  readonly path: string;
  /** Who writes there, for docs and test messages. */
  readonly writer: string;
}

/**
 * Every directory the app's process writes: its data and logs (the guide's
 * Dockerfile creates both), its environment's memory directory, the temp
 * directory (gunicorn keeps its worker heartbeat files there:
 * https://docs.gunicorn.org/en/stable/settings.html#worker-tmp-dir), and
 * prometheus_client's multiprocess directory. One list, so a target that
 * mounts scratch mounts it for every path.
 */
export function appWritablePaths(stack: StackConfig): WritablePath[] {
  const paths: WritablePath[] = [
    { volume: 'data', path: SEED.app.dataPath, writer: 'the app (memory, data)' },
    { volume: 'logs', path: SEED.app.logsPath, writer: 'the app (logs)' },
    { volume: 'tmp', path: '/tmp', writer: 'gunicorn (worker heartbeat files)' },
    { volume: 'prometheus-multiproc', path: PROMETHEUS_MULTIPROC_DIR, writer: "prometheus_client (each worker's metric files)" },
  ];
  // Production's memory is under the data volume; staging and development write beside it (conventions/app-process).
  const memory = ENVIRONMENT_DATA_DIRS[stack.environment];
  if (memory && !paths.some((p) => p.path === memory)) paths.push({ volume: `${stack.environment}-data`, path: memory, writer: `the app (${stack.environment} memory)` });
  return paths;
}

/**
 * The connection variables that lead to a server outside the platform's
 * public internet on these platforms (Memorystore and ElastiCache have only
 * private addresses; a database or Qdrant the stack's own cluster would run),
 * each with the config key that makes the app read it.
 */
export function privateBackendVariables(stack: StackConfig): SecretVariable[] {
  return secretVariables(stack).filter((v) => (PRIVATE_BACKEND_VARIABLES as readonly string[]).includes(v.name));
}

/** The connection URLs whose servers are private backends. */
export const PRIVATE_BACKEND_VARIABLES = ['REDIS_URL', 'DATABASE_URL', 'QDRANT_URL'] as const;
