'use strict';
/*
 * `npm run bench` (or `node bench/fleet.js [--quick] [--baselines]`): the
 * targets of issues 15 and 25, each as a ratio with PASS or FAIL, in one run,
 * on what users install: the packed tarball installed with its peers in a
 * fresh project (bench/install.js), never the checkout's files.
 *
 *   (a) fleet: the whole CLI run for 1000 stacks against the `yaml` package
 *       stringifying the same objects, measured in a fresh process
 *       (bench/floor.js) right after each run; medians of 3; t(1000)/t(100);
 *       peak memory (the highest of the runs).
 *   (b) single stack, cold: `synth` of the built-in default stack against a
 *       bare script that synthesizes one cdk8s-plus Deployment
 *       (bench/bare-deployment.js, run from the same project); medians of 7
 *       whole processes, interleaved.
 *   (c) other targets: a fleet of 1000 for compose, cloudrun and ecs against
 *       the Kubernetes fleet of the same size.
 *   (d) imports: bench/require.js, on the same installed project.
 *   (e) incremental fleets (issue 24): a cold synth of the fleet into a
 *       folder, then one tenant's image changed and synth run again into the
 *       same folder (median of 3 such edits); with --fleet-10k also for
 *       10,000 stacks, where the goals are: the edit ≤ 10% of the cold run,
 *       cold 10,000 ≤ 10 × cold 1,000, peak memory ≤ 1 GiB. The 10,000
 *       rows take minutes, so they are behind the flag:
 *       `node bench/fleet.js --fleet-10k`.
 *
 * --quick uses 100 stacks instead of 1000 for (a), (c) and (e). --baselines
 * adds the naive single-App cdk8s build and kustomize for the fleets. Not a
 * test: nothing here fails the build.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, fleetConfig, interleavedMedians, median, synthRun: synthWith, timed, verdict, workDir } = require('./common');
const { installPackage } = require('./install');

const QUICK = process.argv.includes('--quick');
const BASELINES = process.argv.includes('--baselines');
const FLEET_10K = process.argv.includes('--fleet-10k');
const FLEET = QUICK ? 100 : 1000;
const work = workDir();
const fmt = (s) => (s === undefined ? 'n/a' : s < 10 ? s.toFixed(2) : s.toFixed(1));
const log = (text) => process.stderr.write(text);
const pkg = installPackage(work, log);
const synthRun = (...args) => synthWith(pkg.bin, ...args);

function floor(config) {
  const run = spawnSync(process.execPath, [path.join(__dirname, 'floor.js'), config], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

function naive(config, n) {
  const out = path.join(work, `naive-${n}`);
  fs.rmSync(out, { recursive: true, force: true });
  return timed(process.execPath, [path.join(__dirname, 'naive-app.js'), config, out]);
}

function hasKubectl() {
  return spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
}

/** A base (one stack) and one overlay per tenant with its own namespace and name prefix. */
function kustomize(n) {
  const dir = path.join(work, `kustomize-${n}`);
  const base = path.join(dir, 'base');
  const baseConfig = path.join(work, 'base.yaml');
  fs.writeFileSync(baseConfig, 'name: base\nenvironment: production\nimage: saplings:1.0.0\n');
  synthRun(work, 'kustomize-base', ['--config', baseConfig]);
  fs.cpSync(path.join(work, 'out-kustomize-base'), base, { recursive: true });
  fs.writeFileSync(path.join(base, 'kustomization.yaml'), 'resources:\n  - base.k8s.yaml\n');
  const tenants = Array.from({ length: n }, (_, i) => `tenant-${String(i).padStart(4, '0')}`);
  for (const name of tenants) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'kustomization.yaml'), `resources:\n  - ../base\nnamespace: ${name}\nnamePrefix: ${name}-\n`);
  }
  fs.writeFileSync(path.join(dir, 'kustomization.yaml'), `resources:\n${tenants.map((t) => `  - ${t}`).join('\n')}\n`);
  return timed('kubectl', ['kustomize', dir]);
}

// (a) the fleet, each run followed by the floor of its size in a fresh process; medians of 3 (of 1 for
// the single stack, which (b) measures properly), so a burst of load elsewhere skews neither.
const rows = [];
for (const n of [1, 100, ...(QUICK ? [] : [1000])]) {
  const config = fleetConfig(work, n);
  log(`${n} stacks: cli and floor… `);
  const runs = n === 1 ? 1 : 3;
  const cliRuns = [];
  const floorRuns = [];
  for (let i = 0; i < runs; i++) {
    cliRuns.push(synthRun(work, `k8s-${n}`, ['--config', config]));
    floorRuns.push(floor(config));
  }
  const f = { seconds: median(floorRuns.map((r) => r.seconds)), objects: floorRuns[0].objects };
  const cli = { seconds: median(cliRuns.map((r) => r.seconds)), peakMiB: Math.max(...cliRuns.map((r) => r.peakMiB ?? 0)) };
  const nv = BASELINES && n <= 1000 ? naive(config, n) : undefined;
  const k = BASELINES && n <= 100 && hasKubectl() ? kustomize(n) : undefined;
  log('done\n');
  rows.push({ n, objects: f.objects, cli, floor: f.seconds, naive: nv, kustomize: k });
}

// (b) a single stack, cold: the built-in default stack against the bare cdk8s-plus script.
log('single stack… ');
const [single, bare] = interleavedMedians(7, [
  () => synthRun(work, 'single', ['--example']),
  () => timed(process.execPath, [pkg.bare, path.join(work, 'bare')]),
]);
log('done\n');

// (c) the other targets' fleets against the Kubernetes fleet of the same size.
const targets = {};
for (const target of ['kubernetes', 'compose', 'cloudrun', 'ecs']) {
  log(`${target} fleet… `);
  const config = fleetConfig(work, FLEET, target);
  targets[target] = synthRun(work, `${target}-${FLEET}`, ['--config', config, '--target', target]);
}
log('done\n');

// (e) incremental: one config file edited in place (its name is in every header, so a copy would change every
// stack's inputs), synthesized into one folder.
function incremental(n) {
  const config = path.join(work, `fleet-incremental-${n}.yaml`);
  fs.copyFileSync(fleetConfig(work, n), config);
  const out = path.join(work, `out-incremental-${n}`);
  fs.rmSync(out, { recursive: true, force: true });
  const run = () => timed(process.execPath, ['-r', path.join(__dirname, 'rss.js'), pkg.bin, 'synth', '--config', config, '--out', out], { cwd: work });
  log(`${n} stacks, incremental… `);
  const cold = run();
  const edits = [];
  for (let i = 1; i <= 3; i++) {
    const tenant = `tenant-${String((i * 7) % n).padStart(4, '0')}`;
    const text = fs.readFileSync(config, 'utf8');
    const edited = text.replace(new RegExp(`(name: ${tenant}\nenvironment: production\nimage: saplings:)[0-9.]+`), (_m, head) => `${head}1.0.${i}`);
    if (edited === text) throw new Error(`no image of ${tenant} to edit`);
    fs.writeFileSync(config, edited);
    edits.push(run());
  }
  log('done\n');
  return { n, cold, edit: { seconds: median(edits.map((r) => r.seconds)), spread: edits.map((r) => r.seconds) }, peakMiB: Math.max(cold.peakMiB ?? 0, ...edits.map((r) => r.peakMiB ?? 0)) };
}
const incrementalRows = [incremental(FLEET), ...(FLEET_10K ? [incremental(10000)] : [])];

const cpus = os.cpus();
const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || 'unknown';
console.log(
  `Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ` +
    `${os.type()} ${os.release()}; load average ${os.loadavg()[0].toFixed(2)} at the end; ${new Date().toISOString().slice(0, 10)}; commit ${commit}`,
);
console.log('');
console.log(`| stacks | objects | saplings-k8s synth (s) | peak memory (MiB) | yaml floor, fresh process (s) | synth ÷ floor |${BASELINES ? ' naive single App (s) | kustomize (s) |' : ''}`);
console.log(`|---:|---:|---:|---:|---:|---:|${BASELINES ? '---:|---:|' : ''}`);
for (const r of rows) {
  console.log(
    `| ${r.n} | ${r.objects} | ${fmt(r.cli.seconds)} | ${r.cli.peakMiB?.toFixed(0) ?? 'n/a'} | ${fmt(r.floor)} | ${(r.cli.seconds / r.floor).toFixed(2)} |` +
      (BASELINES ? ` ${fmt(r.naive?.seconds)} | ${fmt(r.kustomize?.seconds)} |` : ''),
  );
}
console.log('');
console.log('| target | measured | goal | |');
console.log('|---|---:|---:|---|');
const big = rows.at(-1);
const t100 = rows.find((r) => r.n === 100);
const line = (what, value, goal, ok) => console.log(`| ${what} | ${value} | ${goal} | ${verdict(ok)} |`);
line(`(a) synth ÷ yaml floor, ${big.n} stacks`, `${(big.cli.seconds / big.floor).toFixed(2)} (${fmt(big.cli.seconds)} s / ${fmt(big.floor)} s)`, '≤ 1.0', big.cli.seconds <= big.floor);
if (big.n === 1000) line('(a) t(1000) ÷ t(100)', (big.cli.seconds / t100.cli.seconds).toFixed(2), '≤ 10', big.cli.seconds / t100.cli.seconds <= 10);
line(`(a) peak memory, ${big.n} stacks`, `${big.cli.peakMiB?.toFixed(0)} MiB`, '≤ 500 MiB', (big.cli.peakMiB ?? Infinity) <= 500);
line('(b) single stack, cold: synth ÷ bare cdk8s-plus script (medians of 7)', `${(single.seconds / bare.seconds).toFixed(2)} (${fmt(single.seconds)} s / ${fmt(bare.seconds)} s)`, '≤ 1.3', single.seconds / bare.seconds <= 1.3);
for (const target of ['compose', 'cloudrun', 'ecs']) {
  const ratio = targets[target].seconds / targets.kubernetes.seconds;
  line(`(c) ${target} fleet ÷ kubernetes fleet, ${FLEET} stacks`, `${ratio.toFixed(2)} (${fmt(targets[target].seconds)} s / ${fmt(targets.kubernetes.seconds)} s)`, '≤ 1.0', ratio <= 1);
}

for (const r of incrementalRows) {
  const ratio = r.edit.seconds / r.cold.seconds;
  line(
    `(e) one tenant changed ÷ cold synth, ${r.n} stacks (edits: ${r.edit.spread.map(fmt).join(', ')} s)`,
    `${ratio.toFixed(3)} (${fmt(r.edit.seconds)} s / ${fmt(r.cold.seconds)} s)`,
    '≤ 0.10',
    ratio <= 0.1,
  );
}
const at10k = incrementalRows.find((r) => r.n === 10000);
if (at10k) {
  const cold1k = rows.find((r) => r.n === 1000)?.cli.seconds ?? incrementalRows[0].cold.seconds;
  line('(e) cold 10,000 ÷ cold 1,000', `${(at10k.cold.seconds / cold1k).toFixed(2)} (${fmt(at10k.cold.seconds)} s / ${fmt(cold1k)} s)`, '≤ 10', at10k.cold.seconds / cold1k <= 10);
  line('(e) one tenant changed, 10,000 stacks', `${fmt(at10k.edit.seconds)} s`, '≤ 1.0 s (aim)', at10k.edit.seconds <= 1);
  line('(e) peak memory, 10,000 stacks', `${at10k.peakMiB.toFixed(0)} MiB`, '≤ 1024 MiB', at10k.peakMiB <= 1024);
}

// (d) imports, on the same installed project.
const imports = spawnSync(process.execPath, [path.join(__dirname, 'require.js'), pkg.project], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
process.stdout.write(imports.stdout);
