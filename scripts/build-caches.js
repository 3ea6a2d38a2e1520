'use strict';
// Run by `npm run build` after tsc: data the CLI would otherwise compute on
// every run, saved under lib/ with a key that ties it to the code that made
// it (see src/config/default-stacks.ts and src/checks/k8s-validate/api-schema.ts).
const path = require('node:path');

const lib = path.join(__dirname, '..', 'lib', 'src');
require(path.join(lib, 'config', 'default-stacks')).writeDefaultStacksCache();
require(path.join(lib, 'checks', 'k8s-validate', 'api-schema')).writeModelCache();

// The kubernetes-models validators of the kinds the targets write, as one file (see BUNDLED_KINDS in
// src/checks/k8s-validate/constraints.ts), with the version of every package it holds.
const esbuild = require('esbuild');
const fs = require('node:fs');
const { BUNDLED_KINDS } = require(path.join(lib, 'checks', 'k8s-validate', 'constraints'));
const outDir = path.join(lib, 'checks', 'k8s-validate');
const models = BUNDLED_KINDS.map((key) => {
  const kind = key.slice(key.lastIndexOf('/') + 1);
  return `  ${JSON.stringify(key)}: () => require(${JSON.stringify(`kubernetes-models/${key}`)})[${JSON.stringify(kind)}],`;
});
const result = esbuild.buildSync({
  stdin: { contents: `exports.models = {\n${models.join('\n')}\n};\n`, resolveDir: path.join(__dirname, '..'), loader: 'js' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  write: false,
  metafile: true,
  logLevel: 'warning',
});
// Each package directory the bundle took code from, relative to the node_modules that holds kubernetes-models
// (real paths both, as require.resolve gives them at run time). Under npm they lie below it; under pnpm a
// dependency's dependency lies in another directory of its store (`../../is-plain-object@5.1.0/node_modules/…`).
const nodeModules = path.dirname(path.dirname(require.resolve('kubernetes-models/package.json')));
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs).filter((i) => i !== '<stdin>')) {
  const absolute = fs.realpathSync(path.resolve(path.join(__dirname, '..'), input));
  const relative = path.relative(nodeModules, absolute).split(path.sep);
  if (!absolute.split(path.sep).includes('node_modules')) throw new Error(`the validator bundle takes ${input}, which is in no node_modules`);
  // The package directory: up to the last `node_modules` segment, then the (scoped) name.
  let end = relative.lastIndexOf('node_modules') + 1;
  end += relative[end].startsWith('@') ? 2 : 1;
  packages.add(relative.slice(0, end).join('/'));
}
const versions = Object.fromEntries(
  [...packages].sort().map((dir) => [dir, JSON.parse(fs.readFileSync(path.join(nodeModules, dir, 'package.json'), 'utf8')).version]),
);
fs.writeFileSync(
  path.join(outDir, 'validators.bundle.js'),
  `${result.outputFiles[0].text}exports.versions = ${JSON.stringify(versions)};\n`,
);

// V8's code cache of that bundle, taken after the checks have run on stacks that hold every bundled kind,
// so the validators' functions are in it compiled (see BUNDLE_CODE_CACHE in constraints.ts).
{
  const { parseConfigText } = require(path.join(lib, 'config', 'load'));
  const { renderStack } = require(path.join(lib, 'targets', 'kubernetes', 'render'));
  const { validateObjects } = require(path.join(lib, 'checks', 'k8s-validate'));
  const { writeValidatorCodeCache } = require(path.join(lib, 'checks', 'k8s-validate', 'constraints'));
  const samples = [
    'environment: production\nimage: saplings:1.0.0\nvectorDb: { enabled: true, engine: pgvector }',
    'name: sample-dev\nenvironment: development\nimage: saplings:1.0.0\nvectorDb: { enabled: true, engine: qdrant }\nsecrets: { source: inline, keys: [SAMPLE_KEY], values: { SAMPLE_KEY: sample, REDIS_PASSWORD: sample, QDRANT_API_KEY: sample } }',
    'name: sample-staging\nenvironment: staging\nimage: saplings:1.0.0',
  ].join('\n---\n');
  const checked = new Set();
  for (const stack of parseConfigText(samples, '(build sample)')) {
    const { objects } = renderStack(stack);
    validateObjects(objects);
    for (const object of objects) checked.add(`${object.apiVersion}/${object.kind}`);
  }
  const missing = BUNDLED_KINDS.filter((key) => !checked.has(key));
  if (missing.length > 0) throw new Error(`the code cache's sample stacks hold no ${missing.join(', ')}: add a stack that does`);
  if (!writeValidatorCodeCache()) throw new Error('the checks did not load the validator bundle');
}
