import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, ROOT, hasStackTrace, runCli, tempDir } from '../helpers/cli';

/*
 * bin/saplings-k8s.js, the shim `npx saplings-k8s` runs, through a real
 * process: it hands main() the process's argv, cwd, environment and streams,
 * and turns the status into the exit code. What the commands do is tested
 * in process, in test/cli/commands/.
 */

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

describe('the saplings-k8s bin', () => {
  test('exit 0: prints to stdout, and writes where its cwd and environment say', () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'saplings.yaml'), 'name: here\nenvironment: production\nimage: saplings:1.0.0\n');
    const run = runCli(['synth'], cwd, { CDK8S_OUTDIR: 'out' });
    expect(run).toMatchObject({ status: 0, stdout: '', stderr: 'wrote out/here.k8s.yaml\n' });
    expect(fs.readdirSync(path.join(cwd, 'out')).sort()).toStrictEqual(['.saplings-k8s-files', 'here.k8s.yaml']);
    expect(runCli(['--version'], cwd)).toStrictEqual({ status: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  test('exit 1 for invalid input, with the message on stderr and no stack trace', () => {
    const run = runCli(['synth', '--config', 'missing.yaml'], tempDir());
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toBe('✖ missing.yaml: file not found; run `saplings-k8s init` to write a starter saplings.yaml');
    expect(hasStackTrace(run.stderr)).toBe(false);
  });

  test('exit 2 for a usage error', () => {
    const run = runCli(['deploy'], tempDir());
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('unknown command "deploy"');
  });

  // `saplings-k8s schema | head -c 1`: the reader is gone before the CLI writes.
  test('a stdout closed by its reader is not an error: exit 0, nothing on stderr', async () => {
    const child = spawn(process.execPath, [CLI, 'schema'], { cwd: tempDir(), stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ status, stderr }).toStrictEqual({ status: 0, stderr: '' });
  });
});

/*
 * bin/load-bundle.js: the bundle compiles from V8's code cache only when the
 * cache was made from this bundle on this Node; any other cache is ignored
 * and the CLI runs as usual. Each case runs in a child process whose
 * fs.readFileSync hands the loader a different cache file.
 */
describe('the CLI bundle and its code cache', () => {
  const LOADER = path.join(ROOT, 'bin', 'load-bundle.js');
  /** Loads the bundle in a child process, with `cacheExpr` (JS, given `real`, `key`) as the cache's content. */
  function load(cacheExpr: string): { usedCodeCache: boolean; main: string } {
    const script =
      `const fs = require('fs'); const loader = require(${JSON.stringify(LOADER)});` +
      `const real = fs.readFileSync(loader.CACHE); const key = loader.cacheKey(fs.readFileSync(loader.BUNDLE, 'utf8'));` +
      `const cache = ${cacheExpr}; const read = fs.readFileSync;` +
      `fs.readFileSync = (file, ...rest) => (file === loader.CACHE ? cache : read(file, ...rest));` +
      `const { exports, usedCodeCache } = loader.loadBundle();` +
      `process.stdout.write(JSON.stringify({ usedCodeCache, main: typeof exports.main }));`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as { usedCodeCache: boolean; main: string };
  }

  test('the cache the build made is used on the Node that made it', () => {
    expect(load('real')).toStrictEqual({ usedCodeCache: true, main: 'function' });
  });

  test('a cache keyed for another Node version is ignored, and the bundle compiles as usual', () => {
    const otherKey = `require('crypto').createHash('sha256').update(fs.readFileSync(loader.BUNDLE, 'utf8')).update('\\0v99.0.0').digest()`;
    expect(load(`Buffer.concat([${otherKey}, real.subarray(32)])`)).toStrictEqual({ usedCodeCache: false, main: 'function' });
  });

  test('data V8 refuses under the right key is ignored too', () => {
    expect(load(`Buffer.concat([key, Buffer.alloc(4096, 7)])`)).toStrictEqual({ usedCodeCache: false, main: 'function' });
  });

  test("no source patches Node's module system", () => {
    const files = ['src', 'bin', 'scripts'].flatMap((dir) =>
      fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' }).map((f) => path.join(ROOT, dir, f)),
    );
    const patched = files.filter((f) => /\.[jt]s$/.test(f) && /\b_(?:compile|resolveFilename|findPath)\b/.test(fs.readFileSync(f, 'utf8')));
    expect(patched).toStrictEqual([]);
  });
});

/*
 * A cold `synth` of the built-in default stack is the first thing a new user
 * runs (BENCHMARKS.md, target (b)): it loads nothing that one stack does not use.
 */
describe('a single stack through the bin', () => {
  /** Runs the bin's `synth` of the default stack with `preload` (JS) run first; what the preload printed on stderr. */
  function synthWith(preload: string): string {
    const cwd = tempDir();
    const file = path.join(cwd, 'preload.js');
    fs.writeFileSync(file, preload);
    const run = spawnSync(process.execPath, ['-r', file, CLI, 'synth', '--example', '--out', 'out'], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(run.status).toBe(0);
    return run.stderr.replace(/^wrote .*\n/m, '');
  }

  test('starts no worker threads and loads no worker_threads module', () => {
    // Node loads internal/worker/js_transferable at startup in any process; node:worker_threads and internal/worker only on request.
    const loaded = synthWith(
      `process.on('exit', () => process.stderr.write(JSON.stringify(process.moduleLoadList.filter((m) => / (worker_threads|internal\\/worker)$/.test(m)))));`,
    );
    expect(JSON.parse(loaded)).toStrictEqual([]);
  });

  test('takes the default stacks from the build cache by the key written into the bundle, reading no module of src/config', () => {
    const read = synthWith(
      `const fs = require('fs'); const seen = []; const readdir = fs.readdirSync;` +
        `fs.readdirSync = (dir, ...rest) => { seen.push(String(dir)); return readdir(dir, ...rest); };` +
        `process.on('exit', () => process.stderr.write(JSON.stringify(seen.filter((d) => /[\\/\\\\]src[\\/\\\\](config|conventions)$/.test(d)))));`,
    );
    expect(JSON.parse(read)).toStrictEqual([]);
  });
});
