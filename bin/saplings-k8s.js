#!/usr/bin/env node
'use strict';
// Thin shim: the CLI is compiled TypeScript in lib/ (built by `npm run build`, which `npm run synth`,
// `npm test` and packing run first; the published package ships lib/).
// The modules a run loads compile from the code cache the build made (see src/cli/code-cache.ts), when it is there.
require('../lib/src/cli/code-cache.js').useCodeCache(require('node:path').join(__dirname, '..', 'lib', 'code-cache.bin'));
const { main } = require('../lib/src/cli/index.js');

// `saplings-k8s schema | head` closes the pipe early; that is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  stderrIsTTY: process.stderr.isTTY === true,
}).then((code) => {
  process.exitCode = code;
});
