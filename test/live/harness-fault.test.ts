import * as fs from 'node:fs';
import { LIVE_IMAGES, LiveStack, describeLive, freePort, liveConfig } from './live-stack';

/*
 * The harness can fail: the pgvector stack with one known fault, its init
 * script's tmpfs without the ownership options (as the Compose target wrote it
 * before), must not come up, and the failure must carry that service's logs.
 */
describeLive('the live harness, given a stack with a known fault', () => {
  let stack: LiveStack;

  beforeAll(async () => {
    const ports = { http: await freePort(), https: await freePort(), app: await freePort() };
    stack = new LiveStack('livefault', liveConfig({
      environment: 'development',
      redis: { enabled: false },
      vectorDb: { enabled: true, engine: 'pgvector', image: LIVE_IMAGES.pgvector },
    }, ports));
  });

  afterAll(() => {
    if (stack) expect(stack.down()).toStrictEqual([]);
  }, 120_000);

  test('a tmpfs without uid/gid over /docker-entrypoint-initdb.d fails the suite, with pgvector\'s logs', async () => {
    const text = fs.readFileSync(stack.composeFile, 'utf8');
    const faulty = text.replace(/\/docker-entrypoint-initdb\.d:uid=\d+,gid=\d+,mode=\d+/, '/docker-entrypoint-initdb.d');
    expect(faulty).not.toBe(text);
    fs.writeFileSync(stack.composeFile, faulty);
    // docker-compose up itself stops at the unhealthy dependency; the harness adds the logs.
    await expect(stack.up()).rejects.toThrow(/--- logs of pgvector ---[\s\S]*cannot create \/docker-entrypoint-initdb.d\/vector.sql: Permission denied/);
  });
});
