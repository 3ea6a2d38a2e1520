'use strict';
/*
 * Fleet benchmark: `npm run bench` (or `node bench/fleet.js [--quick]`).
 *
 * For 1, 100 and 1000 stacks it times, side by side:
 *   - this CLI (saplings-k8s synth), with its peak memory;
 *   - a naive single-App cdk8s baseline building the same objects;
 *   - kustomize (`kubectl kustomize`) over one overlay per tenant of the
 *     same stack, when kubectl is on the PATH;
 *   - the floor: the yaml library serializing the same objects in-process.
 * and prints a Markdown table for BENCHMARKS.md. Not a test: nothing here
 * fails on speed.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const YAML = require('yaml');
const { loadConfigFile, renderStack } = require('../lib/src/config-api');

const QUICK = process.argv.includes('--quick');
const SIZES = QUICK ? [1, 100] : [1, 100, 1000];
const ROOT = path.join(__dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'saplings-bench-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

function fleetConfig(n) {
  const file = path.join(work, `fleet-${n}.yaml`);
  const docs = Array.from({ length: n }, (_, i) => {
    const name = `tenant-${String(i).padStart(4, '0')}`;
    return `name: ${name}\nenvironment: production\nimage: saplings:1.0.0\ningress:\n  host: ${name}.api.example.com\n`;
  });
  fs.writeFileSync(file, docs.join('---\n'));
  return file;
}

function timed(command, args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...options });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  const rss = /maxRSS (\d+)/.exec(result.stderr ?? '');
  return { seconds, peakMiB: rss ? Number(rss[1]) / 1024 : undefined };
}

function best(runs, fn) {
  let result;
  for (let i = 0; i < runs; i++) {
    const r = fn();
    if (!result || r.seconds < result.seconds) result = r;
  }
  return result;
}

function cli(config, n) {
  return best(n >= 1000 ? 1 : 3, () => {
    const out = path.join(work, `cli-${n}`);
    fs.rmSync(out, { recursive: true, force: true });
    return timed(process.execPath, [path.join(__dirname, 'run-cli.js'), 'synth', '--config', config, '--out', out]);
  });
}

function naive(config, n) {
  const out = path.join(work, `naive-${n}`);
  fs.rmSync(out, { recursive: true, force: true });
  return timed(process.execPath, [path.join(__dirname, 'naive-app.js'), config, out]);
}

function yamlFloor(config) {
  const objects = loadConfigFile(config).flatMap((stack) => renderStack(stack).objects);
  const serialize = () => objects.map((o) => YAML.stringify(o, { lineWidth: 0 })).join('---\n');
  serialize(); // warm-up, so the floor is the library's steady-state cost
  const start = process.hrtime.bigint();
  serialize();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, objects: objects.length };
}

function hasKubectl() {
  return spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
}

/** A base (one stack) and one overlay per tenant with its own namespace and name prefix. */
function kustomizeTree(n) {
  const dir = path.join(work, `kustomize-${n}`);
  if (fs.existsSync(dir)) return dir;
  const base = path.join(dir, 'base');
  const baseConfig = path.join(work, 'base.yaml');
  fs.writeFileSync(baseConfig, 'name: base\nenvironment: production\nimage: saplings:1.0.0\n');
  timed(process.execPath, [path.join(ROOT, 'bin/saplings-k8s.js'), 'synth', '--config', baseConfig, '--out', base]);
  fs.writeFileSync(path.join(base, 'kustomization.yaml'), 'resources:\n  - base.k8s.yaml\n');
  const tenants = [];
  for (let i = 0; i < n; i++) {
    const name = `tenant-${String(i).padStart(4, '0')}`;
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'kustomization.yaml'), `resources:\n  - ../base\nnamespace: ${name}\nnamePrefix: ${name}-\n`);
    tenants.push(name);
  }
  fs.writeFileSync(path.join(dir, 'kustomization.yaml'), `resources:\n${tenants.map((t) => `  - ${t}`).join('\n')}\n`);
  return dir;
}

function kustomize(n) {
  if (n <= 100) return { ...timed('kubectl', ['kustomize', kustomizeTree(n)]), how: 'one root' };
  // A 1000-overlay root takes about ten minutes; estimate from a 100-overlay root and from per-tenant builds.
  const root100 = timed('kubectl', ['kustomize', kustomizeTree(100)]).seconds * (n / 100);
  const tree = kustomizeTree(100);
  const sample = 10;
  let perTenant = 0;
  for (let i = 0; i < sample; i++) perTenant += timed('kubectl', ['kustomize', path.join(tree, `tenant-${String(i).padStart(4, '0')}`)]).seconds;
  return { seconds: Math.min(root100, (perTenant / sample) * n), how: `est.: ${(n / 100)}× a 100-overlay root = ${root100.toFixed(1)} s; ${n}× one tenant = ${((perTenant / sample) * n).toFixed(1)} s` };
}

const fmt = (s) => (s === undefined ? 'n/a' : s < 10 ? s.toFixed(2) : s.toFixed(1));
const rows = [];
const kubectl = hasKubectl();
for (const n of SIZES) {
  const config = fleetConfig(n);
  process.stderr.write(`${n} stacks: cli… `);
  const c = cli(config, n);
  process.stderr.write('floor… ');
  const floor = yamlFloor(config);
  process.stderr.write('naive… ');
  const nv = QUICK && n > 100 ? undefined : naive(config, n);
  process.stderr.write('kustomize… ');
  const k = kubectl ? kustomize(n) : undefined;
  process.stderr.write('done\n');
  rows.push({ n, objects: floor.objects, cli: c, floor: floor.seconds, naive: nv, kustomize: k });
}

const cpus = os.cpus();
console.log(`Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.type()} ${os.release()}`);
console.log('');
console.log('| stacks | objects | saplings-k8s synth (s) | peak memory (MiB) | naive single App (s) | kustomize (s) | yaml floor (s) | synth ÷ floor |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.n} | ${r.objects} | ${fmt(r.cli.seconds)} | ${r.cli.peakMiB?.toFixed(0) ?? 'n/a'} | ${fmt(r.naive?.seconds)} | ${fmt(r.kustomize?.seconds)}${r.kustomize?.how && r.kustomize.how !== 'one root' ? '*' : ''} | ${fmt(r.floor)} | ${(r.cli.seconds / r.floor).toFixed(2)} |`,
  );
}
const t100 = rows.find((r) => r.n === 100);
const t1000 = rows.find((r) => r.n === 1000);
console.log('');
if (t100 && t1000) {
  console.log(`Scaling: t(1000) / t(100) = ${(t1000.cli.seconds / t100.cli.seconds).toFixed(2)} (target ≤ 12)`);
  console.log(`Fleet target: synth ÷ floor at 1000 stacks = ${(t1000.cli.seconds / t1000.floor).toFixed(2)} (target ≤ 2)`);
  console.log(`Peak memory at 1000 stacks: ${t1000.cli.peakMiB?.toFixed(0)} MiB (target < 1024)`);
}
for (const r of rows.filter((r) => r.kustomize?.how && r.kustomize.how !== 'one root')) console.log(`* ${r.n} stacks, kustomize ${r.kustomize.how}`);
