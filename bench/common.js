'use strict';
// Helpers shared by the benchmarks: fleet configs, timing whole processes, medians.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');

/** A scratch directory removed when the process exits. */
function workDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'saplings-bench-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The keys each target needs beyond a Kubernetes stack, per tenant. */
const TARGET_KEYS = {
  kubernetes: () => '',
  compose: () => '',
  cloudrun: (name) =>
    `cloudrun:\n  project: ${name}-prod\n  region: us-central1\n  serviceAccount: app@${name}-prod.iam.gserviceaccount.com\n  vpcNetwork: { network: default }\n  secrets:\n` +
    ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'DATABASE_URL', 'ENCRYPTION_KEY', 'REDIS_URL']
      .map((key) => `    ${key}: { secret: ${name}-${key.toLowerCase().replace(/_/g, '-')}, version: 1 }\n`)
      .join(''),
  ecs: (name) =>
    'ecs:\n  cluster: saplings-cluster\n  region: us-west-2\n' +
    '  executionRoleArn: arn:aws:iam::123456789012:role/ecsTaskExecutionRole\n  taskRoleArn: arn:aws:iam::123456789012:role/ecsTaskRole\n' +
    '  subnets: [subnet-0123456789abcdef0]\n  securityGroups: [sg-0123456789abcdef0]\n' +
    `  targetGroupArn: arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/${name}/0123456789abcdef\n` +
    `  secretsArnPrefix: "arn:aws:secretsmanager:us-west-2:123456789012:secret:${name}/"\n`,
};

/** A config of `n` production tenants (`tenant-NNNN`, each with its own host), with the keys `target` needs. */
function fleetConfig(dir, n, target = 'kubernetes') {
  const file = path.join(dir, `fleet-${target}-${n}.yaml`);
  if (fs.existsSync(file)) return file;
  const docs = Array.from({ length: n }, (_, i) => {
    const name = `tenant-${String(i).padStart(4, '0')}`;
    return `name: ${name}\nenvironment: production\nimage: saplings:1.0.0\ningress:\n  host: ${name}.api.example.com\n${TARGET_KEYS[target](name)}`;
  });
  fs.writeFileSync(file, docs.join('---\n'));
  return file;
}

/** Runs a command to completion; its wall time, and the peak memory it reports as `maxRSS KiB` on stderr. */
function timed(command, args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...options });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  const rss = /maxRSS (\d+)/.exec(result.stderr ?? '');
  return { seconds, peakMiB: rss ? Number(rss[1]) / 1024 : undefined, stdout: result.stdout };
}

/** The whole CLI run, `saplings-k8s synth ARGS` of the installed `bin`, into a fresh output directory. */
function synthRun(bin, dir, label, args) {
  const out = path.join(dir, `out-${label}`);
  fs.rmSync(out, { recursive: true, force: true });
  return timed(process.execPath, ['-r', path.join(__dirname, 'rss.js'), bin, 'synth', ...args, '--out', out], { cwd: dir });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Runs each function `runs` times, interleaved so a busy machine slows them alike, and gives the median of each. */
function interleavedMedians(runs, fns) {
  const samples = fns.map(() => []);
  for (let i = 0; i < runs; i++) fns.forEach((fn, j) => samples[j].push(fn()));
  return samples.map((s) => ({ seconds: median(s.map((r) => r.seconds)), peakMiB: median(s.map((r) => r.peakMiB ?? 0)) || undefined }));
}

/** A verdict for a ratio against its target. */
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');

module.exports = { ROOT, workDir, fleetConfig, timed, synthRun, median, interleavedMedians, verdict };
