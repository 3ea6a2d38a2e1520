import { LIVE_IMAGES, LiveStack, describeLive, expectConfiguredUsersOnReadOnlyRoots, gunicornProcesses, httpGet, httpsGet, runStack } from './live-stack';

/*
 * Production with Redis and pgvector, run from the generated files: TLS with a
 * test-made certificate, the rate limit, /metrics closed to the outside, the
 * app reaching Redis with its password and Postgres with the vector
 * extension, data surviving a restart, and the app's port, workers and
 * timeout visible in the running process.
 */
describeLive('production with Redis and pgvector, on a real engine', () => {
  const live = runStack('livepg', {
    environment: 'production',
    app: { port: 9000, maxWorkers: 3, timeoutSeconds: 45 },
    vectorDb: { enabled: true, engine: 'pgvector', image: LIVE_IMAGES.pgvector },
    ingress: { host: 'localhost.example.com', rateLimitRps: 2 },
  });
  let stack: LiveStack;
  let httpPort: number;
  let httpsPort: number;
  beforeAll(() => {
    ({ stack, ports: { http: httpPort, https: httpsPort } } = live);
  });

  test('nginx serves /health over HTTPS with the certificate the test made, and redirects HTTP', async () => {
    expect(await httpsGet(httpsPort, '/health', stack.certificate!)).toMatchObject({ status: 200, body: '{"status": "healthy"}' });
    expect((await httpsGet(httpsPort, '/health', stack.certificate!)).headers['strict-transport-security']).toBe('max-age=31536000');
    expect(await httpGet(httpPort, '/health')).toMatchObject({ status: 301, headers: { location: 'https://127.0.0.1/health' } });
  });

  test('/metrics is refused from outside, and served with the guide\'s metric names inside', async () => {
    expect((await httpsGet(httpsPort, '/metrics', stack.certificate!)).status).toBe(403);
    const inside = stack.exec('app', ['python', '-c', "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:9000/metrics').read().decode())"]);
    expect(inside.output).toContain('saplings_requests_total');
    expect(inside.output).toContain('saplings_request_duration_seconds');
  });

  test('the app reached Redis with its password and Postgres with the vector extension', async () => {
    const ready = await httpsGet(httpsPort, '/ready', stack.certificate!);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toStrictEqual({ ready: true, redis: { reached: true, authenticated: true }, postgres: { reached: true, vector: true } });
    // The init script ran on the first start.
    expect(stack.exec('pgvector', ['psql', '-U', 'saplings', '-d', 'saplings', '-tAc', 'SELECT extname FROM pg_extension ORDER BY 1']).output.split('\n')).toContain('vector');
    // Redis wants the password.
    expect(stack.exec('redis', ['redis-cli', 'ping']).output).toContain('NOAUTH');
  });

  test('requests beyond the configured rate get 429, and /health/detailed is limited too', async () => {
    const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) => httpsGet(httpsPort, i % 2 ? '/' : '/health/detailed', stack.certificate!).then((r) => r.status)));
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(20);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
  });

  test('each container runs as its configured user on a read-only root filesystem', () => {
    expectConfiguredUsersOnReadOnlyRoots(stack);
  });

  test('app.port, app.maxWorkers and app.timeoutSeconds reach the running gunicorn', () => {
    const { master, workers } = gunicornProcesses(stack);
    expect(master).toContain('--bind 0.0.0.0:9000 --workers 3 --timeout 45 --graceful-timeout 45');
    expect(workers).toBe(3);
  });

  test('data in Redis and Postgres survives docker-compose restart', async () => {
    const auth = `REDISCLI_AUTH=${stack.env.REDIS_PASSWORD}`;
    expect(stack.exec('redis', ['env', auth, 'redis-cli', 'set', 'live-key', 'kept']).output).toContain('OK');
    expect(stack.exec('pgvector', ['psql', '-U', 'saplings', '-d', 'saplings', '-c', "CREATE TABLE kept (v vector(3)); INSERT INTO kept VALUES ('[1,2,3]');"]).status).toBe(0);
    const restart = stack.compose('restart');
    expect(restart.status).toBe(0);
    await stack.waitHealthy();
    expect(stack.exec('redis', ['env', auth, 'redis-cli', 'get', 'live-key']).output.trim()).toBe('kept');
    expect(stack.exec('pgvector', ['psql', '-U', 'saplings', '-d', 'saplings', '-tAc', 'SELECT v FROM kept']).output.trim()).toBe('[1,2,3]');
    expect((await httpsGet(httpsPort, '/ready', stack.certificate!)).status).toBe(200);
  }, 200_000);
});
