'use strict';
/*
 * `npm test [-- JEST ARGS]`: the build (`scripts/build.js --no-types`) and the
 * type check (`tsc --noEmit` over src and the tests) start together; jest
 * starts as soon as the build is done, while the type check may still run, so
 * both cores stay busy. Fails if any of the three fails.
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
  const build = node([path.join(__dirname, 'build.js'), '--no-types']);
  const typecheck = node([require.resolve('typescript/bin/tsc'), '--noEmit', '-p', path.join(root, 'tsconfig.test.json')]);
  if ((await build) !== 0) {
    await typecheck;
    return 1;
  }
  process.env.SAPLINGS_PROPERTY_SCALE ??= '0.25';
  const tests = await node([require.resolve('jest/bin/jest'), ...process.argv.slice(2)]);
  return (await typecheck) || tests;
}

main().then((code) => {
  process.exitCode = code;
});
