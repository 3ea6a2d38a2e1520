import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/*
 * The real clients that read what the Compose target writes, run offline:
 * docker-compose (Debian's 1.29) and nginx. Tests that use them go through
 * testWithTool with the commands below, so a machine without them skips.
 */

/** `testWithTool` arguments for docker-compose. */
export const DOCKER_COMPOSE = ['docker-compose', ['version']] as const;

/**
 * `testWithTool` arguments for `nginx -t` as {@link nginxTest} runs it: in a
 * mount namespace of its own (root, or a user allowed to unshare), with
 * openssl for the test certificate and /etc/nginx to mount it over.
 */
export const NGINX_IN_NAMESPACE = ['unshare', ['-m', 'sh', '-c', 'command -v openssl >/dev/null && test -d /etc/nginx && nginx -v']] as const;

/** What a client run said. */
export interface ClientRun {
  readonly status: number | null;
  readonly output: string;
}

/** `docker-compose -f FILE config -q`, with the env file the stack names created empty beside it, as the operator would provide it. */
export function dockerComposeConfig(composeFile: string): ClientRun {
  const envFile = /^# Secrets come from (\S+) beside this file/m.exec(fs.readFileSync(composeFile, 'utf8'))?.[1];
  if (envFile) fs.writeFileSync(path.join(path.dirname(composeFile), envFile), '');
  const run = spawnSync('docker-compose', ['-f', composeFile, 'config', '-q'], { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A self-signed certificate and key for nginx.conf's paths, in a new directory `dir/ssl`. */
export function writeTestCertificate(dir: string): void {
  const ssl = path.join(dir, 'ssl');
  fs.mkdirSync(ssl, { recursive: true });
  const run = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(ssl, 'key.pem'), '-out', path.join(ssl, 'cert.pem'), '-subj', '/CN=test', '-days', '1'],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`openssl could not make a test certificate: ${run.stderr}`);
}

/**
 * `nginx -t` on a generated nginx.conf, as the container would read it: in
 * a mount namespace, /etc/nginx is replaced by `etcDir` (which holds `ssl/`
 * from {@link writeTestCertificate}), /etc/hosts by one that resolves
 * `upstreamHosts` (Compose's service names), and /tmp by a tmpfs for nginx's
 * temporary paths, so nothing on the machine changes.
 */
export function nginxTest(conf: string, etcDir: string, upstreamHosts: readonly string[]): ClientRun {
  fs.writeFileSync(path.join(etcDir, 'nginx.conf'), conf);
  const hosts = path.join(etcDir, 'hosts');
  fs.writeFileSync(hosts, ['127.0.0.1 localhost', ...upstreamHosts.map((h) => `127.0.0.1 ${h}`)].join('\n') + '\n');
  const script = 'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/nginx && mount -t tmpfs tmpfs /tmp && nginx -q -t -c /etc/nginx/nginx.conf';
  // A file, not a pipe: nginx opens /dev/stdout for the access log, which fails on the socket node's pipes are.
  const log = path.join(etcDir, 'nginx-t.log');
  const fd = fs.openSync(log, 'w');
  try {
    const run = spawnSync('unshare', ['-m', 'sh', '-c', script, 'sh', hosts, etcDir], { stdio: ['ignore', fd, fd] });
    return { status: run.status, output: fs.readFileSync(log, 'utf8') };
  } finally {
    fs.closeSync(fd);
  }
}
