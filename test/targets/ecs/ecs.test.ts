import * as fs from 'node:fs';
import * as path from 'node:path';
import { FindingsError } from '../../../src/checks/findings';
import { InputError } from '../../../src/config/errors';
import { parseConfigText } from '../../../src/config/load';
import { StackConfig, StackConfigInput } from '../../../src/config/schema';
import { synthesize } from '../../../src/synth/synthesize';
import { findTarget, targetForFile } from '../../../src/targets';
import { ecsTarget } from '../../../src/targets/ecs';
import { FARGATE_TABLE, fargateSize, isFargateSize } from '../../../src/targets/ecs/fargate';
import { ecsDocuments } from '../../../src/targets/ecs/render';
import { ROOT, runMain, snapshotDir, tempDir } from '../../helpers/cli';
import { stackConfig } from '../../helpers/manifests';

const EXAMPLE = 'examples/ecs.yaml';
const LOCATION = { file: 'saplings.yaml' };
const OPTIONS = { source: 'saplings.yaml', header: '# header\n', location: LOCATION };

/** Every key the ECS target requires, for a stack in us-west-2. */
const ECS = {
  cluster: 'saplings-cluster',
  region: 'us-west-2',
  executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
  taskRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskRole',
  subnets: ['subnet-0123456789abcdef0'],
  securityGroups: ['sg-0123456789abcdef0'],
  targetGroupArn: 'arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/saplings/0123456789abcdef',
  secretsArnPrefix: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:saplings/',
};

function stack(overrides: Partial<StackConfigInput> = {}, ecs: Record<string, unknown> = {}): StackConfig {
  return stackConfig({ ecs: { ...ECS, ...ecs }, ...overrides });
}

/** The problems a stack's rendering is refused with, as `path: message` lines. */
function refusal(config: StackConfig): string[] {
  try {
    ecsDocuments(config, LOCATION);
  } catch (err) {
    if (err instanceof InputError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  throw new Error('expected the stack to be refused');
}

describe('the ECS example', () => {
  const [config] = parseConfigText(fs.readFileSync(path.join(ROOT, EXAMPLE), 'utf8'), EXAMPLE);
  const output = ecsTarget.render(config, { ...OPTIONS, source: EXAMPLE });
  const [taskFile, serviceFile] = output.files;
  const task = JSON.parse(taskFile.content);
  const service = JSON.parse(serviceFile.content);
  const container = task.containerDefinitions[0];

  test('is a task definition and a service, as JSON without a header (the manifest of generated files records them)', () => {
    expect(output.files.map((f) => f.path)).toStrictEqual(['saplings.ecs-task-definition.json', 'saplings.ecs-service.json']);
    for (const file of output.files) expect(file.content.startsWith('{\n')).toBe(true);
    expect(output.checks.map((c) => [c.objects[0].kind, c.objects[0].metadata.name, c.kubernetes, c.file])).toStrictEqual([
      ['EcsTaskDefinition', 'saplings-app', false, 'saplings.ecs-task-definition.json'],
      ['EcsService', 'saplings-service', false, 'saplings.ecs-service.json'],
    ]);
    expect(taskFile.content).toMatchSnapshot();
    expect(serviceFile.content).toMatchSnapshot();
  });

  test("is the guide's Fargate task: awsvpc, 2048 CPU units and 4096 MiB from the app's limits, its roles", () => {
    expect(task).toMatchObject({
      family: 'saplings-app',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '2048',
      memory: '4096',
      executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
      taskRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskRole',
    });
  });

  test("runs the guide's container: port, settings as environment, secrets as ARNs, awslogs, health check", () => {
    expect(container).toMatchObject({
      name: 'saplings',
      image: '123456789012.dkr.ecr.us-west-2.amazonaws.com/saplings:1.0.0',
      essential: true,
      portMappings: [{ containerPort: 8000, protocol: 'tcp' }],
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': '/ecs/saplings', 'awslogs-region': 'us-west-2', 'awslogs-stream-prefix': 'ecs' },
      },
    });
    expect(container.environment).toStrictEqual(
      [
        ['ENVIRONMENT', 'production'],
        ['LOG_LEVEL', 'INFO'],
        ['GASA_ENABLED', 'true'],
        ['MONITORING_ENABLED', 'true'],
        ['SELF_HEALING_ENABLED', 'true'],
        ['MAX_WORKERS', '4'],
        ['TIMEOUT', '120'],
        ['PORT', '8000'],
        ['PROMETHEUS_MULTIPROC_DIR', '/app/prometheus-multiproc'],
      ].map(([name, value]) => ({ name, value })),
    );
    const prefix = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:saplings/prod/';
    expect(container.secrets).toStrictEqual(
      ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'DATABASE_URL', 'ENCRYPTION_KEY', 'REDIS_URL'].map((name) => ({ name, valueFrom: prefix + name })),
    );
    // The guide's timings, with its Dockerfile's Python check: the runtime image has no curl.
    expect(container.healthCheck).toStrictEqual({
      command: [
        'CMD',
        'python',
        '-c',
        "import sys, requests; sys.exit(0 if requests.get('http://localhost:8000/health', timeout=5).status_code == 200 else 1)",
      ],
      interval: 30,
      timeout: 5,
      retries: 3,
      startPeriod: 30,
    });
  });

  test('runs as the non-root user on a read-only root filesystem, with task storage where the app writes', () => {
    expect(container).toMatchObject({ user: '999:999', readonlyRootFilesystem: true, linuxParameters: { capabilities: { drop: ['ALL'] } } });
    const paths = ['/app/data', '/app/logs', '/tmp', '/app/prometheus-multiproc'];
    expect(container.mountPoints.map((m: { containerPath: string }) => m.containerPath)).toStrictEqual(paths);
    expect(task.volumes).toStrictEqual([{ name: 'data' }, { name: 'logs' }, { name: 'tmp' }, { name: 'prometheus-multiproc' }]);
  });

  test('hands the empty, root-owned Fargate volumes to the app user first, from a root container the app waits for', () => {
    const init = task.containerDefinitions[1];
    expect(init).toStrictEqual({
      name: 'volume-permissions',
      image: container.image,
      essential: false,
      user: '0',
      command: ['chown', '999:999', '/app/data', '/app/logs', '/tmp', '/app/prometheus-multiproc'],
      readonlyRootFilesystem: true,
      linuxParameters: { capabilities: { drop: expect.not.arrayContaining(['CHOWN', 'ALL']) } },
      mountPoints: container.mountPoints,
      logConfiguration: container.logConfiguration,
    });
    expect(container.dependsOn).toStrictEqual([{ containerName: 'volume-permissions', condition: 'SUCCESS' }]);
  });

  test("starts gunicorn with the stack's port, workers and timeout, and waits for it on stop up to Fargate's 120 s", () => {
    expect(container.command).toStrictEqual(['gunicorn', '--bind', '0.0.0.0:8000', '--workers', '4', '--timeout', '120', '--graceful-timeout', '120', 'main:app']);
    expect(container.stopTimeout).toBe(120);
    const { taskDefinition } = ecsDocuments(stack({ app: { port: 9000, maxWorkers: 2, timeoutSeconds: 30 } }), LOCATION);
    const app = (taskDefinition as any).containerDefinitions[0];
    expect(app.command).toStrictEqual(['gunicorn', '--bind', '0.0.0.0:9000', '--workers', '2', '--timeout', '30', '--graceful-timeout', '30', 'main:app']);
    expect(app.stopTimeout).toBe(30);
    const long = ecsDocuments(stack({ app: { timeoutSeconds: 600, command: ['uvicorn', 'main:app'] } }), LOCATION).taskDefinition as any;
    expect(long.containerDefinitions[0]).toMatchObject({ command: ['uvicorn', 'main:app'], stopTimeout: 120 });
  });

  test("is the guide's service: 3 tasks, Fargate, private subnets, the target group, tags, a circuit breaker that rolls back", () => {
    expect(service).toStrictEqual({
      cluster: 'saplings-cluster',
      serviceName: 'saplings-service',
      taskDefinition: 'saplings-app',
      desiredCount: 3,
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
          securityGroups: ['sg-0123456789abcdef0'],
          assignPublicIp: 'DISABLED',
        },
      },
      loadBalancers: [
        {
          targetGroupArn: 'arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/saplings/0123456789abcdef',
          containerName: 'saplings',
          containerPort: 8000,
        },
      ],
      healthCheckGracePeriodSeconds: 30,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, maximumPercent: 200, minimumHealthyPercent: 100 },
      tags: [
        { key: 'Environment', value: 'production' },
        { key: 'Application', value: 'saplings' },
      ],
      propagateTags: 'SERVICE',
    });
  });

  test("passes the target's own checks, on its output and as files validate reads", () => {
    expect(ecsTarget.check!(output, config)).toStrictEqual([]);
    expect(targetForFile(taskFile.path)).toBe(ecsTarget);
    expect(targetForFile(serviceFile.path)).toBe(ecsTarget);
    expect(ecsTarget.checkFile!(taskFile.path, taskFile.content, 'production')).toStrictEqual([]);
    expect(ecsTarget.checkFile!(serviceFile.path, serviceFile.content, 'production')).toStrictEqual([]);
  });
});

describe('the ECS documents of a stack', () => {
  test('take per-key ARNs over the prefix, and need no prefix when every key has one', () => {
    const arn = 'arn:aws:ssm:us-west-2:123456789012:parameter/saplings/openai';
    const { taskDefinition } = ecsDocuments(stack({}, { secrets: { OPENAI_API_KEY: arn } }), LOCATION);
    expect((taskDefinition as any).containerDefinitions[0].secrets[0]).toStrictEqual({ name: 'OPENAI_API_KEY', valueFrom: arn });
    const perKey = Object.fromEntries(['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'DATABASE_URL', 'ENCRYPTION_KEY'].map((k) => [k, `${ECS.secretsArnPrefix}${k}`]));
    expect(() => ecsDocuments(stack({ redis: { enabled: false } }, { secretsArnPrefix: undefined, secrets: perKey }), LOCATION)).not.toThrow();
  });

  test("development's inline secret values never reach the files: the variables are ARNs", () => {
    const value = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD';
    const config = stack({ environment: 'development', secrets: { source: 'inline', keys: ['OPENAI_API_KEY'], values: { OPENAI_API_KEY: value } } });
    const output = ecsTarget.render(config, OPTIONS);
    for (const file of output.files) expect(file.content).not.toContain(value);
    expect(JSON.parse(output.files[0].content).containerDefinitions[0].secrets[0]).toStrictEqual({ name: 'OPENAI_API_KEY', valueFrom: `${ECS.secretsArnPrefix}OPENAI_API_KEY` });
  });

  test('a secret with no ARN is refused, naming the config key that asks for it', () => {
    expect(refusal(stack({ vectorDb: { enabled: true, engine: 'pgvector' } }, { secretsArnPrefix: undefined, secrets: { OPENAI_API_KEY: `${ECS.secretsArnPrefix}x` } }))).toStrictEqual(
      ['ANTHROPIC_API_KEY (secrets.keys)', 'DATABASE_URL (secrets.keys)', 'ENCRYPTION_KEY (secrets.keys)', 'REDIS_URL (redis.enabled)'].map((what) => {
        const [name, because] = what.split(' ');
        return `ecs.secrets.${name}: is required: the app reads ${name} from a secret ${because}; set ecs.secretsArnPrefix (each key is appended to it), or give its ARN here`;
      }),
    );
  });

  test('desiredCount is the HPA floor, or the fixed replica count without autoscaling', () => {
    expect(ecsDocuments(stack({ autoscaling: { minReplicas: 5, maxReplicas: 9 } }), LOCATION).service.desiredCount).toBe(5);
    expect(ecsDocuments(stack({ autoscaling: { enabled: false }, app: { replicas: 2 } }), LOCATION).service.desiredCount).toBe(2);
  });

  test('the most tags the config takes make 50 unique keys on the task definition and the service, as ECS allows', () => {
    const tags = Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`T${i}`, 'v']));
    const { taskDefinition, service } = ecsDocuments(stack({}, { tags }), LOCATION);
    for (const document of [taskDefinition, service] as any[]) {
      const keys = document.tags.map((t: { key: string }) => t.key);
      expect(keys).toHaveLength(50);
      expect(new Set(keys).size).toBe(50);
    }
  });

  test('names, log group, stream prefix and tags come from ecs: when given', () => {
    const { taskDefinition, service } = ecsDocuments(
      stack({}, { family: 'agents', serviceName: 'agents-svc', logGroup: '/team/agents', logStreamPrefix: 'web', tags: { CostCenter: 'ai' } }),
      LOCATION,
    );
    expect(taskDefinition.family).toBe('agents');
    expect(service).toMatchObject({ serviceName: 'agents-svc', taskDefinition: 'agents' });
    expect((taskDefinition as any).containerDefinitions[0].logConfiguration.options).toStrictEqual({
      'awslogs-group': '/team/agents',
      'awslogs-region': 'us-west-2',
      'awslogs-stream-prefix': 'web',
    });
    expect(service.tags).toStrictEqual([
      { key: 'Environment', value: 'production' },
      { key: 'Application', value: 'saplings' },
      { key: 'CostCenter', value: 'ai' },
    ]);
  });

  test('limits larger than any Fargate task are refused with the table', () => {
    expect(refusal(stack({ app: { resources: { limits: { cpu: '32', memory: '64Gi' } } } }))).toStrictEqual([
      `app.resources.limits: 32 CPU and 64Gi is more than a Fargate task has; the largest is 16 vCPU and 120 GiB. ${FARGATE_TABLE}`,
    ]);
    expect(FARGATE_TABLE).toBe(
      'Fargate task sizes (CPU units: memory): 256 (.25 vCPU): 512 MiB, 1 GiB or 2 GiB; 512 (.5 vCPU): 1 to 4 GiB in 1 GiB steps; ' +
        '1024 (1 vCPU): 2 to 8 GiB in 1 GiB steps; 2048 (2 vCPU): 4 to 16 GiB in 1 GiB steps; 4096 (4 vCPU): 8 to 30 GiB in 1 GiB steps; ' +
        '8192 (8 vCPU): 16 to 60 GiB in 4 GiB steps; 16384 (16 vCPU): 32 to 120 GiB in 8 GiB steps',
    );
  });
});

describe('fargateSize', () => {
  test.each([
    ['2000m', '4Gi', { cpu: 2048, memory: 4096 }],
    ['250m', '512Mi', { cpu: 256, memory: 512 }],
    ['250m', '600Mi', { cpu: 256, memory: 1024 }],
    ['100m', '3Gi', { cpu: 512, memory: 3072 }],
    ['1', '16Gi', { cpu: 2048, memory: 16384 }],
    ['2', '4500Mi', { cpu: 2048, memory: 5120 }],
    ['4', '31Gi', { cpu: 8192, memory: 32768 }],
    ['4', '4G', { cpu: 4096, memory: 8192 }],
    ['9', '1Gi', { cpu: 16384, memory: 32768 }],
    ['16', '120Gi', { cpu: 16384, memory: 122880 }],
  ])('rounds %s CPU and %s up to the smallest valid pair', (cpu, memory, size) => {
    expect(fargateSize(cpu, memory)).toStrictEqual(size);
  });

  test.each([
    ['17', '32Gi'],
    ['16', '121Gi'],
  ])('has no pair for %s CPU and %s', (cpu, memory) => {
    expect(fargateSize(cpu, memory)).toBeUndefined();
  });

  test('isFargateSize reads units and MiB, or ECS\'s "1 vCPU" and "2 GB"', () => {
    expect(isFargateSize('2048', '4096')).toBe(true);
    expect(isFargateSize(1024, 2048)).toBe(true);
    expect(isFargateSize('1 vCPU', '2 GB')).toBe(true);
    expect(isFargateSize('2048', '3072')).toBe(false);
    expect(isFargateSize('8192', '18432')).toBe(false);
    expect(isFargateSize('', '')).toBe(false);
  });
});

describe('checkFile, as validate runs it on ECS files', () => {
  const { taskDefinition, service } = ecsDocuments(stack(), LOCATION);
  const check = (file: string, document: unknown, environment: 'production' | 'development' = 'production') =>
    ecsTarget.checkFile!(file, JSON.stringify(document), environment).map((f) => `${f.object}: ${f.path}: ${f.rule}`);
  const changed = (document: Record<string, unknown>, change: (d: any) => void) => {
    const copy = JSON.parse(JSON.stringify(document));
    change(copy);
    return copy;
  };

  test('refuses a file that is not a JSON object', () => {
    expect(ecsTarget.checkFile!('x.ecs-service.json', '{"cluster": ', undefined).map((f) => f.rule)).toStrictEqual(['ecs-syntax']);
    expect(ecsTarget.checkFile!('x.ecs-service.json', '[]', undefined).map((f) => f.message)).toStrictEqual(['must be a JSON object: an ECS request input']);
  });

  test('refuses ARNs and ids of the wrong shape, and a Fargate size that does not exist', () => {
    const task = changed(taskDefinition, (d) => {
      d.executionRoleArn = 'arn:aws:iam::account:role/ecsTaskExecutionRole';
      d.memory = '3072';
      d.containerDefinitions[0].secrets[0].valueFrom = 'arn:aws:secretsmanager:region:account:secret:saplings/openai-key';
      d.containerDefinitions[0].logConfiguration.options['awslogs-region'] = 'us-west';
    });
    expect(check('web.ecs-task-definition.json', task)).toStrictEqual([
      'EcsTaskDefinition/saplings-app: executionRoleArn: ecs-id-shape',
      'EcsTaskDefinition/saplings-app: cpu: ecs-fargate-size',
      'EcsTaskDefinition/saplings-app: containerDefinitions[0].secrets[0].valueFrom: ecs-id-shape',
      'EcsTaskDefinition/saplings-app: containerDefinitions[0].logConfiguration.options["awslogs-region"]: ecs-id-shape',
    ]);
    const svc = changed(service, (d) => {
      d.cluster = 'arn:aws:ecs:eu-west-1:123456789012:cluster/saplings';
      d.networkConfiguration.awsvpcConfiguration.subnets = ['subnet-12345'];
      d.networkConfiguration.awsvpcConfiguration.securityGroups = ['sg-abcdef'];
    });
    expect(check('web.ecs-service.json', svc)).toStrictEqual([
      'EcsService/saplings-service: loadBalancers[0].targetGroupArn: ecs-region',
      'EcsService/saplings-service: networkConfiguration.awsvpcConfiguration.subnets[0]: ecs-id-shape',
      'EcsService/saplings-service: networkConfiguration.awsvpcConfiguration.securityGroups[0]: ecs-id-shape',
    ]);
  });

  test("refuses a stop timeout over Fargate's 120 s, more than 50 tags, a tag key twice, and aws: in any case", () => {
    const task = changed(taskDefinition, (d) => {
      d.containerDefinitions[0].stopTimeout = 300;
      d.tags.push({ key: 'Environment', value: 'x' }, { key: 'AWS:team', value: 'a' }, { key: 'Owner', value: 'Aws:me' });
    });
    expect(check('web.ecs-task-definition.json', task)).toStrictEqual([
      'EcsTaskDefinition/saplings-app: containerDefinitions[0].stopTimeout: ecs-stop-timeout',
      'EcsTaskDefinition/saplings-app: tags[2].key: ecs-tags',
      'EcsTaskDefinition/saplings-app: tags[3].key: ecs-tags',
      'EcsTaskDefinition/saplings-app: tags[4].value: ecs-tags',
    ]);
    const svc = changed(service, (d) => d.tags.push(...Array.from({ length: 49 }, (_, i) => ({ key: `T${i}`, value: 'v' }))));
    expect(check('web.ecs-service.json', svc)).toStrictEqual(['EcsService/saplings-service: tags: ecs-tags']);
  });

  test('the leak guard reads the files too, outside development; a plain variable named like a secret is refused', () => {
    const leaky = changed(taskDefinition, (d) => {
      d.containerDefinitions[0].environment.push({ name: 'HELPER', value: 'AKIAIOSFODNN7EXAMPLE' });
      d.containerDefinitions[0].environment.push({ name: 'DB_PASSWORD', value: 'x' });
    });
    expect(check('web.ecs-task-definition.json', leaky)).toStrictEqual([
      'EcsTaskDefinition/saplings-app: containerDefinitions[0].environment[9].value: leak-credential',
      'EcsTaskDefinition/saplings-app: containerDefinitions[0].environment[10].value: secret-in-plain-env',
    ]);
    expect(check('web.ecs-task-definition.json', leaky, 'development')).toStrictEqual([
      'EcsTaskDefinition/saplings-app: containerDefinitions[0].environment[10].value: secret-in-plain-env',
    ]);
  });
});

describe('synth --target ecs', () => {
  const targets = [findTarget('ecs')!];

  test('names every key it requires that a stack lacks, and only when selected', () => {
    const config = stackConfig({ ecs: { cluster: 'saplings-cluster' } });
    expect(() => synthesize([config], { source: 'saplings.yaml', targets })).toThrow(
      ['region', 'executionRoleArn', 'taskRoleArn', 'subnets', 'securityGroups', 'targetGroupArn']
        .map((key) => `saplings.yaml: ecs.${key}: is required by --target ecs; set it, or leave ecs out of --target`)
        .join('\n'),
    );
    expect(synthesize([config], { source: 'saplings.yaml' }).files.map((f) => f.path)).toStrictEqual(['saplings.k8s.yaml']);
  });

  test('a credential in app.config stops it before anything is written, without echoing the value', () => {
    let error: unknown;
    try {
      synthesize([stack({ app: { config: { HELPER: 'AKIAIOSFODNN7EXAMPLE' } } })], { source: 'saplings.yaml', targets });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FindingsError);
    expect((error as FindingsError).findings.map((f) => `${f.file}: ${f.object}: ${f.path}: ${f.rule}`)).toStrictEqual([
      'ecs/saplings.ecs-task-definition.json: EcsTaskDefinition/saplings-app: containerDefinitions[0].environment[7].value: leak-credential',
    ]);
    expect((error as FindingsError).message).not.toContain('AKIA');
  });
});

describe('the CLI with both cloud examples', () => {
  test('synth --target writes them, and validate checks them, each file by its own target', async () => {
    const cwd = tempDir('saplings-clouds-');
    for (const [example, target] of [['ecs', 'ecs'], ['cloudrun', 'cloudrun']]) {
      const run = await runMain(['synth', '-c', path.join(ROOT, `examples/${example}.yaml`), '--target', target, '--out', 'out'], cwd);
      expect(run.status).toBe(0);
    }
    expect(Object.keys(snapshotDir(path.join(cwd, 'out'))).sort()).toStrictEqual([
      '.saplings-k8s-files',
      'cloudrun/saplings.cloudrun.yaml',
      'ecs/saplings.ecs-service.json',
      'ecs/saplings.ecs-task-definition.json',
    ]);
    expect(await runMain(['validate', 'out'], cwd)).toStrictEqual({ status: 0, stdout: '', stderr: '3 objects checked: 0 errors, 0 other findings\n' });

    const taskFile = path.join(cwd, 'out', 'ecs', 'saplings.ecs-task-definition.json');
    fs.writeFileSync(taskFile, fs.readFileSync(taskFile, 'utf8').replace('"cpu": "2048"', '"cpu": "3000"'));
    const run = await runMain(['validate', 'out'], cwd);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('out/ecs/saplings.ecs-task-definition.json: EcsTaskDefinition/saplings-app: cpu: error: cpu 3000 with memory 4096 is not a size Fargate runs.');

    const serviceFile = path.join(cwd, 'out', 'cloudrun', 'saplings.cloudrun.yaml');
    fs.writeFileSync(serviceFile, fs.readFileSync(serviceFile, 'utf8').replace(/key: "?1"?$/m, 'key: latest'));
    expect((await runMain(['validate', 'out/cloudrun'], cwd)).stdout).toMatch(/^out\/cloudrun\/saplings\.cloudrun\.yaml: Service\/saplings-app: spec\.template\.spec\.containers\[0\]\.env\[\d+\]\.valueFrom\.secretKeyRef\.key: error: \w+ reads version latest; .* \[cloudrun-secret-version\]$/m);
  });
});
