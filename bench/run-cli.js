'use strict';
// Runs the built CLI in this process and reports its peak memory (worker
// threads included) on stderr as the last line, for the fleet benchmark.
// It starts as bin/saplings-k8s.js does, with the build's code cache, so it times what a user runs.
require('../lib/src/cli/code-cache.js').useCodeCache(require('node:path').join(__dirname, '..', 'lib', 'code-cache.bin'));
const { main } = require('../lib/src/cli/index.js');

main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  stderrIsTTY: false,
}).then((code) => {
  process.stderr.write(`maxRSS ${process.resourceUsage().maxRSS}\n`);
  process.exitCode = code;
});
