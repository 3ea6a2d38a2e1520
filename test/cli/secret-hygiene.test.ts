import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/index';
import { tempDir } from '../helpers/cli';

/*
 * Canary values fed through every command that reads a config, in every
 * environment and output format, must never reach stdout or stderr: not in
 * schema problems, not in gate messages, not in check findings.
 */

const CANARY = 'sk-proj-CANARY0123456789abcdef';

const CONFIGS: Record<string, string> = {
  'external-with-values.yaml': `environment: staging\nimage: saplings:1.0.0\nsecrets:\n  source: external\n  external: { storeName: vault }\n  values: { OPENAI_API_KEY: ${CANARY} }\n`,
  'wrong-types.yaml': `environment: development\nimage: saplings:1.0.0\nsecrets:\n  source: inline\n  values: { OPENAI_API_KEY: [${CANARY}], ANTHROPIC_API_KEY: { v: ${CANARY} } }\n`,
  'inline-dev.yaml': `environment: development\nimage: saplings:1.0.0\nsecrets:\n  source: inline\n  keys: [OPENAI_API_KEY]\n  values: { OPENAI_API_KEY: ${CANARY} }\n`,
  'secret-in-config.yaml': `environment: staging\nimage: saplings:1.0.0\napp:\n  config: { DB_PASSWORD: [${CANARY}] }\n`,
  'pasted-key.yaml': `environment: staging\nimage: saplings:1.0.0\nsecrets:\n  keys: ["OPENAI_API_KEY=${CANARY}"]\n`,
  'env-value-list.yaml': `environment: staging\nimage: saplings:1.0.0\napp:\n  config: { SOME_SETTING: [${CANARY}], OTHER: 31337424242 }\n`,
};

// Manifests a user hands to validate: plain text under a Secret's data (the most common mistake), numbers in stringData and env values.
const NUMBER_CANARY = 31337424242;
const MANIFESTS: Record<string, string> = {
  'secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata: { name: s }\ndata:\n  OPENAI_API_KEY: ${CANARY}\n  PLAIN: not-base64-CANARY\n  N: ${NUMBER_CANARY}\nstringData:\n  NUM: ${NUMBER_CANARY}\n  PASTED: OPENAI_API_KEY=${CANARY}\n`,
  'pod.yaml':
    `apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers:\n  - name: c\n    image: x:1\n    env:\n` +
    `    - { name: A, value: ${NUMBER_CANARY} }\n    - { name: B, value: [${CANARY}] }\n    - { name: C, value: { v: ${CANARY} } }\n    - { name: OPENAI_API_KEY, value: ${CANARY} }\n`,
};

async function run(args: string[], cwd: string): Promise<string> {
  let output = '';
  await main(args, { stdout: (t) => (output += t), stderr: (t) => (output += t), cwd, env: { NO_COLOR: '1' } });
  return output;
}

describe('no command prints a secret value', () => {
  const dir = tempDir('saplings-secret-hygiene-');
  for (const [file, text] of Object.entries(CONFIGS)) fs.writeFileSync(path.join(dir, file), text);

  const invocations = Object.keys(CONFIGS).flatMap((file) =>
    [['synth'], ['validate'], ['diagram']].flatMap((command) =>
      [[], ['--env', 'production'], ['--env', 'staging']].flatMap((env) =>
        [[], ['--format', 'json'], ['--format', 'github']].map((format) => [...command, '-c', file, ...env, ...format, ...(command[0] === 'synth' ? ['--out', 'out'] : [])]),
      ),
    ),
  );

  it.each(invocations.map((args) => [args.join(' '), args]))('saplings-k8s %s', async (_shown, args) => {
    const output = await run(args as string[], dir);
    expect(output).not.toContain('CANARY');
    expect(output).not.toContain(String(NUMBER_CANARY));
  });

  for (const [file, text] of Object.entries(MANIFESTS)) fs.writeFileSync(path.join(dir, file), text);
  const manifestRuns = [...Object.keys(MANIFESTS), '.'].flatMap((target) =>
    [[], ['--format', 'json'], ['--format', 'github']].map((format) => ['validate', target, ...format]),
  );

  it.each(manifestRuns.map((args) => [args.join(' '), args]))('saplings-k8s %s describes secret values without showing them', async (_shown, args) => {
    const output = await run(args as string[], dir);
    expect(output).not.toContain('CANARY');
    expect(output).not.toContain(String(NUMBER_CANARY));
  });

  it('says what is wrong with a hidden value: its type, its length, that it is not base64', async () => {
    const output = await run(['validate', 'secret.yaml', 'pod.yaml'], dir);
    expect(output).toContain(
      'secret.yaml: Secret/s: data.PLAIN: error: must be base64-encoded (use stringData for plain text), got a string of 17 characters (not shown), which is not base64 [invalid-value]',
    );
    expect(output).toContain('secret.yaml: Secret/s: stringData.NUM: error: must be a string, got a number (not shown) [invalid-type]');
    expect(output).toContain('pod.yaml: Pod/p: spec.containers[0].env[0].value: error: must be a string, got a number (not shown) [invalid-type]');
  });

  it('refuses a pasted NAME=value in secrets.keys without echoing it', async () => {
    expect(await run(['validate', '-c', 'pasted-key.yaml'], dir)).toContain(
      'pasted-key.yaml:4:10: secrets.keys[0]: holds "=", like a pasted NAME=value; list only the name here and keep the value in the secret store, got a string of 45 characters (not shown)',
    );
  });

  it('refuses the hostile configs it should refuse, so the messages were really printed', async () => {
    expect(await run(['synth', '-c', 'external-with-values.yaml', '--out', 'out'], dir)).toMatch(/secrets\.values: applies only to source: inline/);
    expect(await run(['validate', '-c', 'wrong-types.yaml'], dir)).toMatch(/secrets\.values\.OPENAI_API_KEY: expected string, got a list of 1 \(not shown\)/);
  });
});
