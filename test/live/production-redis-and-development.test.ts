import * as fs from 'node:fs';
import { LIVE_IMAGES, LiveStack, describeLive, expectConfiguredUsersOnReadOnlyRoots, freePort, gunicornProcesses, httpGet, httpsGet } from './live-stack';

/*
 * Production with Redis and the preset's process settings, and development
 * (the app published on the host's loopback, Redis without a password,
 * memory on its own scratch under the read-only /app), run from the generated files.
 */
describeLive('production with Redis, on a real engine', () => {
  let stack: LiveStack;
  let httpsPort: number;

  beforeAll(async () => {
    httpsPort = await freePort();
    stack = new LiveStack('liveredis', {
      environment: 'production',
      image: LIVE_IMAGES.app,
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

describeLive('development, on a real engine', () => {
  let stack: LiveStack;
  let appPort: number;

  beforeAll(async () => {
    appPort = await freePort();
    stack = new LiveStack('livedev', {
      environment: 'development',
      image: LIVE_IMAGES.app,
      autoscaling: { enabled: false },
      app: { replicas: 1 },
      redis: { image: LIVE_IMAGES.redis },
      compose: { bindAddress: '127.0.0.1', ports: { app: appPort } },
    });
    await stack.up();
  }, 300_000);

  afterAll(() => {
    if (stack) expect(stack.down()).toStrictEqual([]);
  }, 120_000);

  test('the app is published on the configured address and port, and reached Redis', async () => {
    expect(stack.publishedPort('app', 8000)).toBe(appPort);
    expect(await httpGet(appPort, '/health')).toMatchObject({ status: 200 });
    expect(JSON.parse((await httpGet(appPort, '/ready')).body)).toStrictEqual({ ready: true, redis: { reached: true, authenticated: false } });
  });

  test('the app wrote its development memory, logs and multiprocess metrics under the read-only /app', () => {
    const listing = stack.exec('app', ['sh', '-c', 'ls /app/dev_data/memory /app/logs; ls /app/prometheus-multiproc | wc -l']).output;
    expect(listing).toMatch(/worker-\d+\.json/);
    expect(listing).toContain('saplings.log');
    expect(Number(listing.trim().split('\n').pop())).toBeGreaterThan(0);
    expect(fs.existsSync(stack.composeFile)).toBe(true);
  });

  test('each container runs as its configured user on a read-only root filesystem', () => {
    expectConfiguredUsersOnReadOnlyRoots(stack);
  });
});
