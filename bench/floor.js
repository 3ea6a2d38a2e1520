'use strict';
/*
 * The serialization floor (issue 15), in a fresh process of its own:
 * `node bench/floor.js CONFIG` prints `{"seconds":…,"objects":…}`: the time
 * the `yaml` package takes to stringify every object the config synthesizes
 * to, after one warm-up pass. Rendering is not timed, and happens in a worker
 * thread that is gone before the clock starts: the timed heap holds only the
 * objects and `yaml`, not cdk8s and a fleet's construct trees, whose garbage
 * collection would slow the serialization and inflate the floor (by ~20% at
 * 1000 stacks here).
 */
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

if (isMainThread) {
  const renderer = new Worker(__filename, { workerData: process.argv[2] });
  renderer.once('error', (error) => {
    throw error;
  });
  renderer.once('message', async (json) => {
    await renderer.terminate();
    const YAML = require('yaml');
    const objects = JSON.parse(json);
    const serialize = () => objects.map((o) => YAML.stringify(o, { lineWidth: 0 })).join('---\n');
    serialize(); // warm-up, so the floor is the library's steady-state cost
    const start = process.hrtime.bigint();
    serialize();
    process.stdout.write(JSON.stringify({ seconds: Number(process.hrtime.bigint() - start) / 1e9, objects: objects.length }));
  });
} else {
  const { loadConfigFile } = require('../lib/src/config-api');
  const { StackRenderer } = require('../lib/src/targets/kubernetes/render');
  const stackRenderer = new StackRenderer();
  parentPort.postMessage(JSON.stringify(loadConfigFile(workerData).flatMap((stack) => stackRenderer.render(stack).objects)));
}
