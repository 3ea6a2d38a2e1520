'use strict';
/*
 * The two YAML parsers on the same manifest stream: `node bench/yaml-parsers.js [--quick]`
 * (also run by bench/limits.js, so by `npm run bench`). Needs `npm run build`.
 *
 * Why saplings-k8s keeps js-yaml beside `yaml` (src/config/yaml.ts): `validate`
 * reads manifest directories of up to 100,000 objects, and js-yaml builds plain
 * values many times faster than `yaml`'s document model. `yaml` stays for
 * configs (error positions) and for what js-yaml refuses or any file with
 * aliases (alias limits, positioned problems). The stream is the default
 * stack's objects, repeated, as `synth` writes them. Nothing here fails on speed.
 */
const jsYaml = require('js-yaml');
const YAML = require('yaml');
const { renderStack, defaultStacks } = require('../lib/src/config-api');

const QUICK = process.argv.includes('--quick');
const objects = renderStack(defaultStacks()[0]).objects;
const text = Array.from({ length: QUICK ? 100 : 500 }, () => objects.map((o) => YAML.stringify(o)).join('---\n')).join('---\n');

/** Milliseconds of the second of two runs (the first warms the JIT), the best of three such. */
function time(parse) {
  parse();
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = process.hrtime.bigint();
    parse();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
  }
  return best;
}

const fast = time(() => jsYaml.loadAll(text, undefined, { schema: jsYaml.CORE_SCHEMA }));
const checked = time(() => YAML.parseAllDocuments(text, { uniqueKeys: false }).map((d) => d.toJS()));
console.log(
  `YAML parsers, ${(text.length / 1e6).toFixed(1)} MB manifest stream (${objects.length * (QUICK ? 100 : 500)} objects): ` +
    `js-yaml ${fast.toFixed(0)} ms, yaml ${checked.toFixed(0)} ms (${(checked / fast).toFixed(1)}×)`,
);
