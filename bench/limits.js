'use strict';
/*
 * Input limits benchmark (issue 10): `node bench/limits.js [--quick]`, also
 * run by `npm run bench`. Each case is a whole CLI process, timed with its
 * peak memory:
 *   - synth of one stack with 10,000 app.config keys;
 *   - a config with 10,000 YAML aliases (refused at the limit, quickly);
 *   - configs of 2 MB and 5 MB of nested `[`, and 2 MB of compact `- - -`
 *     (issue 20: refused by the nesting limit before parsing; goal for 2 MB of
 *     `[`: under 2 s and 400 MB);
 *   - validate over 20,000 and 100,000 objects (the default stack's objects,
 *     file-per-stack), which must grow linearly.
 * Prints a Markdown table for BENCHMARKS.md. Nothing here fails on speed.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const QUICK = process.argv.includes('--quick');
const CLI = path.join(__dirname, '..', 'bin', 'saplings-k8s.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'saplings-bench-limits-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

function run(args, expectStatus = 0) {
  const start = process.hrtime.bigint();
  // bench/rss.js reports the process's peak memory as `maxRSS KiB` on stderr when it exits.
  const result = spawnSync(process.execPath, ['-r', path.join(__dirname, 'rss.js'), CLI, ...args], { cwd: work, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (expectStatus !== null && result.status !== expectStatus) throw new Error(`saplings-k8s ${args.join(' ')} exited ${result.status}:\n${result.stderr.slice(0, 2000)}`);
  const rss = /maxRSS (\d+)/.exec(result.stderr);
  return { seconds, peakMiB: rss ? Number(rss[1]) / 1024 : undefined };
}

function write(name, text) {
  fs.writeFileSync(path.join(work, name), text);
  return name;
}

const head = 'environment: staging\nimage: saplings:1.0.0\n';
const keys = write('keys.yaml', `${head}app:\n  config:\n${Array.from({ length: 10_000 }, (_, i) => `    KEY_${i}: value-${i}\n`).join('')}`);
const aliases = write(
  'aliases.yaml',
  `${head}app:\n  config:\n${Array.from({ length: 200 }, (_, i) => `    A_${i}: &a${i} v${i}\n`).join('')}${Array.from({ length: 10_000 }, (_, i) => `    K_${i}: *a${i % 200}\n`).join('')}`,
);

/** A directory of `objects` objects: copies of the default stack's file. */
function manifests(objects) {
  const dir = path.join(work, `manifests-${objects}`);
  fs.mkdirSync(dir);
  run(['synth', '--example', '--out', path.join(work, 'one')]);
  const stack = fs.readFileSync(path.join(work, 'one', 'saplings.k8s.yaml'), 'utf8');
  const perFile = stack.split('\n---\n').length;
  // One stack per file, each in its own namespace, as a fleet's output would be.
  for (let i = 0; i < Math.ceil(objects / perFile); i++) {
    fs.writeFileSync(path.join(dir, `s${i}.k8s.yaml`), stack.replace(/\bsaplings\b(?=\n|$)/g, `s${i}`).replace(/namespace: saplings/g, `namespace: s${i}`));
  }
  return { dir: path.basename(dir), objects: Math.ceil(objects / perFile) * perFile };
}

const nested2 = write('nested-2mb.yaml', `${head}app:\n  config: ${'['.repeat(2_000_000)}`);
const nested5 = write('nested-5mb.yaml', `${head}app:\n  config: ${'['.repeat(5_000_000)}`);
const dashes = write('dashes-2mb.yaml', `${head}x:\n${'- '.repeat(1_000_000)}1\n`);

const rows = [];
rows.push({ what: 'synth, 10,000 app.config keys', ...run(['synth', '-c', keys, '--out', 'keys-out']) });
rows.push({ what: 'validate, 2 MB of nested `[` (refused at the nesting limit)', ...run(['validate', '-c', nested2], 1) });
rows.push({ what: 'validate, 5 MB of nested `[` (refused at the nesting limit)', ...run(['validate', '-c', nested5], 1) });
rows.push({ what: 'validate, 2 MB of compact `- - -` (refused at the nesting limit)', ...run(['validate', '-c', dashes], 1) });
rows.push({ what: 'synth, 10,000 YAML aliases (refused at the 1,000 limit)', ...run(['synth', '-c', aliases, '--out', 'aliases-out'], 1) });
for (const n of QUICK ? [20_000] : [20_000, 100_000]) {
  const m = manifests(n);
  rows.push({ what: `validate, ${m.objects.toLocaleString('en')} objects`, ...run(['validate', '--env', 'staging', m.dir], null) });
}

const cpus = os.cpus();
console.log(`Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
console.log('');
console.log('| case | time (s) | peak memory (MiB) |');
console.log('|---|---:|---:|');
for (const r of rows) console.log(`| ${r.what} | ${r.seconds.toFixed(2)} | ${r.peakMiB?.toFixed(0) ?? 'n/a'} |`);

// In-process costs of the checks, warmed, medians of 11 batches: the validator per stack,
// and the credential scan over megabytes of text (linear: a quadratic scan takes minutes).
{
  const { renderStack, defaultStacks } = require('../lib/src/config-api');
  const { validateObjects, findCredentials } = require('../lib/src/index');
  const objects = renderStack(defaultStacks()[0]).objects;
  for (let i = 0; i < 50; i++) validateObjects(objects);
  const batches = Array.from({ length: 11 }, () => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 20; i++) validateObjects(objects);
    return Number(process.hrtime.bigint() - start) / 1e6 / 20;
  }).sort((a, b) => a - b);
  console.log('');
  console.log(`Validator, default stack (20 objects), warmed: ${batches[5].toFixed(2)} ms (target < 5 ms)`);
  const blobs = ['A'.repeat(2_000_000), 'a://'.repeat(500_000), 'sk-'.repeat(700_000), `${'x'.repeat(1_000_000)}://${'y'.repeat(1_000_000)}`];
  const started = process.hrtime.bigint();
  for (const blob of blobs) findCredentials(blob);
  console.log(`Credential scan, 8 MB of adversarial text: ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms (linear; target < 5 s)`);
}

// The two YAML parsers on the same manifest stream: why validate reads with js-yaml (bench/yaml-parsers.js).
console.log('');
require('./yaml-parsers');
