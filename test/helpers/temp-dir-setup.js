// @ts-check
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/**
 * jest globalSetup: gives this run a temp dir of its own and points TMPDIR at it,
 * before jest starts its workers, so everything the tests put in os.tmpdir()
 * lands there: our helpers' dirs, and the empty `cdk8s.outdir.*` dirs that
 * cdk8s's Testing.app() makes on every call. The teardown removes it.
 */
module.exports = async function setup() {
  const parent = os.tmpdir();
  const dir = fs.mkdtempSync(path.join(parent, 'saplings-test-run-'));
  globalThis.__SAPLINGS_TEST_TMP__ = { dir, saved: { TMPDIR: process.env.TMPDIR } };
  process.env.TMPDIR = dir;
};
