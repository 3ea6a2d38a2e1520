'use strict';
/*
 * The CLI and the fleet worker as one file each, bundled by esbuild from the
 * compiled lib/src (so the bundles run exactly the code the library ships).
 *
 * Bundled modules keep their own `__dirname` and `__filename`: each is set to
 * where the module lies in lib/src, so the data files the build writes beside
 * them (default-stacks.json, api-model-<version>.json, validators.bundle.js) and the
 * package.json above them are found as they are by the unbundled library.
 * Nothing patches Node's module system at run time.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

/** Packages required at run time from node_modules, not bundled. */
const EXTERNAL = [
  // The peers: one copy, the project's (a second constructs would break `instanceof` between the two).
  'cdk8s', 'cdk8s-plus-28', 'constructs',
  // Required by computed paths only (`kubernetes-models/${apiVersion}/${kind}`) for kinds outside the
  // validator bundle (src/checks/k8s-validate/constraints.ts).
  'kubernetes-models',
];

/** Gives every module under `libSrc` its own `__dirname` and `__filename`, relative to the bundle's directory. */
function ownPaths(libSrc, outDir) {
  return {
    name: 'own-paths',
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, async (args) => {
        if (path.relative(libSrc, args.path).startsWith('..')) return undefined;
        const source = await fs.promises.readFile(args.path, 'utf8');
        const rel = (p) => JSON.stringify(path.relative(outDir, p).split(path.sep).join('/'));
        const prelude =
          `var __dirname = require("path").join(__bundleDir, ${rel(path.dirname(args.path))}), ` +
          `__filename = require("path").join(__bundleDir, ${rel(args.path)});`;
        // On the module's first line, so its line numbers in stack traces stay as they are.
        return { contents: `${prelude}${source}`, loader: 'js' };
      });
    },
  };
}

/** Bundles `entry` (a module of lib/src) into `outfile`. */
async function bundle(lib, entry, outfile) {
  const libSrc = path.join(lib, 'src');
  // The default stacks' key of the modules bundled (src/config/default-stacks.ts), computed once here
  // rather than by reading and hashing them on every run.
  const defaultStacksKey = require(path.join(libSrc, 'config', 'default-stacks.js')).defaultStacksKey();
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
    banner: { js: "const __bundleDir = __dirname;" },
    define: { SAPLINGS_BUNDLED_DEFAULT_STACKS_KEY: JSON.stringify(defaultStacksKey) },
    plugins: [ownPaths(libSrc, path.dirname(outfile))],
    // Smaller to parse on every run; names kept for --debug stack traces.
    minify: true,
    keepNames: true,
    allowOverwrite: true,
    logLevel: 'warning',
    write: false,
  });
  fs.writeFileSync(outfile, result.outputFiles[0].text);
}

/** Bundles the CLI to lib/cli.js and the fleet worker over its compiled module, where FleetWorkers looks for it. */
async function bundleAll(lib) {
  const worker = path.join(lib, 'src', 'synth', 'fleet-worker.js');
  await Promise.all([bundle(lib, path.join(lib, 'src', 'cli', 'index.js'), path.join(lib, 'cli.js')), bundle(lib, worker, worker)]);
  // V8's code cache of the CLI bundle (bin/load-bundle.js), recorded in a fresh process after a
  // single-stack synth, so the functions a run calls are in it compiled.
  execFileSync(process.execPath, [path.join(__dirname, 'record-code-cache.js')], { stdio: 'inherit' });
}

module.exports = { bundleAll };
