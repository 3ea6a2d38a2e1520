'use strict';
/*
 * The serialization floor (issue 15), in a fresh process of its own:
 * `node bench/floor.js CONFIG` prints `{"seconds":…,"objects":…}`: the time
 * the `yaml` package takes to stringify every object the config synthesizes
 * to, after one warm-up pass. Rendering the objects is not timed.
 */
const YAML = require('yaml');
const { loadConfigFile } = require('../lib/src/config-api');
const { StackRenderer } = require('../lib/src/targets/kubernetes/render');

const renderer = new StackRenderer();
const objects = loadConfigFile(process.argv[2]).flatMap((stack) => renderer.render(stack).objects);
const serialize = () => objects.map((o) => YAML.stringify(o, { lineWidth: 0 })).join('---\n');
serialize(); // warm-up, so the floor is the library's steady-state cost
const start = process.hrtime.bigint();
serialize();
process.stdout.write(JSON.stringify({ seconds: Number(process.hrtime.bigint() - start) / 1e9, objects: objects.length }));
