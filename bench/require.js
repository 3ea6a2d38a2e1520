'use strict';
/*
 * (d) Import cost (issues 9 and 15): `node bench/require.js [PROJECT]`, run by
 * bench/fleet.js on the project it installed (else it packs and installs one).
 * The median of 9 whole-process runs of require('saplings-k8s') (the installed
 * constructs' entry) against require('cdk8s-plus-28'), which every chart
 * loads anyway, both from that project, interleaved.
 * Target: at most 1.3×, with every target registered (they load lazily).
 */
const { spawnSync } = require('node:child_process');
const { median, verdict, workDir } = require('./common');
const { installPackage } = require('./install');

const RUNS = 9;
const project = process.argv[2] ?? installPackage(workDir()).project;

function requireTime(module) {
  const script = `const t = process.hrtime.bigint(); require(${JSON.stringify(module)}); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
  const run = spawnSync(process.execPath, ['-e', script], { cwd: project, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return Number(run.stdout);
}

const plusTimes = [];
const ourTimes = [];
for (let i = 0; i < RUNS; i++) {
  plusTimes.push(requireTime('cdk8s-plus-28'));
  ourTimes.push(requireTime('saplings-k8s'));
}
const plus = median(plusTimes);
const ours = median(ourTimes);
const ratio = ours / plus;
console.log(`| (d) require('saplings-k8s') ÷ require('cdk8s-plus-28') (medians of ${RUNS}) | ${ratio.toFixed(2)} (${ours.toFixed(0)} ms / ${plus.toFixed(0)} ms) | ≤ 1.3 | ${verdict(ratio <= 1.3)} |`);
