'use strict';
// The single-stack baseline (issue 15): the least a cdk8s-plus user runs to
// write one Deployment. `node bench/bare-deployment.js OUTDIR`.
const { App, Chart } = require('cdk8s');
const kplus = require('cdk8s-plus-28');

const app = new App({ outdir: process.argv[2] ?? 'dist-bare' });
const chart = new Chart(app, 'bare');
new kplus.Deployment(chart, 'App', { containers: [{ image: 'saplings:1.0.0', portNumber: 8000 }] });
app.synth();
