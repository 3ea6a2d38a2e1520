import { describeLive, expectConfiguredUsersOnReadOnlyRoots, gunicornProcesses, httpsGet, runStack } from './live-stack';

/*
 * Production with Redis and the preset's process settings, run from the generated files.
 */
describeLive('production with Redis, on a real engine', () => {
  const live = runStack('liveredis', { environment: 'production' });

  test('serves /health over HTTPS, and the app reached Redis with its password', async () => {
    const { stack, ports: { https: httpsPort } } = live;
    expect((await httpsGet(httpsPort, '/health', stack.certificate!)).status).toBe(200);
    const ready = await httpsGet(httpsPort, '/ready', stack.certificate!);
    expect(JSON.parse(ready.body)).toStrictEqual({ ready: true, redis: { reached: true, authenticated: true } });
    expect((await httpsGet(httpsPort, '/metrics', stack.certificate!)).status).toBe(403);
  });

  test('Redis runs with maxmemory below its container limit', () => {
    const { stack } = live;
    const maxmemory = stack.exec('redis', ['env', `REDISCLI_AUTH=${stack.env.REDIS_PASSWORD}`, 'redis-cli', 'config', 'get', 'maxmemory']).output.split('\n')[1];
    expect(Number(maxmemory)).toBeGreaterThan(0);
    expect(Number(maxmemory)).toBeLessThan(512 * 2 ** 20);
  });

  test('the preset\'s workers and timeout reach gunicorn, on the guide\'s port', () => {
    const { master, workers } = gunicornProcesses(live.stack);
    expect(master).toContain('--bind 0.0.0.0:8000 --workers 4 --timeout 120');
    expect(workers).toBe(4);
  });

  test('each container runs as its configured user on a read-only root filesystem', () => {
    expectConfiguredUsersOnReadOnlyRoots(live.stack);
  });
});
