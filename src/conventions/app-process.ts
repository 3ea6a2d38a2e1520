import { Environment } from './defaults';
import { ENVIRONMENT_PRESETS } from './presets';

/** What decides the app's process: its port and the preset-backed worker and timeout settings. */
export interface AppProcessChoices {
  /** The port gunicorn binds. */
  readonly port: number;
  /** gunicorn's --workers. @default - the environment preset's MAX_WORKERS */
  readonly maxWorkers?: number;
  /** gunicorn's --timeout and --graceful-timeout, in seconds. @default - the environment preset's TIMEOUT */
  readonly timeoutSeconds?: number;
  /** A command that replaces gunicorn's, for images that start differently. @default - {@link gunicornCommand} */
  readonly command?: readonly string[];
}

/**
 * The app container's command: the guide's Dockerfile CMD
 * (`gunicorn --bind 0.0.0.0:8000 --workers 4 --timeout 120 main:app`) with the
 * stack's port, workers and timeout, so the settings reach the process on every
 * target instead of only the env vars the image's CMD ignores.
 *
 * `--graceful-timeout` is the timeout too: on SIGTERM gunicorn waits that long
 * for in-flight requests before killing workers (its default is 30 s, shorter
 * than a 120 s LLM call). https://docs.gunicorn.org/en/stable/settings.html#graceful-timeout
 *
 * A stack's `app.command` replaces all of it, as written.
 */
export function appCommand(environment: Environment, choices: AppProcessChoices): string[] {
  if (choices.command) return [...choices.command];
  const preset = ENVIRONMENT_PRESETS[environment];
  return gunicornCommand(choices.port, choices.maxWorkers ?? preset.maxWorkers, choices.timeoutSeconds ?? preset.timeoutSeconds);
}

/** The guide's gunicorn command line with the given values. */
export function gunicornCommand(port: number, workers: number, timeoutSeconds: number): string[] {
  return [
    'gunicorn',
    '--bind',
    `0.0.0.0:${port}`,
    '--workers',
    String(workers),
    '--timeout',
    String(timeoutSeconds),
    '--graceful-timeout',
    String(timeoutSeconds),
    'main:app',
  ];
}

/** The longest a request may run, in seconds: what a graceful shutdown must cover. */
export function requestTimeoutSeconds(environment: Environment, choices: Pick<AppProcessChoices, 'timeoutSeconds'>): number {
  return choices.timeoutSeconds ?? ENVIRONMENT_PRESETS[environment].timeoutSeconds;
}

/**
 * Where the app's gunicorn workers keep prometheus_client's multiprocess
 * files, set as `PROMETHEUS_MULTIPROC_DIR`: every target mounts writable,
 * empty scratch here, owned by the app's user. Without it each of the
 * workers counts on its own and `/metrics` reports whichever answered.
 * https://prometheus.github.io/client_python/multiprocess/
 */
export const PROMETHEUS_MULTIPROC_DIR = '/app/prometheus-multiproc';

/**
 * Where the guide's app keeps its memory outside production: its
 * `create_environment_agent()` calls `.with_memory_path("./staging_data/memory")`
 * in staging and `"./dev_data/memory"` in development, relative to the
 * image's `WORKDIR /app`. Under a read-only root these must be mounts; the
 * targets mount the app's data volume there too. Production writes
 * `/app/data/memory`, the data volume itself.
 */
export const ENVIRONMENT_DATA_DIRS: Readonly<Record<Environment, string | undefined>> = {
  development: '/app/dev_data',
  staging: '/app/staging_data',
  production: undefined,
};

/**
 * Seconds a terminating pod keeps serving before gunicorn gets SIGTERM: the
 * time the endpoint removal takes to reach kube-proxy and the ingress
 * controller, which route new requests to the pod until then.
 * https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
 */
export const DRAIN_SECONDS = 10;

/** Margin after gunicorn's graceful timeout for its workers to exit before the kubelet's SIGKILL. */
const EXIT_MARGIN_SECONDS = 5;

/**
 * The grace period a pod needs so that no request is cut: the drain, then
 * the longest request (gunicorn's `--graceful-timeout` is the request
 * timeout), then a margin for the process to exit. The kubelet counts the
 * preStop hook inside terminationGracePeriodSeconds.
 * https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-execution
 */
export function terminationGraceSeconds(environment: Environment, choices: Pick<AppProcessChoices, 'timeoutSeconds'>): number {
  return DRAIN_SECONDS + requestTimeoutSeconds(environment, choices) + EXIT_MARGIN_SECONDS;
}
