'use strict';
/*
 * `npm test [-- JEST ARGS]`: the build (`scripts/build.js --no-types`, which
 * type-checks src as it compiles it), then jest. The type check of the tests
 * (`npm run typecheck`) is part of `npm run lint`, CI's own step: beside jest
 * it took one of the two cores for most of the run.
 *
 * The property tests run a quarter of their cases here (SAPLINGS_PROPERTY_SCALE,
 * test/helpers/stack-arbitraries.ts), so `npm test` stays within its budget;
 * `npm run test:properties`, which CI runs, hunts with all of them.
 */
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const node = (args) =>
  new Promise((resolve) => {
    spawn(process.execPath, args, { cwd: root, stdio: 'inherit' }).on('close', (code) => resolve(code ?? 1));
  });

async function main() {
  if ((await node([path.join(__dirname, 'build.js'), '--no-types'])) !== 0) return 1;
  process.env.SAPLINGS_PROPERTY_SCALE ??= '0.25';
  return node([require.resolve('jest/bin/jest'), ...process.argv.slice(2)]);
}

main().then((code) => {
  process.exitCode = code;
});
