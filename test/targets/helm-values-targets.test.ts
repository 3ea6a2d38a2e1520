import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { ROOT, runMain, tempDir } from '../helpers/cli';
import { testWithTool } from '../helpers/tools';
import { DOCKER_COMPOSE, dockerComposeConfig } from './compose/real-clients';

/*
 * examples/helm-values.yaml with the Cloud Run and ECS examples' sections:
 * every Helm-values key, on every target, each setting where the platform
 * has the concept.
 */
const section = (example: string, key: string) => {
  const text = fs.readFileSync(path.join(ROOT, 'examples', example), 'utf8');
  return text.slice(text.indexOf(`\n${key}:`) + 1);
};
const CONFIG = `${fs.readFileSync(path.join(ROOT, 'examples', 'helm-values.yaml'), 'utf8')}${section('cloudrun.yaml', 'cloudrun')}${section('ecs.yaml', 'ecs')}`;

let out: string;
beforeAll(async () => {
  const cwd = tempDir('saplings-helm-values-');
  fs.writeFileSync(path.join(cwd, 'saplings.yaml'), CONFIG);
  for (const target of ['kubernetes', 'compose', 'cloudrun', 'ecs']) {
    // Each into out: Kubernetes writes there, every other target into out/<target>/.
    const run = await runMain(['synth', '-c', 'saplings.yaml', '--target', target, '--out', 'out'], cwd);
    expect({ target, status: run.status, stderr: run.stderr.split('\n').filter((l) => !l.startsWith('wrote')).join('\n') }).toStrictEqual({ target, status: 0, stderr: '' });
  }
  out = path.join(cwd, 'out');
}, 60_000);

const read = (file: string) => fs.readFileSync(path.join(out, file), 'utf8');

describe('a config with every Helm-values key', () => {
  test('Compose: metadata.labels on every service; nginx and Redis from images.registry, the app as written', () => {
    const compose = YAML.parse(read('compose/saplings/compose.yaml'));
    expect(Object.keys(compose.services)).toStrictEqual(['nginx', 'app', 'redis']);
    for (const service of Object.values<any>(compose.services)) expect(service.labels).toStrictEqual({ team: 'search', 'cost-center': '42' });
    expect(compose.services.nginx.image).toBe('registry.example.com/mirror/nginxinc/nginx-unprivileged:1.28-alpine');
    expect(compose.services.redis.image).toBe('registry.example.com/mirror/library/redis:7-alpine');
    expect(compose.services.app.image).toBe('registry.example.com/saplings:1.0.0');
  });

  test('Cloud Run: metadata.labels are the service labels, beside its location', () => {
    const service = YAML.parse(read('cloudrun/saplings.cloudrun.yaml'));
    expect(service.metadata.labels).toStrictEqual({ team: 'search', 'cost-center': '42', 'cloud.googleapis.com/location': 'us-central1' });
  });

  test('ECS: metadata.labels are tags of the task definition and the service', () => {
    const tags = [
      { key: 'Environment', value: 'production' },
      { key: 'Application', value: 'saplings' },
      { key: 'team', value: 'search' },
      { key: 'cost-center', value: '42' },
    ];
    expect(JSON.parse(read('ecs/saplings.ecs-task-definition.json')).tags).toStrictEqual(tags);
    expect(JSON.parse(read('ecs/saplings.ecs-service.json')).tags).toStrictEqual(tags);
  });

  test('Kubernetes: the settings reach the app Deployment', () => {
    const deployment = YAML.parseAllDocuments(read('saplings.k8s.yaml'))
      .map((d) => d.toJS())
      .find((o) => o?.kind === 'Deployment' && o.metadata.name === 'saplings-app');
    expect(deployment.spec.template.spec).toMatchObject({ priorityClassName: 'saplings-high', nodeSelector: { 'kubernetes.io/arch': 'amd64' } });
  });

  testWithTool(...DOCKER_COMPOSE, 'check the Compose file with labels')('docker-compose config -q accepts the Compose file', () => {
    expect(dockerComposeConfig(path.join(out, 'compose/saplings/compose.yaml'))).toStrictEqual({ status: 0, output: '' });
  });
});
