'use strict';
/*
 * What users install: `npm pack` (which runs prepack, the build), then the
 * tarball installed with its peers, at the versions this checkout uses, into
 * a fresh project in a scratch directory, from the npm cache where it can
 * (`--prefer-offline`). The benchmarks time that project's files, never the
 * checkout's.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('./common');

const PEERS = ['cdk8s', 'cdk8s-plus-28', 'constructs'];

/** Packs and installs into `dir`/project; returns its paths. */
function installPackage(dir, log = (text) => process.stderr.write(text)) {
  log('npm pack (builds)… ');
  const packed = execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const tarball = path.join(dir, packed.trim().split('\n').pop());
  const project = path.join(dir, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'bench-project', version: '1.0.0', private: true }));
  const version = (name) => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  log('npm install… ');
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent', tarball, ...PEERS.map((p) => `${p}@${version(p)}`)], {
    cwd: project,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // The baseline runs beside the package, on the same installed cdk8s and cdk8s-plus-28.
  fs.copyFileSync(path.join(__dirname, 'bare-deployment.js'), path.join(project, 'bare-deployment.js'));
  log('done\n');
  return {
    project,
    tarball,
    bin: path.join(project, 'node_modules', 'saplings-k8s', 'bin', 'saplings-k8s.js'),
    bare: path.join(project, 'bare-deployment.js'),
    entry: path.join(project, 'node_modules', 'saplings-k8s'),
  };
}

module.exports = { installPackage };
