'use strict';
// Run by scripts/bundle.js in a process of its own: loads the CLI bundle as bin/saplings-k8s.js does,
// synthesizes the built-in default stack into a scratch directory, then writes the bundle's V8 code
// cache (see bin/load-bundle.js for how it is keyed and checked).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { loadBundle } = require('../bin/load-bundle');

const { exports: cli, writeCodeCache } = loadBundle();
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'saplings-code-cache-'));
let said = '';
const say = (text) => {
  said += text;
};
cli
  .main(['synth', '--example', '--out', out], { stdout: say, stderr: say, cwd: out, env: {}, stderrIsTTY: false })
  .then((code) => {
    if (code !== 0) throw new Error(`the recording synth exited ${code}:\n${said}`);
    writeCodeCache();
  })
  .finally(() => fs.rmSync(out, { recursive: true, force: true }));
