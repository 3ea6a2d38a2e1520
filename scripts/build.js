'use strict';
/*
 * `npm run build` (and so `prepack`, `npm test`): compiles the TypeScript to
 * lib/ (the library entry points chart authors require, lib/src/index.js and
 * lib/src/config-api.js), makes the build-time caches (scripts/build-caches.js),
 * then bundles the CLI and the fleet worker with esbuild, so a CLI run loads
 * two files instead of hundreds. The peers (cdk8s, cdk8s-plus-28, constructs)
 * stay external: the CLI uses the copies the project installed, like a chart.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const lib = path.join(root, 'lib');

fs.rmSync(lib, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
execFileSync(process.execPath, [path.join(__dirname, 'build-caches.js')], { stdio: 'inherit' });
require('./bundle')
  .bundleAll(lib)
  .catch((err) => {
    process.exitCode = 1;
    console.error(err);
  });
