'use strict';
/*
 * Import cost (issue 9): `node bench/require.js`, also run by `npm run bench`.
 * The median of 9 whole-process runs of require('saplings-k8s') (the built
 * constructs' entry) against require('cdk8s-plus-28'), which every chart
 * loads anyway. Target: at most 1.3×. Nothing here fails on speed.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const RUNS = 9;
const entry = path.join(__dirname, '..', 'lib', 'src', 'index.js');

function requireTime(module) {
  const script = `const t = process.hrtime.bigint(); require(${JSON.stringify(module)}); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
  const run = spawnSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return Number(run.stdout);
}

const median = (times) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];

// Interleaved, so a busy machine slows both alike.
const plusTimes = [];
const ourTimes = [];
for (let i = 0; i < RUNS; i++) {
  plusTimes.push(requireTime('cdk8s-plus-28'));
  ourTimes.push(requireTime(entry));
}
const plus = median(plusTimes);
const ours = median(ourTimes);
console.log('');
console.log(`require('cdk8s-plus-28'): ${plus.toFixed(0)} ms; require('saplings-k8s'): ${ours.toFixed(0)} ms; ratio ${(ours / plus).toFixed(2)} (target ≤ 1.3)`);
