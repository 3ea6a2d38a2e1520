import { LIVE_IMAGES, LiveStack, describeLive, expectConfiguredUsersOnReadOnlyRoots, freePort, gunicornProcesses, httpsGet } from './live-stack';

/*
 * Production with Redis and the preset's process settings, run from the generated files.
 */
describeLive('production with Redis, on a real engine', () => {
  let stack: LiveStack;
  let httpsPort: number;

  beforeAll(async () => {
    httpsPort = await freePort();
    stack = new LiveStack('liveredis', {
      environment: 'production',
      image: LIVE_IMAGES.app,
      autoscaling: { enabled: false },
      app: { replicas: 1 },
      redis: { image: LIVE_IMAGES.redis },
      compose: { bindAddress: '127.0.0.1', ports: { http: await freePort(), https: httpsPort }, nginx: { image: LIVE_IMAGES.nginx } },
    });
    await stack.up();
  }, 300_000);

  afterAll(() => {
    if (stack) expect(stack.down()).toStrictEqual([]);
  }, 120_000);

  test('serves /health over HTTPS, and the app reached Redis with its password', async () => {
    expect((await httpsGet(httpsPort, '/health', stack.certificate!)).status).toBe(200);
    const ready = await httpsGet(httpsPort, '/ready', stack.certificate!);
    expect(JSON.parse(ready.body)).toStrictEqual({ ready: true, redis: { reached: true, authenticated: true } });
    expect((await httpsGet(httpsPort, '/metrics', stack.certificate!)).status).toBe(403);
  });

  test('Redis runs with maxmemory below its container limit', () => {
    const maxmemory = stack.exec('redis', ['env', `REDISCLI_AUTH=${stack.env.REDIS_PASSWORD}`, 'redis-cli', 'config', 'get', 'maxmemory']).output.split('\n')[1];
    expect(Number(maxmemory)).toBeGreaterThan(0);
    expect(Number(maxmemory)).toBeLessThan(512 * 2 ** 20);
  });

  test('the preset\'s workers and timeout reach gunicorn, on the guide\'s port', () => {
    const { master, workers } = gunicornProcesses(stack);
    expect(master).toContain('--bind 0.0.0.0:8000 --workers 4 --timeout 120');
    expect(workers).toBe(4);
  });

  test('each container runs as its configured user on a read-only root filesystem', () => {
    expectConfiguredUsersOnReadOnlyRoots(stack);
  });
});
