import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { Duration, Testing } from 'cdk8s';
import { RedisStore, SaplingsApp, VectorDb, WAIT_FOR_BACKENDS_CONTAINER } from '../../src';
import { WAIT_FOR_BACKENDS_SCRIPT } from '../../src/constructs/wait-for-backends';
import { find, render } from '../helpers/manifests';
import { testWithTool } from '../helpers/tools';

describe('the app waits for its backing services', () => {
  describe('GIVEN a stack with Redis and pgvector', () => {
    const deployment = find(render({ vectorDb: { enabled: true, engine: 'pgvector' } }), 'Deployment', 'saplings-app');
    const pod = deployment.spec.template.spec;
    const [init] = pod.initContainers;

    test('THEN one init container waits up to 300 s for Redis, then Postgres, with the app image\'s python', () => {
      expect(pod.initContainers).toHaveLength(1);
      expect(init.name).toBe(WAIT_FOR_BACKENDS_CONTAINER);
      expect(init.image).toBe('saplings:1.0.0');
      expect(init.command).toStrictEqual(['python', '-c', WAIT_FOR_BACKENDS_SCRIPT, '300', 'redis-service:6379', 'pgvector-service:5432']);
    });

    test("THEN it runs under the app container's restricted security context, with requests and limits", () => {
      expect(init.securityContext).toStrictEqual(pod.containers[0].securityContext);
      expect(init.resources).toStrictEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } });
    });
  });

  test.each([
    ['app.waitForBackends: 0', { app: { waitForBackends: 0 } }],
    ['no backing service', { redis: { enabled: false } }],
  ])('GIVEN %s THEN there is no init container', (_what, overrides) => {
    expect(find(render(overrides), 'Deployment', 'saplings-app').spec.template.spec.initContainers).toBeUndefined();
  });

  test('GIVEN a library app with a shorter bound THEN the init container uses it', () => {
    const chart = Testing.chart();
    const redis = new RedisStore(chart, 'Redis', { requirePassword: false });
    const vectorDb = new VectorDb(chart, 'Vectors', { engine: 'qdrant', requireApiKey: false });
    const app = new SaplingsApp(chart, 'App', { image: 'saplings:1.0.0', redis, vectorDb, waitForBackends: Duration.minutes(2) });
    expect(app.waitForBackendsContainer?.command).toStrictEqual(['python', '-c', WAIT_FOR_BACKENDS_SCRIPT, '120', 'redis-service:6379', 'qdrant-service:6333']);
  });
});

describe('the wait script', () => {
  const withPython = testWithTool('python3', ['--version'], 'run the wait-for-backends script');

  withPython('exits 0 once every target accepts a connection', async () => {
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const run = spawnSync('python3', ['-c', WAIT_FOR_BACKENDS_SCRIPT, '5', `127.0.0.1:${port}`], { encoding: 'utf8' });
      expect({ status: run.status, stdout: run.stdout }).toStrictEqual({ status: 0, stdout: `reachable: 127.0.0.1:${port}\n` });
    } finally {
      server.close();
    }
  });

  withPython('gives up with exit 1 and a message once its bound has passed', () => {
    const run = spawnSync('python3', ['-c', WAIT_FOR_BACKENDS_SCRIPT, '0', '127.0.0.1:1'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^gave up on 127\.0\.0\.1:1 after 0 s: /);
  });
});
