import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasStackTrace, runMain, tempDir } from '../../helpers/cli';
import { RECORD_FILE } from '../../../src/synth/record';
import { all, find, parseManifests } from '../../helpers/manifests';

/*
 * Secret values never land in staging or production output, whatever the
 * config or the environment of the CLI: through the CLI's entry, with a fresh
 * OpenAI-shaped key in its environment on every run of this file.
 */

/** `sk-proj-` and 40 random letters and digits (at least one of each, as real keys have). */
function randomKey(): string {
  for (;;) {
    const body = randomBytes(120).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 40);
    if (body.length === 40 && /\d/.test(body) && /[A-Za-z]/.test(body)) return `sk-proj-${body}`;
  }
}

const KEY = randomKey();

/** Every file under `dir`, recursively, with its content. */
function filesUnder(dir: string): Array<{ file: string; text: string }> {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const file = path.join(e.parentPath, e.name);
      return { file, text: fs.readFileSync(file, 'utf8') };
    });
}

/** A temp dir holding `config.yaml` with `text`. */
function withConfig(text: string): string {
  const cwd = tempDir('saplings-secrets-');
  fs.writeFileSync(path.join(cwd, 'config.yaml'), text);
  return cwd;
}

const production = 'environment: production\nimage: saplings:1.0.0\n';

describe('a key in the CLI\'s environment', () => {
  test('is never written with the default secrets.source: existing', async () => {
    const cwd = withConfig(production);
    const run = await runMain(['synth', '--config', 'config.yaml'], cwd, { OPENAI_API_KEY: KEY });
    expect(run.status).toBe(0);
    const files = filesUnder(path.join(cwd, 'dist'));
    expect(files.map((f) => path.basename(f.file)).sort()).toStrictEqual([RECORD_FILE, 'saplings.k8s.yaml']);
    for (const { file, text } of files) expect({ file, leaked: text.includes(KEY) }).toStrictEqual({ file, leaked: false });
    // The Secret is only referenced: no Secret object, no values.
    expect(all(parseManifests(files.find((f) => f.file.endsWith('saplings.k8s.yaml'))!.text), 'Secret')).toStrictEqual([]);
    expect(run.stdout + run.stderr).not.toContain(KEY);
  });

  test('secrets.source: inline with fromEnv is refused in production; nothing is written and the key is not echoed', async () => {
    const cwd = withConfig(`${production}secrets:\n  source: inline\n  fromEnv: true\n`);
    const run = await runMain(['synth', '--config', 'config.yaml'], cwd, { OPENAI_API_KEY: KEY });
    expect(run.status).toBe(1);
    expect(hasStackTrace(run.stderr)).toBe(false);
    expect(run.stderr).toContain(
      '✖ config.yaml:4:11: secrets.source: inline writes secret values into the manifests and is allowed only in development, not production; use existing or external',
    );
    expect(fs.readdirSync(cwd)).toStrictEqual(['config.yaml']);
    expect(run.stdout).not.toContain(KEY);
    expect(run.stderr).not.toContain(KEY);
  });
});

describe('a key in app.config (a ConfigMap entry)', () => {
  // Not a key of secrets.keys: app.config may not name one of those (issue 20), so the leak guard is what stops this one.
  const config = (environment: string) =>
    `environment: ${environment}\nimage: saplings:1.0.0\napp:\n  config:\n    SEARCH_API_KEY: ${KEY}\n`;

  test.each(['production', 'staging'])('is refused by the leak guard in %s, without echoing the key', async (environment) => {
    const cwd = withConfig(config(environment));
    const run = await runMain(['synth', '--config', 'config.yaml'], cwd);
    expect(run.status).toBe(1);
    expect(hasStackTrace(run.stderr)).toBe(false);
    expect(run.stderr).toContain(
      "✖ saplings.k8s.yaml: ConfigMap/saplings-config: data.SEARCH_API_KEY: error: looks like an OpenAI-style API key outside a Secret; move it into the app's Secret and reference it [leak-credential]\n",
    );
    expect(run.stderr).toMatch(/^\d+ errors? in the generated objects; nothing was written\.$/m);
    expect(run.stdout).not.toContain(KEY);
    expect(run.stderr).not.toContain(KEY);
    expect(run.stderr).not.toContain(KEY.slice(8, 24));
    expect(fs.readdirSync(cwd)).toStrictEqual(['config.yaml']);
  });

  test('is written as given in development, where neither the leak guard nor the policy runs', async () => {
    const cwd = withConfig(config('development'));
    const run = await runMain(['synth', '--config', 'config.yaml'], cwd);
    expect(run.status).toBe(0);
    const objects = parseManifests(fs.readFileSync(path.join(cwd, 'dist/saplings.k8s.yaml'), 'utf8'));
    expect(find(objects, 'ConfigMap', 'saplings-config').data.SEARCH_API_KEY).toBe(KEY);
    expect(run.stderr).not.toContain('✖');
  });
});

describe('development with secrets.source: inline and fromEnv', () => {
  test('writes a Secret whose stringData holds exactly the required keys, from the environment, explicit values first', async () => {
    const cwd = withConfig(
      'environment: development\nimage: saplings:1.0.0\nsecrets:\n  source: inline\n  fromEnv: true\n  values:\n    DATABASE_URL: sqlite:////app/data/dev.db\n',
    );
    const env = {
      OPENAI_API_KEY: KEY,
      ANTHROPIC_API_KEY: 'sk-ant-dev-only',
      ENCRYPTION_KEY: 'dev-encryption-key',
      DATABASE_URL: 'postgresql://ignored',
      // Not a key the stack needs, so it must not be picked up.
      GITHUB_TOKEN: 'ghp_notneeded',
    };
    const run = await runMain(['synth', '--config', 'config.yaml'], cwd, env);
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain(KEY);
    const objects = parseManifests(fs.readFileSync(path.join(cwd, 'dist/saplings.k8s.yaml'), 'utf8'));
    const secret = find(objects, 'Secret', 'saplings-secrets');
    expect(secret.stringData).toStrictEqual({
      OPENAI_API_KEY: KEY,
      ANTHROPIC_API_KEY: 'sk-ant-dev-only',
      DATABASE_URL: 'sqlite:////app/data/dev.db',
      ENCRYPTION_KEY: 'dev-encryption-key',
    });
    expect(secret.data).toBeUndefined();
    const container = find(objects, 'Deployment', 'saplings-app').spec.template.spec.containers[0];
    expect(container.envFrom).toContainEqual({ secretRef: { name: 'saplings-secrets' } });
    expect(all(objects, 'ExternalSecret')).toStrictEqual([]);
  });
});

describe('development with secrets.source: inline and fromEnv, nothing exported', () => {
  const config = 'environment: development\nimage: saplings:1.0.0\nsecrets:\n  source: inline\n  fromEnv: true\n';

  test('--target compose needs no value: Compose reads secrets from the env file the user writes, and never holds them', async () => {
    const cwd = withConfig(config);
    const run = await runMain(['synth', '--config', 'config.yaml', '--target', 'compose'], cwd, {});
    expect([run.status, run.stderr]).toStrictEqual([0, expect.not.stringContaining('has no value')]);
    expect(filesUnder(path.join(cwd, 'dist')).map((f) => path.relative(cwd, f.file)).sort()).toStrictEqual([path.join('dist', RECORD_FILE), path.join('dist', 'compose', 'saplings', 'compose.yaml')]);
  });

  test.each([['kubernetes'], ['all']])('--target %s, which writes the Secret, refuses each missing value and writes nothing', async (target) => {
    const cwd = withConfig(config);
    const run = await runMain(['synth', '--config', 'config.yaml', '--target', target], cwd, {});
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('secrets.values.OPENAI_API_KEY: has no value; set it under secrets.values or export OPENAI_API_KEY before synth');
    expect(fs.readdirSync(cwd)).toStrictEqual(['config.yaml']);
  });
});

describe('secrets.source: external', () => {
  test('writes an external-secrets.io/v1 ExternalSecret for every key the stack needs, and no Secret', async () => {
    const cwd = withConfig(
      `${production}secrets:\n  source: external\n  external:\n    storeName: vault\n    remoteKeyPrefix: saplings/prod/\nvectorDb:\n  enabled: true\n  engine: pgvector\n`,
    );
    const run = await runMain(['synth', '--config', 'config.yaml'], cwd, { OPENAI_API_KEY: KEY });
    expect(run.status).toBe(0);
    const text = fs.readFileSync(path.join(cwd, 'dist/saplings.k8s.yaml'), 'utf8');
    expect(text).not.toContain(KEY);
    const objects = parseManifests(text);
    expect(all(objects, 'Secret')).toStrictEqual([]);
    const external = find(objects, 'ExternalSecret', 'saplings-secrets');
    expect(external.apiVersion).toBe('external-secrets.io/v1');
    expect(external.metadata.namespace).toBe('saplings');
    expect(external.spec).toMatchObject({
      refreshInterval: '1h',
      secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
      target: { name: 'saplings-secrets', creationPolicy: 'Owner' },
    });
    const keys = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'DATABASE_URL', 'ENCRYPTION_KEY', 'REDIS_PASSWORD', 'POSTGRES_PASSWORD'];
    expect([...external.spec.data].sort((a: any, b: any) => a.secretKey.localeCompare(b.secretKey))).toStrictEqual(
      keys.sort().map((key) => ({ secretKey: key, remoteRef: { key: `saplings/prod/${key}` } })),
    );
  });
});
