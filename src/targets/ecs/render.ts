import { InputError, Problem } from '../../config/errors';
import { StackConfig } from '../../config/types';
import { SEED } from '../../conventions/defaults';
import { appObjectNames } from '../../conventions/names';
import { plainSettings, secretMappingProblems, secretVariables } from '../managed-app';
import { FARGATE_TABLE, fargateSize } from './fargate';

/** The ECS settings of a stack that selects the target: the `ecs:` block, every required key set. */
type EcsConfig = NonNullable<StackConfig['ecs']>;

/** A RegisterTaskDefinition input and a CreateService input, as plain JSON. */
export interface EcsDocuments {
  readonly taskDefinition: Record<string, unknown>;
  readonly service: Record<string, unknown>;
}

/** Ephemeral task storage for the paths the app writes, since the root filesystem is read-only. */
const WRITABLE_PATHS: readonly { readonly volume: string; readonly path: string }[] = [
  { volume: 'data', path: SEED.app.dataPath },
  { volume: 'logs', path: SEED.app.logsPath },
  // gunicorn keeps worker heartbeat files in the temp directory.
  { volume: 'tmp', path: '/tmp' },
];

/**
 * The stack as an ECS service on Fargate: the task definition (for `aws ecs
 * register-task-definition --cli-input-json`) and the service (for `aws ecs
 * create-service --cli-input-json`), which runs the task definition's latest
 * revision.
 *
 * @throws InputError for what the schema cannot see: a secret variable with
 *   no ARN, limits larger than any Fargate task
 */
export function ecsDocuments(stack: StackConfig, location: Pick<Problem, 'file' | 'document'>): EcsDocuments {
  const config = stack.ecs as EcsConfig;
  const mapped = config.secrets ?? {};
  const problems = secretMappingProblems(stack, location, {
    key: 'ecs.secrets',
    mapping: mapped,
    covered: config.secretsArnPrefix !== undefined,
    howToMap: () => 'set ecs.secretsArnPrefix (each key is appended to it), or give its ARN here',
  });
  const { limits } = stack.app.resources;
  const size = fargateSize(limits.cpu, limits.memory);
  if (size === undefined) {
    problems.push({
      ...location,
      path: 'app.resources.limits',
      message: `${limits.cpu} CPU and ${limits.memory} is more than a Fargate task has; the largest is 16 vCPU and 120 GiB. ${FARGATE_TABLE}`,
    });
  }
  if (problems.length || size === undefined) throw new InputError(problems);

  const names = appObjectNames(stack.name);
  const family = config.family ?? names.deployment;
  const container = SEED.app.containerName;
  const port = stack.app.port;
  const health = SEED.ecs.healthCheck;
  const tags = [
    { key: 'Environment', value: stack.environment },
    { key: 'Application', value: stack.name },
    ...Object.entries(config.tags).map(([key, value]) => ({ key, value })),
  ];
  const taskDefinition = {
    family,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: String(size.cpu),
    memory: String(size.memory),
    executionRoleArn: config.executionRoleArn,
    taskRoleArn: config.taskRoleArn,
    containerDefinitions: [
      {
        name: container,
        image: config.image ?? stack.image,
        essential: true,
        portMappings: [{ containerPort: port, protocol: 'tcp' }],
        environment: Object.entries({ ...plainSettings(stack), PORT: String(port) }).map(([name, value]) => ({ name, value })),
        secrets: secretVariables(stack).map(({ name }) => ({ name, valueFrom: mapped[name] ?? `${config.secretsArnPrefix}${name}` })),
        // The image's non-root user (useradd -r saplings in the guide's Dockerfile).
        user: `${stack.app.runAsUser}:${stack.app.runAsGroup}`,
        readonlyRootFilesystem: true,
        linuxParameters: { capabilities: { drop: ['ALL'] } },
        mountPoints: WRITABLE_PATHS.map((w) => ({ sourceVolume: w.volume, containerPath: w.path, readOnly: false })),
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': config.logGroup ?? `/ecs/${stack.name}`,
            'awslogs-region': config.region,
            'awslogs-stream-prefix': config.logStreamPrefix,
          },
        },
        // The guide's Dockerfile HEALTHCHECK: the runtime image has Python and requests, not curl.
        healthCheck: {
          command: [
            'CMD',
            'python',
            '-c',
            `import sys, requests; sys.exit(0 if requests.get('http://localhost:${port}${SEED.app.liveness.path}', timeout=5).status_code == 200 else 1)`,
          ],
          interval: health.interval,
          timeout: health.timeout,
          retries: health.retries,
          startPeriod: health.startPeriod,
        },
      },
    ],
    volumes: WRITABLE_PATHS.map((w) => ({ name: w.volume })),
    tags,
  };
  const service = {
    cluster: config.cluster,
    serviceName: config.serviceName ?? names.service,
    // The family alone runs its latest ACTIVE revision, the one just registered.
    taskDefinition: family,
    desiredCount: stack.autoscaling.enabled ? stack.autoscaling.minReplicas : stack.app.replicas,
    launchType: 'FARGATE',
    networkConfiguration: {
      awsvpcConfiguration: { subnets: config.subnets, securityGroups: config.securityGroups, assignPublicIp: 'DISABLED' },
    },
    loadBalancers: [{ targetGroupArn: config.targetGroupArn, containerName: container, containerPort: port }],
    // The load balancer's failed health checks are ignored while the app starts, as the container's are.
    healthCheckGracePeriodSeconds: health.startPeriod,
    // As the Deployment's RollingUpdate (maxSurge 1, maxUnavailable 0): never below the desired count.
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: true, rollback: true },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
    tags,
    propagateTags: 'SERVICE',
  };
  return { taskDefinition, service };
}
