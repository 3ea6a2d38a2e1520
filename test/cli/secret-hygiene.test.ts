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
  });

  it('refuses the hostile configs it should refuse, so the messages were really printed', async () => {
    expect(await run(['synth', '-c', 'external-with-values.yaml', '--out', 'out'], dir)).toMatch(/secrets\.values: applies only to source: inline/);
    expect(await run(['validate', '-c', 'wrong-types.yaml'], dir)).toMatch(/secrets\.values\.OPENAI_API_KEY: expected string, got a list of 1 \(not shown\)/);
  });
});
