import * as fs from 'node:fs';
import { describeLive, expectConfiguredUsersOnReadOnlyRoots, httpGet, runStack } from './live-stack';

/*
 * Development, run from the generated files: the app published on the
 * configured loopback address and port, Redis without a password, and the
 * guide's ./dev_data memory on scratch of its own under the read-only /app.
 */
describeLive('development, on a real engine', () => {
  const live = runStack('livedev', { environment: 'development' });

  test('the app is published on the configured address and port, and reached Redis', async () => {
    const { stack, ports } = live;
    const appPort = ports.app;
    expect(stack.publishedPort('app', 8000)).toBe(appPort);
    expect(await httpGet(appPort, '/health')).toMatchObject({ status: 200 });
    expect(JSON.parse((await httpGet(appPort, '/ready')).body)).toStrictEqual({ ready: true, redis: { reached: true, authenticated: false } });
  });

  test('the app wrote its development memory, logs and multiprocess metrics under the read-only /app', () => {
    const { stack } = live;
    const listing = stack.exec('app', ['sh', '-c', 'ls /app/dev_data/memory /app/logs; ls /app/prometheus-multiproc | wc -l']).output;
    expect(listing).toMatch(/worker-\d+\.json/);
    expect(listing).toContain('saplings.log');
    expect(Number(listing.trim().split('\n').pop())).toBeGreaterThan(0);
    expect(fs.existsSync(stack.composeFile)).toBe(true);
  });

  test('each container runs as its configured user on a read-only root filesystem', () => {
    expectConfiguredUsersOnReadOnlyRoots(live.stack);
  });
});
