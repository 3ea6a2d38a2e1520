import { PROMETHEUS_MULTIPROC_DIR } from './app-process';

/*
 * The environment variables saplings-k8s sets in the app's container itself,
 * on every target (the Kubernetes ConfigMap and container env, the Compose
 * service's environment, the Cloud Run container's env, the ECS container
 * definition's environment), each with the setting that decides it. A user's
 * extra variables (`app.config`, SaplingsApp's `config` and `env`) may not
 * name one: two sources for one variable would let the later one win
 * silently (in Kubernetes a container's `env` wins over its `envFrom`
 * ConfigMap: "Values defined by an Env with a duplicate key will take
 * precedence", the Container API's envFrom field,
 * https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#environment-variables;
 * and Compose's `environment` wins over `env_file`:
 * https://docs.docker.com/compose/how-tos/environment-variables/envvars-precedence/).
 */

/** The variables the tool sets, each with the config setting to use instead. */
export const RESERVED_ENV: ReadonlyMap<string, string> = new Map([
  ['ENVIRONMENT', 'environment (or synth --env)'],
  ['LOG_LEVEL', 'app.logLevel'],
  ['GASA_ENABLED', 'app.gasa'],
  ['MONITORING_ENABLED', 'app.monitoring'],
  ['SELF_HEALING_ENABLED', 'app.selfHealing'],
  ['MAX_WORKERS', 'app.maxWorkers'],
  ['TIMEOUT', 'app.timeoutSeconds'],
  ['PORT', 'app.port'],
  ['REDIS_URL', 'redis (the stack wires its Redis; for another Redis, set redis.enabled: false and add REDIS_URL to secrets.keys)'],
  ['REDIS_PASSWORD', 'redis.auth (the stack keeps it in the app Secret)'],
  ['DATABASE_URL', 'vectorDb (engine: pgvector wires it; otherwise list DATABASE_URL in secrets.keys, since it holds a password)'],
  ['POSTGRES_PASSWORD', 'vectorDb (engine: pgvector keeps it in the app Secret)'],
  ['VECTOR_DB_ENGINE', 'vectorDb.engine'],
  ['QDRANT_URL', 'vectorDb (engine: qdrant wires it)'],
  ['QDRANT_API_KEY', 'vectorDb.auth (the stack keeps it in the app Secret)'],
  ['PROMETHEUS_MULTIPROC_DIR', `nothing: every target mounts scratch for it at ${PROMETHEUS_MULTIPROC_DIR}`],
  // Cloud Run sets these itself and refuses them in a service's env ("The environment variables defined in the
  // container runtime contract are reserved and cannot be set"): https://cloud.google.com/run/docs/configuring/services/environment-variables
  ['K_SERVICE', 'nothing: Cloud Run sets it'],
  ['K_REVISION', 'nothing: Cloud Run sets it'],
  ['K_CONFIGURATION', 'nothing: Cloud Run sets it'],
]);

/**
 * Why a user's extra variable may not be named `name`, as a message part
 * (`is set by saplings-k8s from app.logLevel; set that instead`), or
 * undefined when it may.
 */
export function reservedEnvProblem(name: string): string | undefined {
  const setting = RESERVED_ENV.get(name);
  if (setting === undefined) return undefined;
  return setting.startsWith('nothing')
    ? `is set by saplings-k8s itself; remove it (${setting.slice('nothing: '.length)})`
    : `is set by saplings-k8s itself; remove it and use ${setting} instead`;
}
