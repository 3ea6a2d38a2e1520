import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, runMain, snapshotDir, tempDir } from '../../helpers/cli';
import { testWithTool } from '../../helpers/tools';
import { NGINX_IN_NAMESPACE, nginxTest, writeTestCertificate } from './real-clients';

/*
 * `synth --target compose` and `validate` on its output, in process, and
 * `nginx -t` on every example's nginx.conf (fast). docker-compose takes about
 * a second a file, so it checks every example in test/e2e/compose-clients.test.ts.
 */

/** Dummy values for the keys examples/inline-dev.yaml reads from the environment; never written by the Compose target. */
const ENV = { OPENAI_API_KEY: 'dummy-openai-value', ANTHROPIC_API_KEY: 'dummy-anthropic-value', ENCRYPTION_KEY: 'dummy-encryption-value' };

const EXAMPLES = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml')).sort();

describe('synth --target compose', () => {
  const cwd = tempDir('saplings-compose-');

  test('writes <out>/compose/<name>/compose.yaml and nginx.conf for the default config', async () => {
    const run = await runMain(['synth', '--example', '--target', 'compose', '--out', 'out'], cwd);
    expect(run).toStrictEqual({ status: 0, stdout: '', stderr: 'wrote out/compose/saplings/compose.yaml\nwrote out/compose/saplings/nginx.conf\n' });
  });

  test('with kubernetes too, Compose writes where it does alone and Kubernetes into <out> itself', async () => {
    const run = await runMain(['synth', '--example', '--target', 'compose', '--target', 'kubernetes', '--out', 'both'], cwd);
    expect(run.status).toBe(0);
    expect(Object.keys(snapshotDir(path.join(cwd, 'both'))).sort()).toStrictEqual(['.saplings-k8s-files', 'compose/saplings/compose.yaml', 'compose/saplings/nginx.conf', 'saplings.k8s.yaml']);
  });

  test('validate checks the Compose files of a directory with the target\'s checks, and passes them', async () => {
    const run = await runMain(['validate', 'both'], cwd);
    expect(run.stdout).toBe('');
    expect(run.status).toBe(0);
  });

  test('validate names a field of a Compose file the schema refuses, and fails', async () => {
    const file = path.join(cwd, 'out', 'compose', 'saplings', 'compose.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('    read_only: true\n', '    read_only: true\n    privileged_mode: true\n'));
    const run = await runMain(['validate', 'out'], cwd);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      'out/compose/saplings/compose.yaml: ComposeProject/saplings: services.nginx.privileged_mode: error: unknown field "privileged_mode": the Compose Specification has no such field here [compose-schema]\n',
    );
  });
});

describe('--target all on the default config and every example', () => {
  const cwd = tempDir('saplings-compose-clients-');
  /** Every file written, by `<config>/<path>`. */
  const files: Record<string, string> = {};
  beforeAll(async () => {
    for (const example of ['', ...EXAMPLES]) {
      const out = example ? path.basename(example, '.yaml') : 'default';
      const config = example ? ['-c', path.join(ROOT, 'examples', example)] : ['--example'];
      const run = await runMain(['synth', ...config, '--target', 'all', '--out', out], cwd, ENV);
      if (run.status !== 0) throw new Error(`synth of ${out} failed: ${run.stderr}`);
      for (const [file, content] of Object.entries(snapshotDir(path.join(cwd, out)))) files[`${out}/${file}`] = content;
    }
  });

  test('every config gets Compose files, and not one secret value in them', () => {
    for (const out of ['default', ...EXAMPLES.map((e) => path.basename(e, '.yaml'))]) {
      const composeFiles = Object.keys(files).filter((f) => f.startsWith(`${out}/compose/`));
      expect({ out, hasComposeYaml: composeFiles.some((f) => f.endsWith('/compose.yaml')) }).toStrictEqual({ out, hasComposeYaml: true });
      for (const file of composeFiles) {
        for (const value of Object.values(ENV)) expect({ file, leaked: files[file].includes(value) }).toStrictEqual({ file, leaked: false });
      }
    }
  });

  testWithTool(...NGINX_IN_NAMESPACE, 'run nginx -t on the generated nginx.conf files')('nginx -t accepts every nginx.conf, and the test itself can fail', () => {
    const etc = tempDir('saplings-nginx-etc-');
    writeTestCertificate(etc);
    const confs = Object.keys(files).filter((f) => f.endsWith('/nginx.conf'));
    expect(confs.length).toBeGreaterThanOrEqual(8);
    for (const conf of confs) {
      expect({ conf, ...nginxTest(files[conf], etc, ['app']) }).toStrictEqual({ conf, status: 0, output: '' });
    }
    // The same check refuses the guide's cipher list and a size nginx cannot hold. (The app's host name
    // is resolved per request, so nginx -t no longer needs it to resolve.)
    const defaultConf = files['default/compose/saplings/nginx.conf'];
    const guideCiphers = defaultConf.replace(/ssl_ciphers [^;]+;/, 'ssl_ciphers ECDHE-RSA-AES256-GCM-SHA512:DHE-RSA-AES256-GCM-SHA512;');
    expect(nginxTest(guideCiphers, etc, ['app'])).toMatchObject({ status: 1, output: expect.stringContaining('no cipher match') });
    const hugeBody = defaultConf.replace(/client_max_body_size [^;]+;/, 'client_max_body_size 99999999999999999999g;');
    expect(nginxTest(hugeBody, etc, [])).toMatchObject({ status: 1, output: expect.stringContaining('"client_max_body_size" directive invalid value') });
  });
});
