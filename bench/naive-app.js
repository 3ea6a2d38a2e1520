'use strict';
// The naive baseline: every stack as a chart of ONE cdk8s App, synthesized
// with app.synth(). cdk8s walks the whole construct tree per chart, so this
// grows quadratically with the number of stacks.
const { App } = require('cdk8s');
const { loadConfigFile, stackPropsFromConfig } = require('../lib/src/config-api');
const { SaplingsStack } = require('../lib/src/targets/kubernetes/saplings-stack');

const [config, outdir] = process.argv.slice(2);
const app = new App({ outdir });
for (const stack of loadConfigFile(config)) new SaplingsStack(app, stack.name, stackPropsFromConfig(stack));
app.synth();
process.stderr.write(`maxRSS ${process.resourceUsage().maxRSS}\n`);
