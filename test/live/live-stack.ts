import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { runCli, tempDir } from '../helpers/cli';
import { hasTool, inCi } from '../helpers/tools';

/*
 * The live suite's harness: a stack's config is synthesized by the built CLI
 * with `--target compose`, its env file and certificate written as the
 * Compose docs tell a user to, and the output run as written on the local
 * Docker engine, published on 127.0.0.1 and free ports (compose.bindAddress,
 * compose.ports). Images are the stand-ins scripts/live/build-images.sh builds.
 */

/** The stand-in images, as the configs name them. */
export const LIVE_IMAGES = {
  app: 'saplings-live/app:test',
  redis: 'saplings-live/redis:test',
  pgvector: 'saplings-live/pgvector:test',
  nginx: 'saplings-live/nginx:test',
} as const;

/** How long a stack may take to turn healthy. */
const HEALTH_DEADLINE_MS = 150_000;

/** What the live suite needs, each with the command that shows it is there. */
const LIVE_TOOLS: readonly (readonly [string, readonly string[]])[] = [
  ['docker', ['info']],
  ['debootstrap', ['--version']],
  ['openssl', ['version']],
];

/**
 * `describe` when every tool the live suite needs is here (the global setup
 * has built the images); otherwise a skip with a message, or in CI a failure naming the tool.
 */
export function describeLive(name: string, body: () => void): void {
  const composeCommand = dockerCompose();
  const missing = LIVE_TOOLS.filter(([tool, args]) => !hasTool(tool, args)).map(([tool]) => tool);
  if (!composeCommand) missing.push('docker-compose (or docker compose)');
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  const why = `${missing.join(', ')} not available (docker needs a running dockerd)`;
  if (inCi()) {
    describe(name, () => test('has the tools it needs', () => {
      throw new Error(`${why}: CI must install and start them (see .ci/run)`);
    }));
    return;
  }
  console.warn(`${why}: skipping the live suite "${name}".`);
  describe.skip(name, body);
}

/** `docker compose` (v2) where present, else Debian's `docker-compose` 1.29; undefined when neither runs. */
export function dockerCompose(): string[] | undefined {
  if (hasTool('docker', ['compose', 'version'])) return ['docker', 'compose'];
  if (hasTool('docker-compose', ['version'])) return ['docker-compose'];
  return undefined;
}

/** A TCP port nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A response: status, headers and body. */
export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** One service's container as the engine reports it. */
export interface ContainerState {
  readonly id: string;
  readonly service: string;
  readonly user: string;
  readonly readOnlyRoot: boolean;
  readonly status: string;
  readonly health?: string;
}

/** What a command run said. */
export interface Run {
  readonly status: number | null;
  readonly output: string;
}

function run(command: string, args: readonly string[], cwd?: string, input?: string): Run {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', input, timeout: 300_000 });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

/** A stack under test: its config synthesized, its output run with Compose. */
export class LiveStack {
  /** Where the stack's compose.yaml (and nginx.conf, env file, ssl/) are: the project directory. */
  readonly dir: string;
  /** The env file's values, as the test wrote them. */
  readonly env: Record<string, string> = {};
  /** The test-made certificate nginx serves, when the stack has TLS. */
  certificate?: string;

  constructor(readonly name: string, readonly config: Record<string, unknown>) {
    const root = tempDir(`saplings-live-${name}-`);
    fs.writeFileSync(path.join(root, 'config.yaml'), YAML.stringify({ name, ...config }));
    const synth = runCli(['synth', '-c', 'config.yaml', '--target', 'compose', '--out', 'out'], root);
    if (synth.status !== 0) throw new Error(`synth failed:\n${synth.stderr}`);
    this.dir = path.join(root, 'out', 'compose', name);
    this.writeEnvFile();
    if (fs.readFileSync(this.composeFile, 'utf8').includes('./ssl:')) this.writeCertificate();
  }

  /** The generated compose.yaml. */
  get composeFile(): string {
    return path.join(this.dir, 'compose.yaml');
  }

  /** compose.yaml, parsed. */
  get project(): any {
    return YAML.parse(fs.readFileSync(this.composeFile, 'utf8'));
  }

  /**
   * The env file, as the header of compose.yaml tells the user to write it:
   * each NAME a fresh random value, or the shape it gives with the values filled in.
   */
  private writeEnvFile(): void {
    const text = fs.readFileSync(this.composeFile, 'utf8');
    const envFile = /^# Secrets come from (\S+) beside this file/m.exec(text)![1];
    for (const [, name, shape] of text.matchAll(/^# {3}([A-Z0-9_]+)=(.*)$/gm)) {
      this.env[name] = shape === '…' ? crypto.randomBytes(12).toString('hex') : shape.replace(/<([A-Z0-9_]+)>/g, (_, key: string) => this.env[key]);
    }
    const file = path.join(this.dir, envFile);
    fs.writeFileSync(file, Object.entries(this.env).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
  }

  /** A self-signed certificate for localhost in ssl/, readable by nginx's uid 101 only, as the docs say. */
  private writeCertificate(): void {
    const ssl = path.join(this.dir, 'ssl');
    fs.mkdirSync(ssl);
    const made = run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(ssl, 'key.pem'), '-out', path.join(ssl, 'cert.pem'), '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-days', '1']);
    if (made.status !== 0) throw new Error(`openssl: ${made.output}`);
    fs.chownSync(path.join(ssl, 'key.pem'), 101, 101);
    fs.chmodSync(path.join(ssl, 'cert.pem'), 0o644);
    this.certificate = fs.readFileSync(path.join(ssl, 'cert.pem'), 'utf8');
  }

  /** Runs Compose in the project directory, so the directory names the project as for a user. */
  compose(...args: string[]): Run {
    const [command, ...pre] = dockerCompose()!;
    return run(command, [...pre, ...args], this.dir);
  }

  /** `up -d`, then waits until every container runs and is healthy; on failure, the failing services' logs are in the error. */
  async up(): Promise<void> {
    // What an interrupted earlier run left (docker-compose's own start-up makes this worth skipping otherwise).
    if (this.containers().length > 0) this.compose('down', '-v', '--remove-orphans');
    const up = this.compose('up', '-d');
    if (up.status !== 0) throw new Error(`compose up failed:\n${up.output}\n${this.logs(this.containers().map((c) => c.service))}`);
    await this.waitHealthy();
  }

  /** Waits until every container of the project runs and is healthy, or throws with the logs of those that are not. */
  async waitHealthy(deadlineMs = HEALTH_DEADLINE_MS): Promise<void> {
    const until = Date.now() + deadlineMs;
    for (;;) {
      const containers = this.containers();
      const failed = containers.filter((c) => c.status === 'exited' || c.status === 'dead' || c.status === 'restarting' || c.health === 'unhealthy');
      const waiting = containers.filter((c) => c.status !== 'running' || (c.health !== undefined && c.health !== 'healthy'));
      if (containers.length > 0 && waiting.length === 0) return;
      if (failed.length > 0 || Date.now() > until) {
        const bad = failed.length > 0 ? failed : waiting;
        const states = bad.map((c) => `${c.service}: ${c.status}${c.health ? ` (${c.health})` : ''}`).join(', ');
        throw new Error(`stack ${this.name} did not turn healthy: ${states}\n${this.logs([...new Set(bad.map((c) => c.service))])}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  /** The last lines each service logged. */
  logs(services: readonly string[]): string {
    return services.map((s) => `--- logs of ${s} ---\n${this.compose('logs', '--no-color', '--tail', '60', s).output}`).join('\n');
  }

  /** Every container of the project, as the engine reports it. */
  containers(): ContainerState[] {
    const ids = run('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${this.name}`]).output.split('\n').filter(Boolean);
    if (ids.length === 0) return [];
    const inspected = JSON.parse(run('docker', ['inspect', ...ids]).output) as any[];
    return inspected.map((c) => ({
      id: c.Id,
      service: c.Config.Labels['com.docker.compose.service'],
      user: c.Config.User,
      readOnlyRoot: c.HostConfig.ReadonlyRootfs,
      status: c.State.Status,
      health: c.State.Health?.Status,
    }));
  }

  /** Runs a command in the first container of `service`. */
  exec(service: string, args: readonly string[]): Run {
    const container = this.containers().find((c) => c.service === service);
    if (!container) throw new Error(`no container for service ${service}`);
    return run('docker', ['exec', container.id, ...args]);
  }

  /** The host port `service`'s container port is published on, read from the engine. */
  publishedPort(service: string, containerPort: number): number {
    const container = this.containers().find((c) => c.service === service)!;
    const out = run('docker', ['port', container.id, String(containerPort)]).output.trim().split('\n')[0];
    return Number(out.slice(out.lastIndexOf(':') + 1));
  }

  /** `down -v`, then nothing of the project may remain: no container, network or volume. */
  down(): string[] {
    const down = this.compose('down', '-v', '--remove-orphans');
    if (down.status !== 0) throw new Error(`compose down failed:\n${down.output}`);
    const filter = ['--filter', `label=com.docker.compose.project=${this.name}`];
    return [
      ...run('docker', ['ps', '-aq', ...filter]).output.split('\n'),
      ...run('docker', ['network', 'ls', '-q', ...filter]).output.split('\n'),
      ...run('docker', ['volume', 'ls', '-q', ...filter]).output.split('\n'),
    ].filter(Boolean);
  }
}

/** A GET over HTTPS to 127.0.0.1:port that trusts only `ca`, for host name localhost. */
export function httpsGet(port: number, pathname: string, ca: string): Promise<Reply> {
  return request(https.request({ host: '127.0.0.1', port, path: pathname, servername: 'localhost', ca, agent: false }));
}

/** A plain GET to 127.0.0.1:port. */
export function httpGet(port: number, pathname: string): Promise<Reply> {
  return request(http.request({ host: '127.0.0.1', port, path: pathname, agent: false }));
}

function request(req: http.ClientRequest): Promise<Reply> {
  return new Promise((resolve, reject) => {
    req.setTimeout(20_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.end();
  });
}

/**
 * Each container runs as the user compose.yaml gives its service, which the
 * process inside reports too, on a root filesystem it cannot write.
 */
export function expectConfiguredUsersOnReadOnlyRoots(stack: LiveStack): void {
  const services = stack.project.services as Record<string, { user: string }>;
  const containers = stack.containers();
  expect(new Set(containers.map((c) => c.service))).toStrictEqual(new Set(Object.keys(services)));
  for (const container of containers) {
    const expected = services[container.service].user;
    expect({ service: container.service, user: container.user, readOnlyRoot: container.readOnlyRoot }).toStrictEqual({ service: container.service, user: expected, readOnlyRoot: true });
    const ids = stack.exec(container.service, ['sh', '-c', 'echo "$(id -u):$(id -g)"; touch /live-probe 2>&1; true']);
    expect({ service: container.service, output: ids.output }).toMatchObject({ service: container.service, output: expect.stringContaining(`${expected}\n`) });
    expect(ids.output).toMatch(/Read-only file system/);
  }
}

/** The app's gunicorn master command line and how many workers it forked, from the engine's process list. */
export function gunicornProcesses(stack: LiveStack): { master: string; workers: number } {
  const container = stack.containers().find((c) => c.service === 'app')!;
  const lines = run('docker', ['top', container.id, '-o', 'pid,ppid,args']).output.trim().split('\n').slice(1);
  const processes = lines.map((line) => {
    const [pid, ppid, ...args] = line.trim().split(/\s+/);
    return { pid, ppid, args: args.join(' ') };
  });
  const master = processes.find((p) => p.args.includes('gunicorn') && !processes.some((q) => q.pid === p.ppid && q.args.includes('gunicorn')))!;
  return { master: master.args, workers: processes.filter((p) => p.ppid === master.pid).length };
}

/** Host ports a stack publishes: nginx's HTTP and HTTPS, and development's app. */
export interface LivePorts {
  readonly http: number;
  readonly https: number;
  readonly app: number;
}

/**
 * A stack config for the live suite: `config` with the stand-in images, one
 * app replica (the machine has 2 cores; replicas are not what the suite
 * proves) and every port published on 127.0.0.1 at `ports`.
 */
export function liveConfig(config: Record<string, any>, ports: LivePorts): Record<string, unknown> {
  return {
    image: LIVE_IMAGES.app,
    autoscaling: { enabled: false },
    ...config,
    app: { replicas: 1, ...config.app },
    redis: { image: LIVE_IMAGES.redis, ...config.redis },
    compose: { bindAddress: '127.0.0.1', ports, nginx: { image: LIVE_IMAGES.nginx } },
  };
}

/** A stack brought up before the file's tests and removed after them, with its ports. */
export interface RunningStack {
  readonly stack: LiveStack;
  readonly ports: LivePorts;
}

/** Brings the stack `name` up in beforeAll (see {@link liveConfig}), and in afterAll takes it down, checking nothing remains. */
export function runStack(name: string, config: Record<string, any>): RunningStack {
  const running = {} as { stack: LiveStack; ports: LivePorts };
  beforeAll(async () => {
    running.ports = { http: await freePort(), https: await freePort(), app: await freePort() };
    running.stack = new LiveStack(name, liveConfig(config, running.ports));
    await running.stack.up();
  }, 300_000);
  afterAll(() => {
    if (running.stack) expect(running.stack.down()).toStrictEqual([]);
  }, 120_000);
  return running;
}
