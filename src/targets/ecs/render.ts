import { Problem, inputError } from '../../config/errors';
import { StackConfig } from '../../config/types';
import { SEED } from '../../conventions/defaults';
import { appObjectNames } from '../../conventions/names';
import { PROMETHEUS_MULTIPROC_DIR, requestTimeoutSeconds } from '../../conventions/app-process';
import { appProcessCommand, appWritablePaths, plainSettings, secretMappingProblems, secretVariables } from '../managed-app';
import { FARGATE_MAX_STOP_TIMEOUT, FARGATE_TABLE, fargateSize } from './fargate';

/** The ECS settings of a stack that selects the target: the `ecs:` block, every required key set. */
type EcsConfig = NonNullable<StackConfig['ecs']>;

/** A RegisterTaskDefinition input and a CreateService input, as plain JSON. */
export interface EcsDocuments {
  readonly taskDefinition: Record<string, unknown>;
  readonly service: Record<string, unknown>;
}

/** The container that hands the task's scratch volumes to the app's user before the app starts. */
export const VOLUME_PERMISSIONS_CONTAINER = 'volume-permissions';

/**
 * Docker's default capabilities, less CHOWN: the init container drops them
 * all but the one chown needs. Fargate lets a task drop any of them and add
 * none but SYS_PTRACE.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_KernelCapabilities.html
 */
const ALL_DEFAULT_CAPABILITIES_BUT_CHOWN = [
  'AUDIT_WRITE', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'NET_RAW', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
];

/**
 * The stack as an ECS service on Fargate: the task definition (for `aws ecs
 * register-task-definition --cli-input-json`) and the service (for `aws ecs
 * create-service --cli-input-json`), which runs the task definition's latest
 * revision.
 *
 * @throws an {@link inputError} for what the schema cannot see: a secret variable with
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
  if (problems.length || size === undefined) throw inputError(problems);

  const names = appObjectNames(stack.name);
  const family = config.family ?? names.deployment;
  const container = SEED.app.containerName;
  const port = stack.app.port;
  const health = SEED.ecs.healthCheck;
  const writable = appWritablePaths(stack);
  const mountPoints = writable.map((w) => ({ sourceVolume: w.volume, containerPath: w.path, readOnly: false }));
  // Each container's stream is prefix/container-name/task-id, so both share the settings.
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
  const logConfiguration = {
    logDriver: 'awslogs',
    options: {
      'awslogs-group': config.logGroup ?? `/ecs/${stack.name}`,
      'awslogs-region': config.region,
      'awslogs-stream-prefix': config.logStreamPrefix,
    },
  };
  const tags = [
    { key: 'Environment', value: stack.environment },
    { key: 'Application', value: stack.name },
    ...Object.entries(config.tags).map(([key, value]) => ({ key, value })),
    // metadata.labels are tags too; the config refuses a key ecs.tags has, and more than 50 tags in all:
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-using-tags.html#tag-restrictions
    ...Object.entries(stack.metadata.labels).map(([key, value]) => ({ key, value })),
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
        dependsOn: [{ containerName: VOLUME_PERMISSIONS_CONTAINER, condition: 'SUCCESS' }],
        // command replaces the image's CMD (the guide's gunicorn line) so the port, workers and timeout reach gunicorn.
        // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_environment
        command: appProcessCommand(stack),
        portMappings: [{ containerPort: port, protocol: 'tcp' }],
        environment: Object.entries({ ...plainSettings(stack), PORT: String(port), PROMETHEUS_MULTIPROC_DIR }).map(([name, value]) => ({ name, value })),
        secrets: secretVariables(stack).map(({ name }) => ({ name, valueFrom: mapped[name] ?? `${config.secretsArnPrefix}${name}` })),
        // The image's non-root user (useradd -r saplings in the guide's Dockerfile).
        user: `${stack.app.runAsUser}:${stack.app.runAsGroup}`,
        readonlyRootFilesystem: true,
        linuxParameters: { capabilities: { drop: ['ALL'] } },
        mountPoints,
        logConfiguration,
        // gunicorn's graceful timeout is the request timeout; Fargate waits at most 120 s after SIGTERM. A task the
        // service replaces is first drained by the target group (its deregistration delay, 300 s by default) before
        // ECS sends SIGTERM, so requests end there; this covers a stop without draining, up to Fargate's ceiling.
        // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-connection-draining.html
        stopTimeout: Math.min(FARGATE_MAX_STOP_TIMEOUT, requestTimeoutSeconds(stack.environment, stack.app)),
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
      // On Fargate a bind volume (a volume with no host) starts as an empty directory owned by root, mode 0755: the
      // image's content is copied in only where it declares a VOLUME, and the guide's declares none
      // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html, aws/containers-roadmap#938).
      // Fargate has no tmpfs (linuxParameters.tmpfs "is not supported for tasks using the Fargate launch type":
      // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinuxParameters.html). So this short root
      // container, from the app's own image, chowns each volume to the app's user and exits; the app starts only
      // once it exited 0 (dependsOn SUCCESS; a non-essential container may exit without stopping the task:
      // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html).
      {
        name: VOLUME_PERMISSIONS_CONTAINER,
        image: config.image ?? stack.image,
        essential: false,
        user: '0',
        command: ['chown', `${stack.app.runAsUser}:${stack.app.runAsGroup}`, ...writable.map((w) => w.path)],
        readonlyRootFilesystem: true,
        linuxParameters: { capabilities: { drop: ALL_DEFAULT_CAPABILITIES_BUT_CHOWN } },
        mountPoints,
        logConfiguration,
      },
    ],
    volumes: writable.map((w) => ({ name: w.volume })),
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
