'use strict';
/*
 * `node bench/single.js [RUNS] [--project DIR]`: only target (b) of bench/fleet.js, the cold single
 * stack, for measuring a change to it: `saplings-k8s synth` of the built-in default stack against
 * bench/bare-deployment.js, both whole processes from the packed and installed tarball, interleaved,
 * medians of RUNS (default 15). Besides wall time it reports each side's CPU time (user + system,
 * worker threads included, from bench/usage.js), which a busy machine skews less, and the load
 * average, since wall time on a shared machine says little without it.
 * `--project DIR` reuses a project bench/install.js made (its `project` path), skipping the pack.
 */
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { median, verdict, workDir } = require('./common');
const { installPackage } = require('./install');

const args = process.argv.slice(2);
const at = args.indexOf('--project');
const RUNS = Number(args.find((a, i) => /^\d+$/.test(a) && i !== at + 1) ?? 15);
const work = workDir();
const project = at >= 0 ? path.resolve(args[at + 1]) : installPackage(work).project;
const bin = path.join(project, 'node_modules', 'saplings-k8s', 'bin', 'saplings-k8s.js');
const usage = path.join(__dirname, 'usage.js');

/** One whole process of `script ARGS`, with its CPU seconds as bench/usage.js reports them. */
function run(script, scriptArgs) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', usage, script, ...scriptArgs], { cwd: work, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${script} failed:\n${r.stderr}`);
  return { seconds, cpu: Number(/cpuSeconds ([\d.]+)/.exec(r.stderr)[1]) };
}

const load = [os.loadavg()[0]];
const samples = { synth: [], bare: [] };
for (let i = 0; i < RUNS; i++) {
  const fresh = path.join(work, `out-${i}`);
  samples.synth.push(run(bin, ['synth', '--example', '--out', fresh]));
  samples.bare.push(run(path.join(project, 'bare-deployment.js'), [path.join(work, `bare-${i}`)]));
}
load.push(os.loadavg()[0]);
const med = (side, key) => median(samples[side].map((s) => s[key]));
const wall = med('synth', 'seconds') / med('bare', 'seconds');
const cpu = med('synth', 'cpu') / med('bare', 'cpu');
console.log(
  `| (b) single stack, cold: synth ÷ bare cdk8s-plus script (medians of ${RUNS}) | ${wall.toFixed(2)} ` +
    `(${med('synth', 'seconds').toFixed(3)} s / ${med('bare', 'seconds').toFixed(3)} s) | ≤ 1.3 | ${verdict(wall <= 1.3)} |`,
);
console.log(`CPU time (user + sys): ${cpu.toFixed(2)} (${med('synth', 'cpu').toFixed(3)} s / ${med('bare', 'cpu').toFixed(3)} s)`);
console.log(`load average (1 min) ${load.map((l) => l.toFixed(2)).join(' at the start, ')} at the end; Node ${process.version}`);
