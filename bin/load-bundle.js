'use strict';
/*
 * Loads lib/cli.js, the CLI's esbuild bundle, as `require` would (the same
 * module wrapper, a `require` of its own place), compiled from V8's code cache
 * of it when the build made one on this very Node: the cache file starts with
 * a digest of the bundle's text, the Node version, V8's version and the
 * architecture, and is used only when all four match. Otherwise, or when V8
 * refuses the data itself (other flags), the bundle compiles as usual.
 * Measured gain on Node 20 (BENCHMARKS.md): about 0.1 s of a 0.5 s cold run.
 * Nothing in Node's module system is patched; this is vm.Script's documented
 * `cachedData` option: https://nodejs.org/api/vm.html#new-vmscriptcode-options
 */
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');

const BUNDLE = path.join(__dirname, '..', 'lib', 'cli.js');
const CACHE = `${BUNDLE}.cache`;
const KEY_LENGTH = 32;

function cacheKey(bytes) {
  return createHash('sha256')
    .update(bytes)
    .update(`\0${process.version}\0${process.versions.v8}\0${process.arch}`)
    .digest();
}

/**
 * Loads the bundle. `usedCodeCache` says whether V8 compiled it from the cache; `writeCodeCache`
 * saves the cache with what this process has compiled so far (the build calls it after a run).
 */
function loadBundle() {
  // Hashed as read: hashing the decoded string would encode all 1.6 MB to UTF-8 again.
  const bytes = fs.readFileSync(BUNDLE);
  const key = cacheKey(bytes);
  const source = bytes.toString('utf8');
  let cachedData;
  try {
    const cache = fs.readFileSync(CACHE);
    if (cache.subarray(0, KEY_LENGTH).equals(key)) cachedData = cache.subarray(KEY_LENGTH);
  } catch {
    // No code cache (a clone before `npm run build`, or a build that made none): compile as usual.
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: BUNDLE, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, path.dirname(BUNDLE));
  return {
    exports: module.exports,
    usedCodeCache: cachedData !== undefined && !script.cachedDataRejected,
    writeCodeCache: () => fs.writeFileSync(CACHE, Buffer.concat([key, script.createCachedData()])),
  };
}

module.exports = { loadBundle, cacheKey, BUNDLE, CACHE };
