// @ts-check
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const tempDirSetup = require('../helpers/temp-dir-setup');

/**
 * jest globalSetup of `npm run test:live`: the run's temp dir, then the
 * stand-in images, built once before the stacks start in parallel workers
 * (scripts/live/build-images.sh reuses them while scripts/live/ is unchanged).
 * Where docker or debootstrap is missing nothing is built: each suite then
 * skips, or fails in CI, naming the tool (test/live/live-stack.ts).
 */
module.exports = async function setup() {
  await tempDirSetup();
  const ok = (command, args) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
  if (!ok('docker', ['info']) || !ok('debootstrap', ['--version'])) return;
  const started = Date.now();
  const run = spawnSync(path.join(__dirname, '../../scripts/live/build-images.sh'), [], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`scripts/live/build-images.sh failed:\n${run.stdout}${run.stderr}`);
  process.stderr.write(`\n${run.stdout.trim().split('\n').pop()} in ${Math.round((Date.now() - started) / 1000)} s\n`);
};
