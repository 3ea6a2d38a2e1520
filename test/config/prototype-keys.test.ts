import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { parseConfigText } from '../../src/config/load';
import { runMain, tempDir } from '../helpers/cli';

/*
 * Names Object.prototype has are valid env var names like any other: each
 * reaches every target's output with its value (issue 20, item 6).
 */

const NAMES = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'];
const CONFIG = `name: demo
environment: staging
image: saplings:1.0.0
ingress: { host: demo.example.com }
app:
  config:
${NAMES.map((name) => `    ${name}: value-of-${name}`).join('\n')}
cloudrun:
  # Memorystore and the database are private: Cloud Run reaches them through the VPC.
  vpcNetwork: { network: default }
  secrets:
${['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'DATABASE_URL', 'ENCRYPTION_KEY', 'REDIS_URL'].map((k) => `    ${k}: { secret: s-${k.toLowerCase().replace(/_/g, '-')}, version: 1 }`).join('\n')}
ecs:
  cluster: saplings-cluster
  region: us-west-2
  executionRoleArn: arn:aws:iam::123456789012:role/ecsTaskExecutionRole
  taskRoleArn: arn:aws:iam::123456789012:role/ecsTaskRole
  subnets: [subnet-0123456789abcdef0]
  securityGroups: [sg-0123456789abcdef0]
  targetGroupArn: arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/saplings/0123456789abcdef
  secretsArnPrefix: "arn:aws:secretsmanager:us-west-2:123456789012:secret:saplings/"
`;

const expected = Object.fromEntries(NAMES.map((name) => [name, `value-of-${name}`]));

/** The entries of `env` whose names are in NAMES, as a map that holds `__proto__` as an own key. */
function picked(pairs: Iterable<[string, unknown]>): Record<string, unknown> {
  return Object.fromEntries([...pairs].filter(([name]) => NAMES.includes(name)));
}

const ownEntries = (map: object) => Object.keys(map).map((k) => [k, Object.getOwnPropertyDescriptor(map, k)!.value] as [string, unknown]);

describe('env var names that Object.prototype has', () => {
  it('are kept by the config loader, as own keys', () => {
    const [stack] = parseConfigText(CONFIG, 'saplings.yaml');
    expect(picked(ownEntries(stack.app.config))).toStrictEqual(expected);
  });

  it('reach every target, each with its value', async () => {
    const dir = tempDir('saplings-proto-keys-');
    fs.writeFileSync(path.join(dir, 'saplings.yaml'), CONFIG);
    const run = await runMain(['synth', '--out', 'out', ...['kubernetes', 'compose', 'cloudrun', 'ecs'].flatMap((t) => ['--target', t])], dir);
    expect(run.stderr).not.toMatch(/✖/);
    expect(run.status).toBe(0);
    const out = path.join(dir, 'out');
    const yamlDocs = (file: string) => YAML.parseAllDocuments(fs.readFileSync(path.join(out, file), 'utf8')).map((d) => d.toJS());

    const configMap = yamlDocs('demo.k8s.yaml').find((o) => o.kind === 'ConfigMap' && o.data?.LOG_LEVEL);
    expect(picked(ownEntries(configMap.data))).toStrictEqual(expected);

    const compose = yamlDocs('compose/demo/compose.yaml')[0];
    const app = Object.values(compose.services as Record<string, { environment?: object }>).find((s) => s.environment && 'LOG_LEVEL' in s.environment)!;
    expect(picked(ownEntries(app.environment!))).toStrictEqual(expected);

    const service = yamlDocs('cloudrun/demo.cloudrun.yaml')[0];
    const env = service.spec.template.spec.containers[0].env as { name: string; value?: string }[];
    expect(picked(env.map((e) => [e.name, e.value]))).toStrictEqual(expected);

    const taskFile = fs.readdirSync(path.join(out, 'ecs')).find((f) => f.endsWith('task-definition.json'))!;
    const task = JSON.parse(fs.readFileSync(path.join(out, 'ecs', taskFile), 'utf8'));
    const environment = task.containerDefinitions[0].environment as { name: string; value: string }[];
    expect(picked(environment.map((e) => [e.name, e.value]))).toStrictEqual(expected);
  });
});
