import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { validateObjects, runChecks } from '../../../src/checks';
import { FindingsError } from '../../../src/checks/findings';
import { InputError } from '../../../src/config/errors';
import { parseConfigText } from '../../../src/config/load';
import { StackConfig, StackConfigInput } from '../../../src/config/schema';
import { KubeObject } from '../../../src/conventions/kube-object';
import { synthesize } from '../../../src/synth/synthesize';
import { findTarget } from '../../../src/targets';
import { cloudRunTarget } from '../../../src/targets/cloudrun';
import { cloudRunSize } from '../../../src/targets/cloudrun/resources';
import { cloudRunFindings } from '../../../src/targets/cloudrun/rules';
import { cloudRunService } from '../../../src/targets/cloudrun/service';
import { ROOT } from '../../helpers/cli';
import { stackConfig } from '../../helpers/manifests';

const EXAMPLE = 'examples/cloudrun.yaml';
const LOCATION = { file: 'saplings.yaml' };
const OPTIONS = { source: 'saplings.yaml', header: '# header\n', location: LOCATION };

/** Secret mappings for the default stack's keys, pinned. */
const DEFAULT_SECRETS = {
  OPENAI_API_KEY: { secret: 'openai', version: 3 },
  ANTHROPIC_API_KEY: { secret: 'anthropic', version: 2 },
  DATABASE_URL: { secret: 'database-url', version: 1 },
  ENCRYPTION_KEY: { secret: 'encryption', version: 1 },
  REDIS_URL: { secret: 'redis-url', version: 1 },
};

/** A stack for Cloud Run, reaching its private Redis and database through a connector unless `cloudrun` says otherwise. */
function stack(overrides: Partial<StackConfigInput> = {}): StackConfig {
  return stackConfig({ ...overrides, cloudrun: { secrets: DEFAULT_SECRETS, vpcConnector: 'saplings', ...overrides.cloudrun } });
}

/** The problems a stack's rendering is refused with, as `path: message` lines. */
function refusal(config: StackConfig): string[] {
  try {
    cloudRunService(config, LOCATION);
  } catch (err) {
    if (err instanceof InputError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  throw new Error('expected the stack to be refused');
}

function container(service: KubeObject): any {
  return (service as any).spec.template.spec.containers[0];
}

describe('the Cloud Run example', () => {
  const text = fs.readFileSync(path.join(ROOT, EXAMPLE), 'utf8');
  const [config] = parseConfigText(text, EXAMPLE);
  const output = cloudRunTarget.render(config, { ...OPTIONS, source: EXAMPLE });
  const file = output.files[0];
  const service = parseYaml(file.content.slice(OPTIONS.header.length)) as KubeObject;

  test('is one Knative Service in <name>.cloudrun.yaml, after the provenance header', () => {
    expect(output.files.map((f) => f.path)).toStrictEqual(['saplings.cloudrun.yaml']);
    expect(file.content.startsWith('# header\napiVersion: serving.knative.dev/v1\nkind: Service\n')).toBe(true);
    expect(output.checks).toStrictEqual([{ objects: [service], kubernetes: true, file: 'saplings.cloudrun.yaml' }]);
    expect(file.content).toMatchSnapshot();
  });

  test("carries the guide's Cloud Run values", () => {
    expect(service.metadata).toStrictEqual({
      name: 'saplings-app',
      namespace: 'saplings-prod',
      labels: { 'cloud.googleapis.com/location': 'us-central1' },
      // The example is a public API: the invoker IAM check is off, on the Service itself.
      annotations: { 'run.googleapis.com/ingress': 'all', 'run.googleapis.com/invoker-iam-disabled': 'true' },
    });
    const template = (service as any).spec.template;
    expect(template.metadata.annotations).toStrictEqual({
      'autoscaling.knative.dev/minScale': '1',
      'autoscaling.knative.dev/maxScale': '100',
      'run.googleapis.com/cpu-throttling': 'false',
      'run.googleapis.com/execution-environment': 'gen2',
      'run.googleapis.com/startup-cpu-boost': 'true',
      'run.googleapis.com/network-interfaces': '[{"network":"default","subnetwork":"saplings-us-central1"}]',
      'run.googleapis.com/vpc-access-egress': 'private-ranges-only',
    });
    expect(container(service).args).toStrictEqual(['gunicorn', '--bind', '0.0.0.0:8000', '--workers', '4', '--timeout', '120', '--graceful-timeout', '120', 'main:app']);
    expect(template.spec).toMatchObject({ containerConcurrency: 10, timeoutSeconds: 300 });
    expect(container(service).resources).toStrictEqual({ limits: { cpu: '2', memory: '4Gi' } });
    expect(container(service).livenessProbe).toStrictEqual({
      httpGet: { path: '/health', port: 8000 },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    });
    expect(container(service).startupProbe).toMatchObject({ httpGet: { path: '/ready', port: 8000 } });
    expect((service as any).spec.traffic).toStrictEqual([{ percent: 100, latestRevision: true }]);
  });

  test('has only what Cloud Run accepts: one port named http1, no readinessProbe, securityContext or envFrom, one in-memory volume', () => {
    const c = container(service);
    expect(c.ports).toStrictEqual([{ name: 'http1', containerPort: 8000 }]);
    for (const field of ['readinessProbe', 'securityContext', 'envFrom']) expect(c).not.toHaveProperty(field);
    expect(c.volumeMounts).toStrictEqual([{ name: 'prometheus-multiproc', mountPath: '/app/prometheus-multiproc' }]);
    expect((service as any).spec.template.spec.volumes).toStrictEqual([{ name: 'prometheus-multiproc', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }]);
    expect(c.env.map((e: { name: string }) => e.name)).not.toContain('PORT');
  });

  test('takes the ConfigMap values as env, and every secret, REDIS_URL included, from Secret Manager', () => {
    expect(container(service).env).toStrictEqual([
      { name: 'ENVIRONMENT', value: 'production' },
      { name: 'LOG_LEVEL', value: 'INFO' },
      { name: 'GASA_ENABLED', value: 'true' },
      { name: 'MONITORING_ENABLED', value: 'true' },
      { name: 'SELF_HEALING_ENABLED', value: 'true' },
      { name: 'MAX_WORKERS', value: '4' },
      { name: 'TIMEOUT', value: '120' },
      { name: 'PROMETHEUS_MULTIPROC_DIR', value: '/app/prometheus-multiproc' },
      { name: 'OPENAI_API_KEY', valueFrom: { secretKeyRef: { name: 'saplings-openai-api-key', key: '3' } } },
      { name: 'ANTHROPIC_API_KEY', valueFrom: { secretKeyRef: { name: 'saplings-anthropic-api-key', key: '2' } } },
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'saplings-database-url', key: '1' } } },
      { name: 'ENCRYPTION_KEY', valueFrom: { secretKeyRef: { name: 'saplings-encryption-key', key: '1' } } },
      { name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: 'saplings-redis-url', key: '1' } } },
    ]);
  });

  test('passes the Knative CRD, the leak guard and Cloud Run\'s rules; the policy finds no pod template in it', () => {
    expect(runChecks([service], { file: file.path, environment: 'production', kubernetes: true })).toStrictEqual([]);
    expect(cloudRunTarget.check!(output, config)).toStrictEqual([]);
  });

  test('is one of the registered targets, and validate hands it its own files', () => {
    expect(findTarget('cloudrun')).toMatchObject({ name: 'cloudrun', exportName: 'cloudRunTarget' });
    expect(findTarget('cloudrun')!.files!.test(file.path)).toBe(true);
    expect(findTarget('cloudrun')!.files!.test('saplings.k8s.yaml')).toBe(false);
  });

  test('checkFile runs what synth runs on the file: the CRD, then Cloud Run\'s rules; bad YAML is a finding', () => {
    expect(cloudRunTarget.checkFile!(file.path, file.content, 'production')).toStrictEqual([]);
    const probed = parseYaml(file.content);
    probed.spec.template.spec.containers[0].readinessProbe = { httpGet: { path: '/ready' } };
    expect(cloudRunTarget.checkFile!(file.path, JSON.stringify(probed), 'production').map((f) => `${f.path}: ${f.rule}`)).toStrictEqual([
      'spec.template.spec.containers[0].readinessProbe: cloudrun-unsupported-field',
    ]);
    expect(cloudRunTarget.checkFile!(file.path, 'spec: [', 'production').map((f) => f.rule)).toStrictEqual(['yaml-syntax']);
  });

  test('a field the Knative Service does not have is an unknown field', () => {
    const typo = JSON.parse(JSON.stringify(service));
    typo.spec.template.spec.containerConcurency = 10;
    expect(validateObjects([typo]).map((f) => `${f.path}: ${f.rule}`)).toStrictEqual(['spec.template.spec.containerConcurency: unknown-field']);
  });
});

describe('the Cloud Run service of a stack', () => {
  test('leaves the namespace, location, service account and image to gcloud and the top-level image when not given', () => {
    const service = cloudRunService(stack(), LOCATION);
    expect(service.metadata).toStrictEqual({ name: 'saplings-app', annotations: { 'run.googleapis.com/ingress': 'all' } });
    expect((service as any).spec.template.spec).not.toHaveProperty('serviceAccountName');
    expect(container(service).image).toBe('saplings:1.0.0');
  });

  test('takes its knobs from cloudrun:, not from the HPA or gunicorn settings', () => {
    const service = cloudRunService(
      stack({
        cloudrun: { minScale: 0, maxScale: 5, concurrency: 80, timeoutSeconds: 60, cpuThrottling: true, executionEnvironment: 'gen1', ingress: 'internal', secrets: DEFAULT_SECRETS },
        autoscaling: { minReplicas: 2, maxReplicas: 4 },
        app: { timeoutSeconds: 30 },
      }),
      LOCATION,
    );
    expect((service as any).metadata.annotations).toStrictEqual({ 'run.googleapis.com/ingress': 'internal' });
    expect((service as any).spec.template.metadata.annotations).toStrictEqual({
      'autoscaling.knative.dev/minScale': '0',
      'autoscaling.knative.dev/maxScale': '5',
      'run.googleapis.com/cpu-throttling': 'true',
      'run.googleapis.com/execution-environment': 'gen1',
      'run.googleapis.com/startup-cpu-boost': 'true',
      'run.googleapis.com/vpc-access-connector': 'saplings',
      'run.googleapis.com/vpc-access-egress': 'private-ranges-only',
    });
    expect((service as any).spec.template.spec).toMatchObject({ containerConcurrency: 80, timeoutSeconds: 60 });
    expect(container(service).env).toContainEqual({ name: 'TIMEOUT', value: '30' });
  });

  test('with Redis off, REDIS_URL is neither needed nor accepted', () => {
    const { REDIS_URL: _redis, ...withoutRedis } = DEFAULT_SECRETS;
    const service = cloudRunService(stack({ redis: { enabled: false }, cloudrun: { secrets: withoutRedis } }), LOCATION);
    expect(container(service).env.map((e: { name: string }) => e.name)).not.toContain('REDIS_URL');
    expect(refusal(stack({ redis: { enabled: false } }))).toStrictEqual([
      'cloudrun.secrets.REDIS_URL: is not a variable the app reads from a secret; the app reads OPENAI_API_KEY, ANTHROPIC_API_KEY, DATABASE_URL, ENCRYPTION_KEY. Add it to secrets.keys, or remove it',
    ]);
  });

  test('a vector DB adds its connection settings to the secrets: DATABASE_URL for pgvector, QDRANT_URL and QDRANT_API_KEY for qdrant', () => {
    const qdrant = stack({ vectorDb: { enabled: true, engine: 'qdrant' } });
    expect(refusal(qdrant)).toStrictEqual([
      "cloudrun.secrets.QDRANT_URL: is required: the app reads QDRANT_URL from a secret (vectorDb.engine: qdrant); map it to a Secret Manager secret and version: QDRANT_URL: {secret: saplings-qdrant-url, version: 1}",
      "cloudrun.secrets.QDRANT_API_KEY: is required: the app reads QDRANT_API_KEY from a secret (vectorDb.auth); map it to a Secret Manager secret and version: QDRANT_API_KEY: {secret: saplings-qdrant-api-key, version: 1}",
    ]);
    const pgvector = cloudRunService(stack({ vectorDb: { enabled: true, engine: 'pgvector' } }), LOCATION);
    expect(container(pgvector).env).toContainEqual({ name: 'VECTOR_DB_ENGINE', value: 'pgvector' });
    expect(container(pgvector).env).toContainEqual({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'database-url', key: '1' } } });
  });

  test("development's inline secret values never reach the file: the variables are Secret Manager references", () => {
    const value = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD';
    const config = stack({
      environment: 'development',
      secrets: { source: 'inline', keys: ['OPENAI_API_KEY'], values: { OPENAI_API_KEY: value } },
      redis: { enabled: false },
      cloudrun: { secrets: { OPENAI_API_KEY: { secret: 'openai', version: 'latest' } } },
    });
    const output = cloudRunTarget.render(config, OPTIONS);
    expect(output.files[0].content).not.toContain(value);
    expect(container(output.checks[0].objects[0]).env).toContainEqual({ name: 'OPENAI_API_KEY', valueFrom: { secretKeyRef: { name: 'openai', key: 'latest' } } });
  });

  test('a secret key without a mapping is refused, naming the config key that asks for it', () => {
    const { OPENAI_API_KEY: _openai, ...rest } = DEFAULT_SECRETS;
    expect(refusal(stack({ cloudrun: { secrets: { ...rest, OPENAI_APIKEY: { secret: 'openai', version: 1 } } } }))).toStrictEqual([
      'cloudrun.secrets.OPENAI_API_KEY: is required: the app reads OPENAI_API_KEY from a secret (secrets.keys); map it to a Secret Manager secret and version: OPENAI_API_KEY: {secret: saplings-openai-api-key, version: 1}',
      'cloudrun.secrets.OPENAI_APIKEY: is not a variable the app reads from a secret (did you mean OPENAI_API_KEY?); the app reads OPENAI_API_KEY, ANTHROPIC_API_KEY, DATABASE_URL, ENCRYPTION_KEY, REDIS_URL. Add it to secrets.keys, or remove it',
    ]);
  });

  test('a variable that is both a plain setting and a secret, or one Cloud Run sets itself, is refused by the config schema', () => {
    // app.config may not name a variable the tool sets (src/conventions/reserved-env.ts), so these never reach the target.
    expect(() => stack({ app: { config: { DATABASE_URL: 'postgresql://db/app', PORT: '9000' } } })).toThrow(
      /"path": \[\s*"app",\s*"config",\s*"DATABASE_URL"\s*\][\s\S]*is set by saplings-k8s itself[\s\S]*"path": \[\s*"app",\s*"config",\s*"PORT"\s*\][\s\S]*use app\.port instead/,
    );
  });

  test('a name too long for a Cloud Run service is refused', () => {
    const name = 'a'.repeat(47);
    expect(refusal(stack({ name }))).toStrictEqual([
      `name: makes the Cloud Run service ${name}-app, which must be a Cloud Run service name: at most 49 lowercase letters, digits and "-", starting with a letter and not ending with "-"`,
    ]);
  });

  test('limits no Cloud Run instance has are refused with the table of sizes', () => {
    expect(refusal(stack({ app: { resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '16', memory: '8Gi' } } } }))).toStrictEqual([
      'app.resources.limits: 16 CPU and 8Gi is more than a Cloud Run instance has; Cloud Run offers 1 vCPU: 512Mi to 4Gi; 2 vCPU: 512Mi to 8Gi; 4 vCPU: 2Gi to 16Gi; 6 vCPU: 4Gi to 24Gi; 8 vCPU: 4Gi to 32Gi',
    ]);
  });
});

describe('Cloud Run reaching its backends, taking callers and starting', () => {
  const noVpc = (cloudrun: Record<string, unknown> = {}) => stackConfig({ cloudrun: { secrets: DEFAULT_SECRETS, ...cloudrun } });
  const annotations = (service: KubeObject) => (service as any).spec.template.metadata.annotations;

  test('a stack that reads Redis or a database with no VPC egress is refused, naming the keys to set', () => {
    expect(refusal(noVpc())).toStrictEqual([
      'cloudrun: the app reads DATABASE_URL (secrets.keys), REDIS_URL (redis.enabled), and Cloud Run reaches Memorystore or a private address only through a VPC: set cloudrun.vpcNetwork (Direct VPC egress) or cloudrun.vpcConnector (a Serverless VPC Access connector), or cloudrun.publicBackends: true if they are reachable over the internet',
    ]);
    // One with no backend at all needs no VPC.
    const bare = stackConfig({ redis: { enabled: false }, secrets: { keys: ['OPENAI_API_KEY'] }, cloudrun: { secrets: { OPENAI_API_KEY: DEFAULT_SECRETS.OPENAI_API_KEY } } });
    expect(annotations(cloudRunService(bare, LOCATION))).not.toHaveProperty('run.googleapis.com/vpc-access-egress');
  });

  test('Direct VPC egress is the network-interfaces annotation, with the egress setting; publicBackends needs neither', () => {
    const direct = cloudRunService(noVpc({ vpcNetwork: { network: 'prod', subnetwork: 'prod-us', tags: ['saplings'] }, vpcEgress: 'all-traffic' }), LOCATION);
    expect(annotations(direct)).toMatchObject({
      'run.googleapis.com/network-interfaces': '[{"network":"prod","subnetwork":"prod-us","tags":["saplings"]}]',
      'run.googleapis.com/vpc-access-egress': 'all-traffic',
    });
    expect(annotations(direct)).not.toHaveProperty('run.googleapis.com/vpc-access-connector');
    const open = cloudRunService(noVpc({ publicBackends: true }), LOCATION);
    expect(Object.keys(annotations(open)).filter((k) => k.includes('vpc') || k.includes('network'))).toStrictEqual([]);
  });

  test('the service is private unless public: true, which turns the invoker IAM check off on the Service', () => {
    expect(cloudRunService(stack(), LOCATION).metadata.annotations).not.toHaveProperty('run.googleapis.com/invoker-iam-disabled');
    const open = cloudRunService(stack({ cloudrun: { public: true } }), LOCATION);
    expect(open.metadata.annotations).toStrictEqual({ 'run.googleapis.com/ingress': 'all', 'run.googleapis.com/invoker-iam-disabled': 'true' });
    expect(annotations(open)).not.toHaveProperty('run.googleapis.com/invoker-iam-disabled');
  });

  test('startup CPU boost is on unless turned off', () => {
    expect(annotations(cloudRunService(stack({ cloudrun: { startupCpuBoost: false } }), LOCATION))['run.googleapis.com/startup-cpu-boost']).toBe('false');
  });

  test("gunicorn gets app.port, maxWorkers and timeoutSeconds, and app.command replaces the line", () => {
    const service = cloudRunService(stack({ app: { port: 9000, maxWorkers: 3, timeoutSeconds: 45 } }), LOCATION);
    expect(container(service).args).toStrictEqual(['gunicorn', '--bind', '0.0.0.0:9000', '--workers', '3', '--timeout', '45', '--graceful-timeout', '45', 'main:app']);
    expect(container(service).ports).toStrictEqual([{ name: 'http1', containerPort: 9000 }]);
    expect(container(cloudRunService(stack({ app: { command: ['python', 'serve.py'] } }), LOCATION)).args).toStrictEqual(['python', 'serve.py']);
  });

  test("more env than Cloud Run's 1000 per container, or a value over 32768 bytes, is refused without showing the value", () => {
    const many = Object.fromEntries(Array.from({ length: 990 }, (_, i) => [`SETTING_${i}`, 'x']));
    expect(refusal(stack({ app: { config: many } }))).toStrictEqual([
      'app.config: gives the container 1003 environment variables with the app\'s own settings and secrets; Cloud Run sets "a maximum of 1000 environment variables per container": remove 3, or move them into a file the app reads',
    ]);
    const fits = Object.fromEntries(Array.from({ length: 987 }, (_, i) => [`SETTING_${i}`, 'x']));
    expect(container(cloudRunService(stack({ app: { config: fits } }), LOCATION)).env).toHaveLength(1000);
    const big = 'é'.repeat(16385);
    expect(refusal(stack({ app: { config: { PROMPT: big } } }))).toStrictEqual([
      'app.config.PROMPT: is 32770 bytes; for a Cloud Run environment variable\'s value "the maximum length is 32768 bytes": move it into a file or Secret Manager',
    ]);
    expect(() => cloudRunService(stack({ app: { config: { PROMPT: 'é'.repeat(16384) } } }), LOCATION)).not.toThrow();
  });
});

describe('cloudRunSize', () => {
  test.each([
    ['2000m', '4Gi', { cpu: '2', memory: '4Gi' }],
    ['500m', '1Gi', { cpu: '1', memory: '1Gi' }],
    ['1', '6Gi', { cpu: '2', memory: '6Gi' }],
    ['3', '1Gi', { cpu: '4', memory: '2Gi' }],
    ['2', '256Mi', { cpu: '2', memory: '512Mi' }],
    ['8', '32Gi', { cpu: '8', memory: '32Gi' }],
    ['1', '20Gi', { cpu: '6', memory: '20Gi' }],
  ])('rounds %s CPU and %s up to the smallest size Cloud Run has', (cpu, memory, size) => {
    expect(cloudRunSize(cpu, memory)).toStrictEqual(size);
  });

  test.each([
    ['9', '4Gi'],
    ['1', '33Gi'],
  ])('has no size for %s CPU and %s', (cpu, memory) => {
    expect(cloudRunSize(cpu, memory)).toBeUndefined();
  });
});

describe("Cloud Run's rules, as the target checks its output", () => {
  const base = cloudRunService(stack(), LOCATION);
  const findings = (change: (c: any) => void, environment: 'production' | 'staging' = 'production') => {
    const service = JSON.parse(JSON.stringify(base));
    change(container(service));
    return cloudRunFindings(service, 'x.cloudrun.yaml', environment).map((f) => `${f.path}: ${f.rule}`);
  };

  test('find nothing in what the target renders', () => {
    expect(findings(() => undefined)).toStrictEqual([]);
  });

  test('refuse what Cloud Run refuses: a second port, a readinessProbe, a securityContext, a reserved variable, a size it has no instance for', () => {
    expect(
      findings((c) => {
        c.ports.push({ name: 'metrics', containerPort: 9090 });
        c.readinessProbe = { httpGet: { path: '/ready' } };
        c.securityContext = { runAsNonRoot: true };
        c.env.push({ name: 'K_SERVICE', value: 'x' });
        c.resources.limits.cpu = '3';
      }),
    ).toStrictEqual([
      'spec.template.spec.containers[0].ports: cloudrun-port',
      'spec.template.spec.containers[0].readinessProbe: cloudrun-unsupported-field',
      'spec.template.spec.containers[0].securityContext: cloudrun-unsupported-field',
      'spec.template.spec.containers[0].env[13].name: cloudrun-reserved-env',
      'spec.template.spec.containers[0].resources.limits: cloudrun-size',
    ]);
  });

  test("refuse a mount of anything but an in-memory volume, more than 1000 variables, and a value over 32768 bytes", () => {
    expect(findings((c) => c.volumeMounts.push({ name: 'data', mountPath: '/app/data' }))).toStrictEqual([
      'spec.template.spec.containers[0].volumeMounts[1].name: cloudrun-volume',
    ]);
    expect(findings((c) => c.env.push(...Array.from({ length: 1000 - c.env.length + 1 }, (_, i) => ({ name: `V${i}`, value: '' }))))).toStrictEqual([
      'spec.template.spec.containers[0].env: cloudrun-env-limit',
    ]);
    expect(findings((c) => c.env.push({ name: 'BIG', value: 'x'.repeat(32769) }))).toStrictEqual(['spec.template.spec.containers[0].env[13].value: cloudrun-env-limit']);
  });

  test('refuse an unpinned secret version in production only, and a plain variable named like a secret', () => {
    const latest = (c: any) => (c.env[8].valueFrom.secretKeyRef.key = 'latest');
    expect(findings(latest)).toStrictEqual(['spec.template.spec.containers[0].env[8].valueFrom.secretKeyRef.key: cloudrun-secret-version']);
    expect(findings(latest, 'staging')).toStrictEqual([]);
    expect(findings((c) => c.env.push({ name: 'DB_PASSWORD', value: 'hunter2' }))).toStrictEqual([
      'spec.template.spec.containers[0].env[13].value: secret-in-plain-env',
    ]);
  });
});

describe('synth --target cloudrun', () => {
  const synth = (config: StackConfig) => synthesize([config], { source: 'saplings.yaml', targets: [findTarget('cloudrun')!] });

  test('writes one file, checked before it is written', () => {
    expect(synth(stack()).files.map((f) => f.path)).toStrictEqual(['cloudrun/saplings.cloudrun.yaml']);
  });

  test('a credential in a plain setting stops it, without echoing the value', () => {
    const leaky = stack({ app: { config: { OPENAI_KEY_FOR_TOOLS: 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD' } } });
    let error: unknown;
    try {
      synth(leaky);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FindingsError);
    const messages = (error as FindingsError).findings.map((f) => `${f.file}: ${f.rule}: ${f.path}`);
    expect(messages).toContain('cloudrun/saplings.cloudrun.yaml: leak-credential: spec.template.spec.containers[0].env[7].value');
    expect((error as FindingsError).message).not.toContain('sk-proj');
  });

  test('requires cloudrun.secrets, and only when selected', () => {
    expect(() => synthesize([stackConfig()], { source: 'saplings.yaml', targets: [findTarget('cloudrun')!] })).toThrow(
      'saplings.yaml: cloudrun.secrets: is required by --target cloudrun; set it, or leave cloudrun out of --target',
    );
    expect(synthesize([stackConfig()], { source: 'saplings.yaml' }).files.map((f) => f.path)).toStrictEqual(['saplings.k8s.yaml']);
  });
});
