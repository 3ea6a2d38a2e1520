#!/usr/bin/env node
'use strict';
// Thin shim: the CLI is one esbuild bundle, lib/cli.js, made by `npm run build` (which `npm run synth`,
// `npm test` and packing run first; the published package ships lib/), loaded by ./load-bundle.js.
// Node 22.1+ keeps compiled code on disk between runs, keyed by the source's content; Node 20 lacks the call.
// https://nodejs.org/api/module.html#moduleenablecompilecachecachedir
const nodeModule = require('node:module');
if (typeof nodeModule.enableCompileCache === 'function') nodeModule.enableCompileCache();
const { main } = require('./load-bundle').loadBundle().exports;

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
