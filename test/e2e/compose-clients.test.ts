import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, runCli, snapshotDir, tempDir } from '../helpers/cli';
import { testWithTool } from '../helpers/tools';
import { DOCKER_COMPOSE, NGINX_IN_NAMESPACE, dockerComposeConfig, nginxTest, writeTestCertificate } from '../targets/compose/real-clients';

/*
 * Issue 12's "done when": for the default config and every example, the
 * built CLI's `synth --target all` writes Compose files that docker-compose
 * and nginx accept, that `validate` passes, and that hold no secret value.
 * docker-compose takes about a second a file, so this lives in the e2e suite.
 */

const ENV = { OPENAI_API_KEY: 'dummy-openai-value', ANTHROPIC_API_KEY: 'dummy-anthropic-value', ENCRYPTION_KEY: 'dummy-encryption-value' };
const EXAMPLES = ['', ...fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml')).sort()];

describe('synth --target all, the Compose files, with the real clients', () => {
  const cwd = tempDir('saplings-compose-e2e-');
  const outs: string[] = [];
  beforeAll(() => {
    for (const example of EXAMPLES) {
      const out = example ? path.basename(example, '.yaml') : 'default';
      const run = runCli(['synth', ...(example ? ['-c', path.join(ROOT, 'examples', example)] : ['--example']), '--target', 'all', '--out', out], cwd, ENV);
      if (run.status !== 0) throw new Error(`synth of ${out} failed: ${run.stderr}`);
      outs.push(out);
    }
  });

  const composeFiles = () => outs.flatMap((out) => Object.keys(snapshotDir(path.join(cwd, out, 'compose'))).filter((f) => f.endsWith('compose.yaml')).map((f) => path.join(cwd, out, 'compose', f)));

  test('every config has Compose files, without a secret value in them', () => {
    expect(outs).toHaveLength(EXAMPLES.length);
    for (const out of outs) {
      const files = snapshotDir(path.join(cwd, out, 'compose'));
      expect({ out, count: Object.keys(files).filter((f) => f.endsWith('/compose.yaml')).length }).not.toMatchObject({ count: 0 });
      for (const [file, content] of Object.entries(files)) {
        for (const value of Object.values(ENV)) expect({ out, file, leaked: content.includes(value) }).toStrictEqual({ out, file, leaked: false });
      }
    }
  });

  test('validate passes every Compose output directory', () => {
    for (const out of outs) {
      const run = runCli(['validate', path.join(out, 'compose')], cwd);
      expect({ out, status: run.status, stdout: run.stdout }).toStrictEqual({ out, status: 0, stdout: '' });
    }
  });

  testWithTool(...DOCKER_COMPOSE, 'check every example\'s compose.yaml')('docker-compose config -q accepts every compose.yaml', () => {
    const files = composeFiles();
    expect(files.length).toBeGreaterThanOrEqual(EXAMPLES.length);
    for (const file of files) expect({ file, ...dockerComposeConfig(file) }).toStrictEqual({ file, status: 0, output: '' });
  });

  testWithTool(...NGINX_IN_NAMESPACE, 'run nginx -t on every example\'s nginx.conf')('nginx -t accepts every nginx.conf', () => {
    const etc = tempDir('saplings-nginx-etc-');
    writeTestCertificate(etc);
    const confs = composeFiles().map((f) => path.join(path.dirname(f), 'nginx.conf')).filter((f) => fs.existsSync(f));
    expect(confs.length).toBeGreaterThanOrEqual(8);
    for (const conf of confs) expect({ conf, ...nginxTest(fs.readFileSync(conf, 'utf8'), etc, ['app']) }).toStrictEqual({ conf, status: 0, output: '' });
  });
});
