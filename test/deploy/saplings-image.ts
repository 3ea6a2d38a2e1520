import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfigText } from '../../src/config/load';
import { StackConfig } from '../../src/config/schema';
import { ROOT } from '../helpers/cli';

/*
 * Facts about the guide's app image and the processes in it, for the Cloud
 * Run and ECS deploy models: each from production-deployment-guide.md (its
 * Dockerfile and `create_environment_agent()`) or the library's docs.
 */

/** Owner and mode of a directory. */
export interface Dir {
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

/** The guide's Dockerfile, as the platforms see it. */
export const IMAGE = {
  // `groupadd -r saplings && useradd -r -g saplings saplings`, then `USER saplings`: Debian gives system users 999.
  user: { uid: 999, gid: 999 },
  // `WORKDIR /app`
  workdir: '/app',
  // `RUN mkdir -p /app/data /app/logs && chown -R saplings:saplings /app`; /tmp is the Debian base's 1777 root-owned dir.
  dirs: new Map<string, Dir>([
    ['/', { uid: 0, gid: 0, mode: 0o755 }],
    ['/app', { uid: 999, gid: 999, mode: 0o755 }],
    ['/app/data', { uid: 999, gid: 999, mode: 0o755 }],
    ['/app/logs', { uid: 999, gid: 999, mode: 0o755 }],
    ['/tmp', { uid: 0, gid: 0, mode: 0o1777 }],
  ]),
  // The Dockerfile has no VOLUME instruction.
  volumes: [] as string[],
  // `CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "4", "--timeout", "120", "main:app"]`, no ENTRYPOINT.
  cmd: ['gunicorn', '--bind', '0.0.0.0:8000', '--workers', '4', '--timeout', '120', 'main:app'],
};

/**
 * Where the app writes its memory, per ENVIRONMENT: the guide's
 * `create_environment_agent()` (`.with_memory_path(...)`), relative paths
 * against the WORKDIR.
 */
const MEMORY_PATH: Readonly<Record<string, string>> = {
  production: '/app/data/memory',
  staging: './staging_data/memory',
  development: './dev_data/memory',
};

/** Whether `user` may create files in `dir` (root always may; else the owner, group or other write and execute bits). */
export function writableBy(dir: Dir, user: { uid: number; gid: number }): boolean {
  if (user.uid === 0) return true;
  const bits = dir.uid === user.uid ? (dir.mode >> 6) & 7 : dir.gid === user.gid ? (dir.mode >> 3) & 7 : dir.mode & 7;
  return (bits & 3) === 3;
}

/** A directory a process of the app creates files in; `mustExist` when the process does not create it. */
export interface WrittenDir {
  readonly path: string;
  readonly by: string;
  readonly mustExist?: boolean;
}

/** The directories the app's processes write, read from the environment the platform gives them. */
export function writtenDirs(env: Readonly<Record<string, string>>): WrittenDir[] {
  const absolute = (p: string) => (p.startsWith('/') ? p : path.posix.join(IMAGE.workdir, p));
  return [
    // gunicorn's worker heartbeat files, in Python's tempfile.gettempdir() (TMPDIR, else /tmp):
    // https://docs.gunicorn.org/en/stable/settings.html#worker-tmp-dir
    { path: env.TMPDIR ?? '/tmp', by: 'gunicorn' },
    // prometheus_client writes a file per worker in PROMETHEUS_MULTIPROC_DIR, which must exist and be writable:
    // https://prometheus.github.io/client_python/multiprocess/
    ...(env.PROMETHEUS_MULTIPROC_DIR ? [{ path: env.PROMETHEUS_MULTIPROC_DIR, by: 'prometheus_client', mustExist: true }] : []),
    { path: '/app/logs', by: 'the app (logs)' },
    { path: '/app/data', by: 'the app (data)' },
    // The memory path's directory itself is created by the app, in its parent.
    { path: path.posix.dirname(absolute(MEMORY_PATH[env.ENVIRONMENT])), by: 'the app (memory)' },
  ];
}

/**
 * Where gunicorn's settings differ from what the stack asked: `--workers` and
 * `--timeout` against MAX_WORKERS and TIMEOUT. Empty for a process that is
 * not gunicorn (an `app.command`).
 */
export function gunicornMismatches(argv: readonly string[], env: Readonly<Record<string, string>>): string[] {
  if (argv[0] !== 'gunicorn') return [];
  const problems: string[] = [];
  if (gunicornOption(argv, '--workers') !== env.MAX_WORKERS) problems.push(`gunicorn runs ${gunicornOption(argv, '--workers')} workers, MAX_WORKERS is ${env.MAX_WORKERS}`);
  if (gunicornOption(argv, '--timeout') !== env.TIMEOUT) problems.push(`gunicorn times out at ${gunicornOption(argv, '--timeout')}, TIMEOUT is ${env.TIMEOUT}`);
  return problems;
}

/** The value of one of gunicorn's options, or undefined. */
export function gunicornOption(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : argv[i + 1];
}

/**
 * Every stack of every example (inline values not demanded: neither cloud
 * target writes them), each completed by `complete` with the target's block.
 */
export function exampleStacks(complete: (stack: StackConfig) => StackConfig): [string, StackConfig][] {
  const dir = path.join(ROOT, 'examples');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      parseConfigText(fs.readFileSync(path.join(dir, file), 'utf8'), `examples/${file}`, { requireInlineValues: false }).map(
        (stack): [string, StackConfig] => [`${file} ${stack.name}`, complete(stack)],
      ),
    );
}

/** A deep copy, to mutate. */
export const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));
