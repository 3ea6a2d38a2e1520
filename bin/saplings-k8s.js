#!/usr/bin/env node
'use strict';
// Thin shim: the CLI is compiled TypeScript in lib/ (built by `npm run build`, run on `npm ci`).
const { main } = require('../lib/src/cli/index.js');

main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  stderrIsTTY: process.stderr.isTTY === true,
}).then((code) => {
  process.exitCode = code;
});
