// @ts-check
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/**
 * jest globalTeardown: removes this run's temp dir (see temp-dir-setup.js), and
 * fails the run if a test left anything in it besides the empty `cdk8s.outdir.*`
 * dirs that cdk8s's Testing.app() makes. A test removes what it makes, as
 * tempDir() in test/helpers/cli.ts does in afterAll; this dir is a safety net
 * that also makes a forgotten cleanup visible, not the cleanup itself.
 */
module.exports = async function teardown() {
  const { dir, saved } = globalThis.__SAPLINGS_TEST_TMP__;
  if (saved.TMPDIR === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved.TMPDIR;

  const left = fs.readdirSync(dir).filter((name) => {
    const entry = path.join(dir, name);
    const emptyCdk8sOutdir = name.startsWith('cdk8s.outdir.') && fs.statSync(entry).isDirectory() && fs.readdirSync(entry).length === 0;
    return !emptyCdk8sOutdir;
  });
  fs.rmSync(dir, { recursive: true, force: true });
  if (left.length > 0) {
    throw new Error(`tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temp dir (now removed): ${left.join(', ')}. Remove what a test makes in afterAll.`);
  }
};
