#!/usr/bin/env node
'use strict';
/*
 * Dev-only (not shipped: package.json's `files` lists no scripts/): proves a
 * refactor changes no output. Builds BASE_REF in a temporary git worktree
 * (sharing this clone's node_modules by symlink) and the working tree, runs
 * `synth` with both for every example in examples/ × every built-in target ×
 * every layout the target has, and reports any byte difference in the files
 * written, the exit code, stdout or stderr.
 *
 *   node scripts/compare-output.js BASE_REF [--no-build-head]
 *
 * Exits 0 when everything is identical, 1 on any difference, 2 on misuse.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
// Kept here rather than read from src/: the script must run the same matrix on a base that predates any registry change.
const TARGETS = [
  { name: 'kubernetes', layouts: ['file-per-stack', 'file-per-resource'] },
  { name: 'compose', layouts: [undefined] },
  { name: 'cloudrun', layouts: [undefined] },
  { name: 'ecs', layouts: [undefined] },
];

// Dummy values for the keys examples/inline-dev.yaml reads from the environment (secrets.fromEnv), so its output is compared too.
const INLINE_SECRETS = { OPENAI_API_KEY: 'dummy-openai-value', ANTHROPIC_API_KEY: 'dummy-anthropic-value', ENCRYPTION_KEY: 'dummy-encryption-value' };

function usage(message) {
  process.stderr.write(`${message}\nUsage: node scripts/compare-output.js BASE_REF [--no-build-head]\n`);
  process.exit(2);
}

function build(dir) {
  execFileSync(process.execPath, [path.join(dir, 'scripts', 'build.js'), '--no-types'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Every file under `dir`, relative, with its bytes. */
function readTree(dir) {
  const files = new Map();
  if (!fs.existsSync(dir)) return files;
  for (const rel of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const full = path.join(dir, rel);
    if (fs.statSync(full).isFile()) files.set(rel, fs.readFileSync(full));
  }
  return files;
}

/** Runs one synth with the tree at `dir`; paths in its output are made relative so the two trees compare. */
function run(dir, example, target, layout, scratch) {
  const out = path.join(scratch, 'out');
  fs.rmSync(out, { recursive: true, force: true });
  const args = [path.join(dir, 'bin', 'saplings-k8s.js'), 'synth', '--config', path.join('examples', example), '--out', out, '--target', target];
  if (layout) args.push('--layout', layout);
  // The examples are read from the working tree by both builds, so only the code differs; NO_COLOR keeps stderr plain.
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...INLINE_SECRETS, NO_COLOR: '1' } });
  const scrub = (text) => text.split(out).join('<out>').split(dir).join('<tree>');
  return { code: result.status, stdout: scrub(result.stdout), stderr: scrub(result.stderr), files: readTree(out) };
}

function differences(a, b) {
  const found = [];
  for (const key of ['code', 'stdout', 'stderr']) {
    if (a[key] !== b[key]) found.push(`${key} differs:\n--- base\n${a[key]}\n+++ head\n${b[key]}`);
  }
  for (const file of new Set([...a.files.keys(), ...b.files.keys()])) {
    const x = a.files.get(file);
    const y = b.files.get(file);
    if (!x) found.push(`${file}: only in head`);
    else if (!y) found.push(`${file}: only in base`);
    else if (!x.equals(y)) found.push(`${file}: contents differ (${x.length} vs ${y.length} bytes)`);
  }
  return found;
}

function main() {
  const [baseRef, ...flags] = process.argv.slice(2);
  if (!baseRef || baseRef.startsWith('-')) usage('BASE_REF is required');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'saplings-compare-'));
  const baseDir = path.join(scratch, 'base');
  let failed = false;
  try {
    execFileSync('git', ['worktree', 'add', '--detach', baseDir, baseRef], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(baseDir, 'node_modules'), 'dir');
    process.stderr.write(`building ${baseRef} …\n`);
    build(baseDir);
    if (!flags.includes('--no-build-head')) {
      process.stderr.write('building the working tree …\n');
      build(ROOT);
    }
    const examples = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => /\.ya?ml$/.test(f)).sort();
    let runs = 0;
    let same = 0;
    for (const example of examples) {
      for (const { name, layouts } of TARGETS) {
        for (const layout of layouts) {
          runs += 1;
          const label = `${example} --target ${name}${layout ? ` --layout ${layout}` : ''}`;
          const base = run(baseDir, example, name, layout, scratch);
          const head = run(ROOT, example, name, layout, scratch);
          const found = differences(base, head);
          if (found.length) {
            failed = true;
            process.stdout.write(`DIFFERENT ${label}\n${found.map((f) => `  ${f}`).join('\n')}\n`);
          } else {
            same += 1;
            process.stdout.write(`same      ${label} (exit ${head.code}, ${head.files.size} files)\n`);
          }
        }
      }
    }
    process.stdout.write(`\n${same} of ${runs} runs byte-identical to ${baseRef}\n`);
  } finally {
    spawnSync('git', ['worktree', 'remove', '--force', baseDir], { cwd: ROOT, stdio: 'ignore' });
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

main();
