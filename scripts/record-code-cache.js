'use strict';
// Run by scripts/build-caches.js in a process of its own: records the modules a single-stack
// `synth` of the built-in default stack loads, then writes their V8 code cache to lib/code-cache.bin.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const { recordCodeCache } = require(path.join(root, 'lib', 'src', 'cli', 'code-cache'));
const nodeModules = path.dirname(path.dirname(require.resolve('cdk8s/package.json')));
const cli = path.join(root, 'lib', 'src', 'cli', 'index.js');
// Resolutions hold while npm's record of node_modules (rewritten by every install) and this build's CLI module stay as they are.
const writeCache = recordCodeCache([path.join(root, 'lib'), nodeModules], [path.join(nodeModules, '.package-lock.json'), cli]);
const { main } = require(cli);

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'saplings-code-cache-'));
let said = '';
const say = (text) => {
  said += text;
};
main(['synth', '--out', out], { stdout: say, stderr: say, cwd: out, env: {}, stderrIsTTY: false })
  .then((code) => {
    if (code !== 0) throw new Error(`the recording synth exited ${code}:\n${said}`);
    writeCache(path.join(root, 'lib', 'code-cache.bin'));
  })
  .finally(() => fs.rmSync(out, { recursive: true, force: true }));
