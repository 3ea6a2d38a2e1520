'use strict';
/*
 * `npm run build` (and so `prepack`, `npm run test:e2e`): compiles the
 * TypeScript to lib/ (the library entry points chart authors require,
 * lib/src/index.js and lib/src/config-api.js, with their declarations), makes
 * the build-time caches (scripts/build-caches.js), then bundles the CLI and
 * the fleet worker with esbuild (scripts/bundle.js), so a CLI run loads two
 * files instead of hundreds.
 *
 * `--no-types` (what `npm test` runs, beside `tsc --noEmit` over src and the
 * tests): the same JavaScript, transpiled file by file by esbuild instead of
 * tsc, and no declarations. The type check runs once instead of twice; the
 * sources are transpile-safe (ts-jest runs them with isolatedModules).
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const lib = path.join(root, 'lib');

/** Every .ts file (not .d.ts) under `dir`, relative to the root. */
function sources(dir) {
  return fs
    .readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f));
}

async function build() {
  fs.rmSync(lib, { recursive: true, force: true });
  if (process.argv.includes('--no-types')) {
    await require('esbuild').build({
      entryPoints: [...sources('src'), ...sources('imports')].map((f) => path.join(root, f)),
      outdir: lib,
      outbase: root,
      format: 'cjs',
      platform: 'node',
      target: 'es2022',
      tsconfig: path.join(root, 'tsconfig.json'),
      logLevel: 'warning',
    });
  } else {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
  }
  execFileSync(process.execPath, [path.join(__dirname, 'build-caches.js')], { stdio: 'inherit' });
  await require('./bundle').bundleAll(lib);
  writeCodeDigest();
}

/**
 * lib/code-digest: the sha256 of every file the build made (path and
 * content), which synth puts into each stack's input digest
 * (src/synth/incremental.ts), so reused output never outlives a code change,
 * even one the version string does not show. V8 code caches (*.cache) are
 * left out: they follow from the code and differ from machine to machine.
 */
function writeCodeDigest() {
  const hash = require('node:crypto').createHash('sha256');
  const files = fs
    .readdirSync(lib, { recursive: true, encoding: 'utf8' })
    .filter((f) => !f.endsWith('.cache') && f !== 'code-digest' && fs.statSync(path.join(lib, f)).isFile())
    .map((f) => f.split(path.sep).join('/'))
    .sort();
  for (const file of files) hash.update(`${file}\0`).update(fs.readFileSync(path.join(lib, file))).update('\0');
  fs.writeFileSync(path.join(lib, 'code-digest'), `${hash.digest('hex')}\n`);
}

build().catch((err) => {
  process.exitCode = 1;
  console.error(err);
});
