import * as fs from 'node:fs';
import { LIVE_IMAGES, LiveStack, describeLive, expectConfiguredUsersOnReadOnlyRoots, freePort, httpGet } from './live-stack';

/*
 * Development, run from the generated files: the app published on the
 * configured loopback address and port, Redis without a password, and the
 * guide's ./dev_data memory on scratch of its own under the read-only /app.
 */
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
