import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasStackTrace, runMain, snapshotDir, tempDir } from '../../helpers/cli';

/*
 * Every rule that refuses a config, through the CLI's entry: `synth --config`
 * in a directory whose dist/ a good run already wrote. A refused config must
 * exit 1, name the key path (or the file and what is wrong with it), show the
 * offending value, print no stack trace, and leave dist/ byte for byte as it was.
 */

const prod = 'environment: production\nimage: saplings:1.0.0\n';
const dev = 'environment: development\nimage: saplings:1.0.0\n';

/** One refused config. */
interface BadConfig {
  /** What is wrong, for the test title. */
  readonly title: string;
  /** The file `--config` names; written into the temp dir unless `setup` says otherwise. */
  readonly file: string;
  /** The file's text; leave out when `setup` makes the path. */
  readonly text?: string;
  /** Makes `file` some other way (binary, directory, missing). */
  readonly setup?: (absolute: string) => void;
  /** Where the problem is, right after the file name: `:4:9: app.port`, `:5:8` (no key), or '' for a file that has no text to point into. */
  readonly where: string;
  /** Words the explanation must contain. */
  readonly says: string;
  /** The offending value as the message shows it, when there is one. */
  readonly value?: string;
}

const cases: BadConfig[] = [
  // The file itself.
  {
    title: 'YAML syntax error, with line:col',
    file: 'syntax.yaml',
    text: `${prod}ingress:\n  host: api.example.com\n  tls: true: false\n`,
    where: ':5:8',
    says: 'YAML syntax error: Nested mappings are not allowed in compact mappings',
  },
  {
    title: 'tab indentation, with line:col',
    file: 'tabs.yaml',
    text: `${prod}app:\n\tport: 8000\n`,
    where: ':4:1',
    says: 'YAML syntax error: Tabs are not allowed as indentation',
  },
  {
    title: 'a key written twice',
    file: 'twice.yaml',
    text: `${prod}image: saplings:2.0.0\n`,
    where: ':3:1',
    says: 'YAML syntax error: Map keys must be unique',
  },
  {
    title: 'empty file',
    file: 'empty.yaml',
    text: '',
    where: ':1:1',
    says: 'is empty; a stack needs at least "environment" and "image"',
  },
  {
    title: 'a file of comments only',
    file: 'comments.yaml',
    text: '# environment: production\n# image: saplings:1.0.0\n',
    where: ':1:1',
    says: 'is empty; a stack needs at least "environment" and "image"',
  },
  {
    title: 'binary file',
    file: 'binary.yaml',
    setup: (file) => fs.writeFileSync(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d])),
    where: '',
    says: 'is a binary file, not YAML or JSON text',
  },
  {
    title: 'text that is not UTF-8',
    file: 'latin1.yaml',
    setup: (file) => fs.writeFileSync(file, Buffer.from(`${prod}app:\n  config:\n    GREETING: "gr\xfc\xdf"\n`, 'latin1')),
    where: '',
    says: 'is not valid UTF-8 text',
  },
  {
    title: 'missing file',
    file: 'nowhere.yaml',
    setup: () => undefined,
    where: '',
    says: 'file not found; run `saplings-k8s init` to write a starter saplings.yaml',
  },
  {
    title: 'a directory given as --config',
    file: 'configs.d',
    setup: (dir) => fs.mkdirSync(dir),
    where: '',
    says: 'is a directory; --config takes a YAML or JSON file',
  },
  {
    title: 'a document that is a list, not a mapping',
    file: 'list.yaml',
    text: '- environment: production\n- image: saplings:1.0.0\n',
    where: ':1:1',
    says: 'must be a mapping of config keys',
    value: '[{"environment":"production"},{"image":"saplings:1.0.0"}]',
  },

  // Keys and types.
  {
    title: 'unknown top-level key, with a suggestion',
    file: 'top-typo.yaml',
    text: 'environment: production\nimgae: saplings:1.0.0\n',
    where: ':2:1: imgae',
    says: 'unknown key; did you mean "image"?',
  },
  {
    title: 'unknown nested key, with a suggestion',
    file: 'nested-typo.yaml',
    text: `${prod}app:\n  replicaz: 2\n`,
    where: ':4:3: app.replicaz',
    says: 'unknown key; did you mean "replicas"?',
  },
  {
    title: 'wrong type: a string for a port',
    file: 'port-type.yaml',
    text: `${prod}app:\n  port: eighty\n`,
    where: ':4:9: app.port',
    says: 'expected number',
    value: '"eighty"',
  },
  {
    title: 'wrong type: a string for a boolean',
    file: 'bool-type.yaml',
    text: `${prod}redis:\n  enabled: "yes"\n`,
    where: ':4:12: redis.enabled',
    says: 'expected boolean',
    value: '"yes"',
  },
  {
    title: 'missing environment',
    file: 'no-env.yaml',
    text: 'image: saplings:1.0.0\n',
    where: ':1:1: environment',
    says: 'is required (expected one of "development"|"staging"|"production")',
    value: 'is required',
  },
  {
    title: 'a stack named like its Redis',
    file: 'name-redis.yaml',
    text: `${prod}name: redis\n`,
    where: ':3:7: name',
    says: 'is the name of the stack\'s redis service, whose objects (redis-service, redis-data-pvc) would collide with the app\'s; choose another name',
    value: '"redis"',
  },
  {
    title: 'a Kubernetes system namespace',
    file: 'kube-system.yaml',
    text: `${prod}namespace: kube-system\n`,
    where: ':3:12: namespace',
    says: 'kube-system is a Kubernetes system namespace',
    value: '"kube-system"',
  },
  {
    title: 'a TLS secret that would overwrite the app\'s Secret',
    file: 'tls-secret.yaml',
    text: `${prod}ingress:\n  tlsSecretName: saplings-secrets\n`,
    where: ':4:18: ingress.tlsSecretName',
    says: 'cert-manager would overwrite the app\'s credentials',
    value: '"saplings-secrets"',
  },
  {
    title: 'a malformed digest in production',
    file: 'bad-digest.yaml',
    text: 'environment: production\nimage: saplings@sha256:abc\n',
    where: ':2:8: image',
    says: 'must be an image reference: [registry[:port]/]name[:tag][@digest]',
    value: '"saplings@sha256:abc"',
  },
  {
    title: 'a digest of the wrong length in production',
    file: 'short-digest.yaml',
    text: `environment: production\nimage: saplings@sha256:${'ab'.repeat(16)}\n`,
    where: ':2:8: image',
    says: 'is not pinned',
    value: `"saplings@sha256:${'ab'.repeat(16)}"`,
  },
  {
    title: 'an app.config key that is not an environment variable name',
    file: 'config-key.yaml',
    text: `${prod}app:\n  config:\n    "..data": x\n`,
    where: ':5:5: app.config["..data"]',
    says: 'must be an environment variable name',
    value: '"..data"',
  },
  {
    title: 'missing image',
    file: 'no-image.yaml',
    text: 'environment: production\n',
    where: ':1:1: image',
    says: 'is required (expected string)',
  },
  {
    title: 'invalid environment',
    file: 'bad-env.yaml',
    text: 'environment: prod\nimage: saplings:1.0.0\n',
    where: ':1:14: environment',
    says: 'expected one of "development"|"staging"|"production"',
    value: '"prod"',
  },

  // Ranges.
  {
    title: 'autoscaling.minReplicas 0',
    file: 'min-zero.yaml',
    text: `${prod}autoscaling:\n  minReplicas: 0\n`,
    where: ':4:16: autoscaling.minReplicas',
    says: 'expected number to be >=1',
    value: 'got 0',
  },
  {
    title: 'autoscaling.minReplicas > maxReplicas',
    file: 'min-max.yaml',
    text: `${prod}autoscaling:\n  minReplicas: 10\n  maxReplicas: 4\n`,
    where: ':5:16: autoscaling.maxReplicas',
    says: 'must be ≥ minReplicas (10)',
    value: 'got 4',
  },
  {
    title: 'targetCPUUtilization 0',
    file: 'cpu-0.yaml',
    text: `${prod}autoscaling:\n  targetCPUUtilization: 0\n`,
    where: ':4:25: autoscaling.targetCPUUtilization',
    says: 'expected number to be >=1',
    value: 'got 0',
  },
  {
    title: 'targetCPUUtilization 101',
    file: 'cpu-101.yaml',
    text: `${prod}autoscaling:\n  targetCPUUtilization: 101\n`,
    where: ':4:25: autoscaling.targetCPUUtilization',
    says: 'expected number to be <=100',
    value: 'got 101',
  },
  {
    title: 'targetMemoryUtilization 0',
    file: 'memory-0.yaml',
    text: `${prod}autoscaling:\n  targetMemoryUtilization: 0\n`,
    where: ':4:28: autoscaling.targetMemoryUtilization',
    says: 'expected number to be >=1',
    value: 'got 0',
  },
  {
    title: 'targetMemoryUtilization 101',
    file: 'memory-101.yaml',
    text: `${prod}autoscaling:\n  targetMemoryUtilization: 101\n`,
    where: ':4:28: autoscaling.targetMemoryUtilization',
    says: 'expected number to be <=100',
    value: 'got 101',
  },
  {
    title: 'cpu request above the cpu limit',
    file: 'cpu-request.yaml',
    text: `${prod}app:\n  resources:\n    requests: { cpu: 3000m }\n    limits: { cpu: "2" }\n`,
    where: ':5:22: app.resources.requests.cpu',
    says: 'must be ≤ limits.cpu (2)',
    value: 'got 3000m',
  },
  {
    title: 'memory request above the memory limit',
    file: 'memory-request.yaml',
    text: `${prod}redis:\n  resources:\n    requests: { memory: 1Gi }\n`,
    where: ':5:25: redis.resources.requests.memory',
    says: 'must be ≤ limits.memory (512Mi)',
    value: 'got 1Gi',
  },
  {
    title: 'port 0',
    file: 'port-0.yaml',
    text: `${prod}app:\n  port: 0\n`,
    where: ':4:9: app.port',
    says: 'expected number to be >=1',
    value: 'got 0',
  },
  {
    title: 'port 70000',
    file: 'port-70000.yaml',
    text: `${prod}app:\n  port: 70000\n`,
    where: ':4:9: app.port',
    says: 'expected number to be <=65535',
    value: 'got 70000',
  },
  {
    title: 'negative storage size',
    file: 'storage-negative.yaml',
    text: `${prod}app:\n  storage:\n    size: -5Gi\n`,
    where: ':5:11: app.storage.size',
    says: 'must be a positive Kubernetes quantity',
    value: '"-5Gi"',
  },
  {
    title: 'storage size that is not a quantity',
    file: 'storage-junk.yaml',
    text: `${prod}vectorDb:\n  enabled: true\n  storage:\n    size: 50GB\n`,
    where: ':6:11: vectorDb.storage.size',
    says: 'must be a positive Kubernetes quantity',
    value: '"50GB"',
  },
  {
    title: 'invalid name',
    file: 'bad-name.yaml',
    text: `name: Saplings_Prod\n${prod}`,
    where: ':1:7: name',
    says: 'must be a DNS-1123 label',
    value: '"Saplings_Prod"',
  },
  {
    title: 'name too long for the derived names (48 > 47 characters)',
    file: 'long-name.yaml',
    text: `name: ${'a'.repeat(48)}\n${prod}`,
    where: ':1:7: name',
    says: 'must be at most 47 characters',
    value: `"${'a'.repeat(48)}"`,
  },
  {
    title: 'invalid ingress.host',
    file: 'bad-host.yaml',
    text: `${prod}ingress:\n  host: api..example.com\n`,
    where: ':4:9: ingress.host',
    says: 'must be a DNS name such as api.example.com',
    value: '"api..example.com"',
  },
  {
    title: 'invalid ingress.metricsAllowCidrs entry',
    file: 'bad-cidr.yaml',
    text: `${prod}ingress:\n  metricsAllowCidrs: [10.0.0.0/8, 10.0.0.0/33]\n`,
    where: ':4:35: ingress.metricsAllowCidrs[1]',
    says: 'must be a CIDR such as 10.0.0.0/8',
    value: '"10.0.0.0/33"',
  },
  {
    title: 'unknown vectorDb.engine',
    file: 'engine.yaml',
    text: `${prod}vectorDb:\n  enabled: true\n  engine: milvus\n`,
    where: ':5:11: vectorDb.engine',
    says: 'expected one of "pgvector"|"qdrant"',
    value: '"milvus"',
  },
  {
    title: 'ingress.rateLimitRps 0',
    file: 'rps-0.yaml',
    text: `${prod}ingress:\n  rateLimitRps: 0\n`,
    where: ':4:17: ingress.rateLimitRps',
    says: 'expected number to be >=1',
    value: 'got 0',
  },

  // Several stacks in one file.
  {
    title: 'duplicate stack names across documents',
    file: 'dup-names.yaml',
    text: `name: tenant\n${prod}---\nname: tenant\nnamespace: tenant-two\n${prod}`,
    where: ':5:7: name',
    says: 'is already used by document 1; each stack needs its own name',
    value: '"tenant"',
  },
  {
    title: 'duplicate namespaces across documents',
    file: 'dup-namespaces.yaml',
    text: `name: a\nnamespace: shared\n${prod}---\nname: b\n${prod}---\nname: c\nnamespace: shared\n${prod}`,
    where: ':11:12: namespace',
    says: 'is already used by document 1; each stack needs its own namespace',
    value: '"shared"',
  },

  // Production gates.
  {
    title: 'production with image saplings:latest',
    file: 'latest.yaml',
    text: 'environment: production\nimage: saplings:latest\n',
    where: ':2:8: image',
    says: 'is not pinned; use a version tag (saplings:1.0.0) or a digest',
    value: '"saplings:latest"',
  },
  {
    title: 'production with an untagged image',
    file: 'untagged.yaml',
    text: 'environment: production\nimage: saplings\n',
    where: ':2:8: image',
    says: 'is not pinned',
    value: '"saplings"',
  },
  {
    title: 'production with ingress.tls false',
    file: 'no-tls.yaml',
    text: `${prod}ingress:\n  tls: false\n`,
    where: ':4:8: ingress.tls',
    says: 'the ingress serves plain HTTP; set ingress.tls: true',
  },
  {
    title: 'secrets.source inline in production',
    file: 'inline-prod.yaml',
    text: `${prod}secrets:\n  source: inline\n  values: { OPENAI_API_KEY: not-a-real-key }\n`,
    where: ':4:11: secrets.source',
    says: 'is allowed only in development, not production; use existing or external',
    value: '"inline"',
  },
  {
    title: 'secrets.source inline in staging',
    file: 'inline-staging.yaml',
    text: 'environment: staging\nimage: saplings:1.0.0\nsecrets:\n  source: inline\n  fromEnv: true\n',
    where: ':4:11: secrets.source',
    says: 'is allowed only in development, not staging',
    value: '"inline"',
  },

  // Secret sources.
  {
    title: 'secrets.source external without secrets.external',
    file: 'external-none.yaml',
    text: `${prod}secrets:\n  source: external\n`,
    where: ':4:3: secrets.external',
    says: 'is required when source is external (set at least external.storeName)',
  },
  {
    title: 'secrets.source external without external.storeName',
    file: 'external-no-store.yaml',
    text: `${prod}secrets:\n  source: external\n  external:\n    remoteKeyPrefix: saplings/prod/\n`,
    where: ':6:5: secrets.external.storeName',
    says: 'is required (expected string)',
  },
  {
    title: 'secrets.values with source existing',
    file: 'values-existing.yaml',
    text: `${prod}secrets:\n  source: existing\n  values: { DATABASE_URL: "sqlite:///tmp/x.db" }\n`,
    where: ':5:11: secrets.values',
    says: 'applies only to source: inline, but source is existing',
    // Values under secrets are never shown, only their kind and size.
    value: 'a mapping of 1 key (not shown)',
  },
  {
    title: 'inline in development with neither values nor fromEnv',
    file: 'inline-empty.yaml',
    text: `${dev}secrets:\n  source: inline\n`,
    where: ':4:3: secrets.values.OPENAI_API_KEY',
    says: 'has no value; set it under secrets.values, or set secrets.fromEnv: true and export it',
  },
  {
    title: 'inline in development with fromEnv but nothing exported',
    file: 'inline-no-env.yaml',
    text: `${dev}secrets:\n  source: inline\n  fromEnv: true\n`,
    where: ':4:3: secrets.values.OPENAI_API_KEY',
    says: 'has no value; set it under secrets.values or export OPENAI_API_KEY before synth',
  },
];

describe('synth refuses bad configs and leaves dist/ as it was', () => {
  const cwd = tempDir();
  const dist = path.join(cwd, 'dist');
  let before: Record<string, string>;

  beforeAll(async () => {
    expect((await runMain(['synth', '--example'], cwd)).status).toBe(0);
    before = snapshotDir(dist);
    expect(Object.keys(before).sort()).toStrictEqual(['.saplings-k8s-files', 'saplings.k8s.yaml']);
  });

  test('the table covers at least 30 configs, each in its own file', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(new Set(cases.map((c) => c.file)).size).toBe(cases.length);
  });

  test.each(cases)('$title', async (c) => {
    const absolute = path.join(cwd, c.file);
    if (c.setup) c.setup(absolute);
    else fs.writeFileSync(absolute, c.text ?? '');

    // The CLI's own environment carries no secrets, so fromEnv finds nothing.
    const run = await runMain(['synth', '--config', c.file], cwd);

    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(hasStackTrace(run.stderr)).toBe(false);
    const prefix = `✖ ${c.file}${c.where}: `;
    const line = run.stderr.split('\n').find((l) => l.startsWith(prefix));
    expect({ stderr: run.stderr, line }).toMatchObject({ line: expect.stringContaining(c.says) });
    if (c.value !== undefined) expect(line).toContain(c.value);
    expect(run.stderr).toMatch(/^\d+ problems?; nothing was written\.$/m);
    expect(snapshotDir(dist)).toStrictEqual(before);
  });

  test('every problem of a file is reported at once, one line each, with the count', async () => {
    fs.writeFileSync(
      path.join(cwd, 'many.yaml'),
      [
        'environment: prod',
        'image: saplings:1.0.0',
        'app:',
        '  port: 0',
        '  replicaz: 2',
        'autoscaling:',
        '  minReplicas: 0',
        '  targetMemoryUtilization: 101',
        'ingress:',
        '  host: "not a host"',
        '',
      ].join('\n'),
    );
    const run = await runMain(['synth', '--config', 'many.yaml'], cwd);
    expect(run.status).toBe(1);
    expect(hasStackTrace(run.stderr)).toBe(false);
    const problems = run.stderr.split('\n').filter((l) => l.startsWith('✖ '));
    expect(problems.map((l) => l.replace(/^✖ many\.yaml:\d+:\d+: ([^:]+): .*$/, '$1')).sort()).toStrictEqual(
      ['app.port', 'app.replicaz', 'autoscaling.minReplicas', 'autoscaling.targetMemoryUtilization', 'environment', 'ingress.host'].sort(),
    );
    expect(run.stderr).toContain('✖ many.yaml:1:14: environment: expected one of "development"|"staging"|"production", got "prod"\n');
    expect(run.stderr).toContain('✖ many.yaml:10:9: ingress.host: must be a DNS name such as api.example.com (a leading "*." wildcard is allowed), got "not a host"\n');
    expect(run.stderr.endsWith('6 problems; nothing was written.\n')).toBe(true);
    expect(snapshotDir(dist)).toStrictEqual(before);
  });

  test('problems in several documents are all reported, each at its line in the file', async () => {
    fs.writeFileSync(
      path.join(cwd, 'fleet.yaml'),
      `name: a\n${prod}app:\n  port: 0\n---\nname: b\n${prod}ingress:\n  readTimeoutSeconds: 0\n`,
    );
    const run = await runMain(['synth', '--config', 'fleet.yaml'], cwd);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('✖ fleet.yaml:5:9: app.port: expected number to be >=1, got 0\n');
    expect(run.stderr).toContain('✖ fleet.yaml:11:23: ingress.readTimeoutSeconds: expected number to be >=1, got 0\n');
    expect(run.stderr).toContain('2 problems; nothing was written.\n');
    expect(snapshotDir(dist)).toStrictEqual(before);
  });

  // The yaml library throws for an alias whose anchor is missing, and the CLI
  // takes its unexpected-error path: no file name, no position, "Run again with --debug".
  test('an alias to a missing anchor names the file and line:col', async () => {
    fs.writeFileSync(path.join(cwd, 'alias.yaml'), 'environment: production\nimage: *img\n');
    const run = await runMain(['synth', '--config', 'alias.yaml'], cwd);
    expect(run.status).toBe(1);
    expect(hasStackTrace(run.stderr)).toBe(false);
    expect(snapshotDir(dist)).toStrictEqual(before);
    expect(run.stderr).toMatch(/^✖ alias\.yaml:2:8: .*img/m);
    expect(run.stderr).not.toContain('--debug');
  });
});

describe('errors in a 200-stack fleet', () => {
  test('point at the line in the whole file, and name the key', async () => {
    const cwd = tempDir();
    const docs = Array.from({ length: 200 }, (_, i) => `name: t${i}\n${prod}${i === 149 ? 'app:\n  replicaz: 3\n' : ''}`);
    fs.writeFileSync(path.join(cwd, 'fleet.yaml'), docs.join('---\n'));
    const run = await runMain(['synth', '-c', 'fleet.yaml', '--out', 'out'], cwd);
    expect(run.status).toBe(1);
    // Document 150 starts on line 4 × 149 + 1 = 597; its app.replicaz is four lines further.
    expect(run.stderr).toContain('✖ fleet.yaml:601:3: app.replicaz: unknown key; did you mean "replicas"?');
    expect(run.stderr.split('\n').filter((l) => l.startsWith('✖'))).toHaveLength(1);
    expect(hasStackTrace(run.stderr)).toBe(false);
    expect(fs.existsSync(path.join(cwd, 'out'))).toBe(false);
  });
});
