import { Problem, inputError } from '../../config/errors';
import { StackConfig } from '../../config/types';
import { PROMETHEUS_MULTIPROC_DIR } from '../../conventions/app-process';
import { CLOUD_IDS } from '../../conventions/cloud-ids';
import { SEED } from '../../conventions/defaults';
import { KubeObject } from '../../conventions/kube-object';
import { appObjectNames } from '../../conventions/names';
import { appProcessCommand, plainSettings, privateBackendVariables, secretMappingProblems, secretVariables } from '../managed-app';
import { CLOUD_RUN_SIZES_TABLE, cloudRunSize } from './resources';

/** The Cloud Run settings of a stack that selects the target: the `cloudrun:` block, with its defaults. */
type CloudRunConfig = NonNullable<StackConfig['cloudrun']>;

/** Variables Cloud Run sets itself and refuses in a service's env. */
export const RESERVED_ENV = ['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION'] as const;

/**
 * Cloud Run's limits on a container's env: "you can set a maximum of 1000
 * environment variables per container"
 * (https://cloud.google.com/run/docs/configuring/services/environment-variables),
 * and a value's "maximum length is 32768 bytes"
 * (https://cloud.google.com/run/docs/reference/rest/v2/Container#EnvVar).
 */
export const CLOUD_RUN_MAX_ENV_VARS = 1000;
/** See {@link CLOUD_RUN_MAX_ENV_VARS}. */
export const CLOUD_RUN_MAX_ENV_VALUE_BYTES = 32768;

/** The in-memory volume that holds prometheus_client's multiprocess files. */
const MULTIPROC_VOLUME = { name: 'prometheus-multiproc', sizeLimit: '64Mi' } as const;

/** How many startup probes may fail before the instance is restarted: 2 minutes at the readiness period of 5 s. */
const STARTUP_FAILURE_THRESHOLD = 24;

/**
 * The stack as a Cloud Run service: a `serving.knative.dev/v1` Service in the
 * shape `gcloud run services replace` reads, holding only what Cloud Run
 * accepts (one port named http1; no readinessProbe, securityContext or
 * envFrom; only in-memory volumes).
 *
 * @throws an {@link inputError} for what the schema cannot see: a secret variable with
 *   no `cloudrun.secrets` entry, a size Cloud Run has no instance for, a name
 *   too long for a Cloud Run service, more env than Cloud Run takes, a private
 *   backend with no VPC egress
 */
export function cloudRunService(stack: StackConfig, location: Pick<Problem, 'file' | 'document'>): KubeObject {
  const config = stack.cloudrun as CloudRunConfig;
  const mapped = config.secrets ?? {};
  const env = [
    ...Object.entries({ ...plainSettings(stack), PROMETHEUS_MULTIPROC_DIR }).map(([key, value]) => ({ name: key, value })),
    ...secretVariables(stack).map(({ name: key }) => ({
      name: key,
      valueFrom: { secretKeyRef: { name: mapped[key]?.secret, key: mapped[key]?.version } },
    })),
  ];
  const problems = [...serviceProblems(stack, config, location), ...envLimitProblems(stack, env, location), ...vpcProblems(stack, config, location)];
  const { limits } = stack.app.resources;
  const size = cloudRunSize(limits.cpu, limits.memory);
  if (size === undefined) {
    problems.push({
      ...location,
      path: 'app.resources.limits',
      message: `${limits.cpu} CPU and ${limits.memory} is more than a Cloud Run instance has; Cloud Run offers ${CLOUD_RUN_SIZES_TABLE}`,
    });
  }
  if (problems.length || size === undefined) throw inputError(problems);

  const name = appObjectNames(stack.name).deployment;
  const port = stack.app.port;
  const { liveness, readiness } = SEED.app;
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: {
      name,
      // Cloud Run reads the namespace as the project; without one, gcloud's --project decides.
      ...(config.project !== undefined ? { namespace: config.project } : {}),
      // metadata.labels, checked against Cloud Run's label syntax at load: https://cloud.google.com/run/docs/configuring/services/labels
      ...(config.region !== undefined || Object.keys(stack.metadata.labels).length > 0
        ? { labels: { ...stack.metadata.labels, ...(config.region !== undefined ? { 'cloud.googleapis.com/location': config.region } : {}) } }
        : {}),
      annotations: {
        'run.googleapis.com/ingress': config.ingress,
        // Services are private by default: without this, every caller needs roles/run.invoker and anyone else gets 403.
        // The annotation belongs on the Service's metadata: https://cloud.google.com/run/docs/authenticating/public
        ...(config.public ? { 'run.googleapis.com/invoker-iam-disabled': 'true' } : {}),
      },
    },
    spec: {
      template: {
        metadata: {
          annotations: {
            'autoscaling.knative.dev/minScale': String(config.minScale),
            'autoscaling.knative.dev/maxScale': String(config.maxScale),
            'run.googleapis.com/cpu-throttling': String(config.cpuThrottling),
            'run.googleapis.com/execution-environment': config.executionEnvironment,
            // https://cloud.google.com/run/docs/configuring/services/cpu#startup-boost
            'run.googleapis.com/startup-cpu-boost': String(config.startupCpuBoost),
            ...vpcAnnotations(config),
          },
        },
        spec: {
          containerConcurrency: config.concurrency,
          timeoutSeconds: config.timeoutSeconds,
          ...(config.serviceAccount !== undefined ? { serviceAccountName: config.serviceAccount } : {}),
          containers: [
            {
              name: SEED.app.containerName,
              image: config.image ?? stack.image,
              // args replaces the image's CMD (the guide's gunicorn line), keeping any ENTRYPOINT, so the port,
              // workers and timeout reach gunicorn: https://cloud.google.com/run/docs/reference/yaml/v1#container
              args: appProcessCommand(stack),
              // Cloud Run sends requests to this port and sets PORT to it; gunicorn binds the same port through args.
              // https://cloud.google.com/run/docs/container-contract#port
              ports: [{ name: 'http1', containerPort: port }],
              env,
              // The root filesystem is writable (in memory) and the guide's image owns /app and /tmp's sticky bit, so
              // /app/data, /app/logs and ./<env>_data need no volume; prometheus_client needs an empty directory of its own.
              // https://cloud.google.com/run/docs/container-contract#filesystem
              volumeMounts: [{ name: MULTIPROC_VOLUME.name, mountPath: PROMETHEUS_MULTIPROC_DIR }],
              resources: { limits: { cpu: size.cpu, memory: size.memory } },
              // Cloud Run has no readiness probe; traffic starts once the startup probe passes, so it asks /ready.
              startupProbe: {
                httpGet: { path: readiness.path, port },
                initialDelaySeconds: readiness.initialDelaySeconds,
                periodSeconds: readiness.periodSeconds,
                timeoutSeconds: readiness.timeoutSeconds,
                failureThreshold: STARTUP_FAILURE_THRESHOLD,
              },
              livenessProbe: {
                httpGet: { path: liveness.path, port },
                initialDelaySeconds: SEED.cloudrun.liveness.initialDelaySeconds,
                periodSeconds: SEED.cloudrun.liveness.periodSeconds,
                timeoutSeconds: liveness.timeoutSeconds,
                failureThreshold: liveness.failureThreshold,
              },
            },
          ],
          // An in-memory volume (tmpfs) counts against the instance's memory; the limit keeps a runaway from taking all of it.
          // https://cloud.google.com/run/docs/configuring/services/in-memory-volume-mounts
          volumes: [{ name: MULTIPROC_VOLUME.name, emptyDir: { medium: 'Memory', sizeLimit: MULTIPROC_VOLUME.sizeLimit } }],
        },
      },
      traffic: [{ percent: 100, latestRevision: true }],
    },
  };
}

function serviceProblems(stack: StackConfig, config: CloudRunConfig, location: Pick<Problem, 'file' | 'document'>): Problem[] {
  const problems = secretMappingProblems(stack, location, {
    key: 'cloudrun.secrets',
    mapping: config.secrets ?? {},
    covered: false,
    howToMap: (name) => `map it to a Secret Manager secret and version: ${name}: {secret: ${secretIdFor(stack.name, name)}, version: 1}`,
  });
  const name = appObjectNames(stack.name).deployment;
  if (!CLOUD_IDS.cloudRunService.pattern.test(name)) {
    problems.push({ ...location, path: 'name', message: `makes the Cloud Run service ${name}, which must be ${CLOUD_IDS.cloudRunService.help}` });
  }
  const reserved = [...Object.keys(plainSettings(stack)), ...secretVariables(stack).map((v) => v.name)].filter((key) =>
    (RESERVED_ENV as readonly string[]).includes(key),
  );
  for (const key of reserved) {
    const path = key in stack.app.config ? `app.config.${key}` : 'secrets.keys';
    problems.push({ ...location, path, message: `${key} is set by Cloud Run itself, which refuses it in a service's env; remove it` });
  }
  return problems;
}

/** A Secret Manager id a message can suggest for a variable: `saplings-openai-api-key`. */
function secretIdFor(stackName: string, variable: string): string {
  return `${stackName}-${variable.toLowerCase().replace(/_/g, '-')}`;
}

/** The template annotations that send the revision's traffic into a VPC, when the config names one. */
function vpcAnnotations(config: CloudRunConfig): Record<string, string> {
  // Direct VPC egress and connectors, as YAML: https://cloud.google.com/run/docs/configuring/vpc-direct-vpc#yaml
  // and https://cloud.google.com/run/docs/configuring/vpc-connectors#yaml
  if (config.vpcNetwork !== undefined) {
    const { network, subnetwork, tags } = config.vpcNetwork;
    const networkInterface = { ...(network ? { network } : {}), ...(subnetwork ? { subnetwork } : {}), ...(tags?.length ? { tags } : {}) };
    return { 'run.googleapis.com/network-interfaces': JSON.stringify([networkInterface]), 'run.googleapis.com/vpc-access-egress': config.vpcEgress };
  }
  if (config.vpcConnector !== undefined) {
    return { 'run.googleapis.com/vpc-access-connector': config.vpcConnector, 'run.googleapis.com/vpc-access-egress': config.vpcEgress };
  }
  return {};
}

/**
 * A stack whose app reaches a private backend (Memorystore, a database or
 * Qdrant on a private address) with no way into the VPC: Cloud Run needs
 * "either Direct VPC egress or a Serverless VPC Access connector"
 * (https://cloud.google.com/memorystore/docs/redis/connect-redis-instance-cloud-run),
 * or every connection times out.
 */
function vpcProblems(stack: StackConfig, config: CloudRunConfig, location: Pick<Problem, 'file' | 'document'>): Problem[] {
  if (config.vpcNetwork !== undefined || config.vpcConnector !== undefined || config.publicBackends) return [];
  const backends = privateBackendVariables(stack);
  if (backends.length === 0) return [];
  const reads = backends.map((v) => `${v.name} (${v.because})`).join(', ');
  return [
    {
      ...location,
      path: 'cloudrun',
      message: `the app reads ${reads}, and Cloud Run reaches Memorystore or a private address only through a VPC: set cloudrun.vpcNetwork (Direct VPC egress) or cloudrun.vpcConnector (a Serverless VPC Access connector), or cloudrun.publicBackends: true if they are reachable over the internet`,
    },
  ];
}

/** Cloud Run's env limits: the variables of one container, and the bytes of one value (never shown: it may be a secret). */
function envLimitProblems(stack: StackConfig, env: readonly { name: string; value?: string }[], location: Pick<Problem, 'file' | 'document'>): Problem[] {
  const problems: Problem[] = [];
  if (env.length > CLOUD_RUN_MAX_ENV_VARS) {
    problems.push({
      ...location,
      path: 'app.config',
      message: `gives the container ${env.length} environment variables with the app's own settings and secrets; Cloud Run sets "a maximum of ${CLOUD_RUN_MAX_ENV_VARS} environment variables per container": remove ${env.length - CLOUD_RUN_MAX_ENV_VARS}, or move them into a file the app reads`,
    });
  }
  for (const { name, value } of env) {
    const bytes = Buffer.byteLength(value ?? '', 'utf8');
    if (bytes <= CLOUD_RUN_MAX_ENV_VALUE_BYTES) continue;
    problems.push({
      ...location,
      path: name in stack.app.config ? `app.config.${name}` : 'app.config',
      message: `is ${bytes} bytes; for a Cloud Run environment variable's value "the maximum length is ${CLOUD_RUN_MAX_ENV_VALUE_BYTES} bytes": move it into a file or Secret Manager`,
    });
  }
  return problems;
}
