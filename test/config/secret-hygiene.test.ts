import { InputError, formatProblem, isSecretPath } from '../../src/config/errors';
import { parseConfigText } from '../../src/config/load';

/*
 * No value from `secrets.*`, and no value of a key whose name marks it as a
 * secret, may appear in any message. Each config below is refused, and its
 * canary must be in none of the problems.
 */

const CANARY = 'sk-proj-CANARY0123456789abcdef';

const base = 'environment: staging\nimage: saplings:1.0.0\n';

const HOSTILE: [string, string][] = [
  ['inline values beside source: external', `${base}secrets:\n  source: external\n  external: { storeName: vault }\n  values: { OPENAI_API_KEY: ${CANARY} }\n`],
  ['inline values beside source: existing', `${base}secrets:\n  values: { OPENAI_API_KEY: ${CANARY} }\n`],
  ['a value that is a list', `${base}secrets:\n  source: inline\n  values: { OPENAI_API_KEY: [${CANARY}] }\n`],
  ['a value that is a mapping', `${base}secrets:\n  source: inline\n  values: { OPENAI_API_KEY: { nested: ${CANARY} } }\n`],
  ['a value under a bad key', `${base}secrets:\n  source: inline\n  values: { "1BAD": ${CANARY} }\n`],
  ['values that are a list', `${base}secrets:\n  source: inline\n  values: [${CANARY}]\n`],
  ['values that are a string', `${base}secrets:\n  source: inline\n  values: ${CANARY}\n`],
  ['an unknown key under secrets', `${base}secrets:\n  apiKey: ${CANARY}\n`],
  ['a secret-named app.config key with a list', `${base}app:\n  config:\n    DB_PASSWORD: [${CANARY}]\n`],
  ['a secret-named app.config key with a mapping', `${base}app:\n  config:\n    OPENAI_API_KEY: { v: ${CANARY} }\n`],
  ['inline values in production', `environment: production\nimage: saplings:1.0.0\nsecrets:\n  source: inline\n  values: { OPENAI_API_KEY: ${CANARY} }\n`],
];

function messagesFor(text: string, options = {}): string[] {
  try {
    parseConfigText(text, 'saplings.yaml', options);
  } catch (err) {
    if (err instanceof InputError) return err.problems.map(formatProblem);
    throw err;
  }
  throw new Error('expected the config to be refused');
}

describe('config messages never show a secret value', () => {
  it.each(HOSTILE)('%s: refused, and the value is not in any message', (_what, text) => {
    const messages = messagesFor(text);
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) expect(message).not.toContain('CANARY');
  });

  it('still says what kind of value was wrong', () => {
    expect(messagesFor(`${base}secrets:\n  source: inline\n  values: { OPENAI_API_KEY: [${CANARY}] }\n`)).toStrictEqual([
      'saplings.yaml:5:29: secrets.values.OPENAI_API_KEY: expected string, got a list of 1 (not shown)',
    ]);
  });

  it('describes env values (app.config), where a secret can be whatever the name', () => {
    expect(messagesFor(`${base}app:\n  config:\n    MAX_TOKENS: [4096]\n`)).toStrictEqual([
      'saplings.yaml:5:17: app.config.MAX_TOKENS: expected string, got a list of 1 (not shown)',
    ]);
  });

  it('keeps showing values that are not secrets', () => {
    expect(messagesFor(`${base}app:\n  replicas: [4096]\n`)).toStrictEqual(['saplings.yaml:4:13: app.replicas: expected number, got [4096]']);
  });

  it.each([
    [['secrets', 'values', 'OPENAI_API_KEY'], true],
    [['secrets', 'values'], true],
    [['app', 'config', 'DB_PASSWORD'], true],
    [['app', 'config', 'apiKey'], true],
    [['secrets', 'keys', 0], false],
    [['secrets', 'external', 'storeName'], false],
    [['app', 'config', 'MAX_TOKENS'], true],
    [['app', 'config', 'API_KEY_FILE'], true],
    [['app', 'config'], false],
    [['app', 'replicas'], false],
    [['vectorDb', 'apiKey'], true],
  ])('treats %j as secret: %s', (path, secret) => {
    expect(isSecretPath(path as PropertyKey[])).toBe(secret);
  });
});

describe('a mapping or list with a secret-named key is never shown either', () => {
  it.each([
    ['app.config as a list of mappings', `${base}app:\n  config: [ { DB_PASSWORD: ${CANARY} } ]\n`],
    ['an unknown key whose value holds a token', `${base}ingress:\n  extra: { apiToken: ${CANARY} }\n`],
  ])('%s', (_what, text) => {
    for (const message of messagesFor(text)) expect(message).not.toContain('CANARY');
  });
});
