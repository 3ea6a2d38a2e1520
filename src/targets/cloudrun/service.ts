import { InputError, Problem } from '../../config/errors';
import { StackConfig } from '../../config/types';
import { CLOUD_IDS } from '../../conventions/cloud-ids';
import { SEED } from '../../conventions/defaults';
import { KubeObject } from '../../conventions/kube-object';
import { appObjectNames } from '../../conventions/names';
import { plainSettings, secretMappingProblems, secretVariables } from '../managed-app';
import { CLOUD_RUN_SIZES_TABLE, cloudRunSize } from './resources';

/** The Cloud Run settings of a stack that selects the target: the `cloudrun:` block, with its defaults. */
type CloudRunConfig = NonNullable<StackConfig['cloudrun']>;

/** Variables Cloud Run sets itself and refuses in a service's env. */
export const RESERVED_ENV = ['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION'] as const;

/** How many startup probes may fail before the instance is restarted: 2 minutes at the readiness period of 5 s. */
const STARTUP_FAILURE_THRESHOLD = 24;

/**
 * The stack as a Cloud Run service: a `serving.knative.dev/v1` Service in the
 * shape `gcloud run services replace` reads, holding only what Cloud Run
 * accepts (one port named http1; no readinessProbe, securityContext, envFrom
 * or volumes of the cluster).
 *
 * @throws InputError for what the schema cannot see: a secret variable with
 *   no `cloudrun.secrets` entry, a size Cloud Run has no instance for, a name
 *   too long for a Cloud Run service
 */
export function cloudRunService(stack: StackConfig, location: Pick<Problem, 'file' | 'document'>): KubeObject {
  const config = stack.cloudrun as CloudRunConfig;
  const problems = [...serviceProblems(stack, config, location)];
  const { limits } = stack.app.resources;
  const size = cloudRunSize(limits.cpu, limits.memory);
  if (size === undefined) {
    problems.push({
      ...location,
      path: 'app.resources.limits',
      message: `${limits.cpu} CPU and ${limits.memory} is more than a Cloud Run instance has; Cloud Run offers ${CLOUD_RUN_SIZES_TABLE}`,
    });
  }
  if (problems.length || size === undefined) throw new InputError(problems);

  const name = appObjectNames(stack.name).deployment;
  const port = stack.app.port;
  const { liveness, readiness } = SEED.app;
  const mapped = config.secrets ?? {};
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: {
      name,
      // Cloud Run reads the namespace as the project; without one, gcloud's --project decides.
      ...(config.project !== undefined ? { namespace: config.project } : {}),
      ...(config.region !== undefined ? { labels: { 'cloud.googleapis.com/location': config.region } } : {}),
      annotations: { 'run.googleapis.com/ingress': config.ingress },
    },
    spec: {
      template: {
        metadata: {
          annotations: {
            'autoscaling.knative.dev/minScale': String(config.minScale),
            'autoscaling.knative.dev/maxScale': String(config.maxScale),
            'run.googleapis.com/cpu-throttling': String(config.cpuThrottling),
            'run.googleapis.com/execution-environment': config.executionEnvironment,
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
              // Cloud Run sends requests to this port and sets PORT to it.
              ports: [{ name: 'http1', containerPort: port }],
              env: [
                ...Object.entries(plainSettings(stack)).map(([key, value]) => ({ name: key, value })),
                ...secretVariables(stack).map(({ name: key }) => ({
                  name: key,
                  valueFrom: { secretKeyRef: { name: mapped[key].secret, key: mapped[key].version } },
                })),
              ],
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
