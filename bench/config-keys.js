'use strict';
// Times renderStack for one stack whose app.config holds N keys (default
// 10,000), the case issue 10 bounds at 2 s. Usage, after npm run build:
//   node bench/config-keys.js [N]
const { performance } = require('node:perf_hooks');
const { parseConfigText, renderStack } = require('../lib/src/config');

const keys = Number(process.argv[2] ?? 10000);
const lines = ['environment: production', 'image: saplings:1.0.0', 'app:', '  config:'];
for (let i = 0; i < keys; i++) lines.push(`    KEY_${i}: "value ${i}"`);
const [stack] = parseConfigText(lines.join('\n') + '\n', 'bench.yaml');

// Warm-up: the first stack also pays for loading cdk8s-plus lazily.
renderStack(parseConfigText('environment: production\nimage: saplings:1.0.0\n', 'warm.yaml')[0]);
const start = performance.now();
const { objects } = renderStack(stack);
const seconds = (performance.now() - start) / 1000;
const configMap = objects.find((o) => o.kind === 'ConfigMap');
process.stdout.write(`${keys} app.config keys: renderStack ${seconds.toFixed(2)} s (${Object.keys(configMap.data).length} ConfigMap entries)\n`);
