import { describeHidden, isSecretConfigPath, isSecretFieldPath, mayShow, redactMessage, redactTail } from '../../src/checks/redaction';

describe('the one redaction rule', () => {
  it.each([
    ['Secret', ['data', 'OPENAI_API_KEY'], true],
    ['Secret', ['stringData', 'N'], true],
    ['Secret', ['metadata', 'name'], false],
    ['ConfigMap', ['data', 'A'], false],
    ['Deployment', ['spec', 'template', 'spec', 'containers', 0, 'env', 3, 'value'], true],
    ['Deployment', ['spec', 'template', 'spec', 'containers', 0, 'env', 'OPENAI_BASE', 'value'], true],
    ['Deployment', ['spec', 'template', 'spec', 'containers', 0, 'env', 3, 'name'], false],
    ['ComposeProject', ['services', 'app', 'environment', 'A'], true],
    ['ComposeProject', ['services', 'app', 'image'], false],
    ['TaskDefinition', ['containerDefinitions', 0, 'environment', 2, 'value'], true],
    ['ConfigMap', ['data', 'DB_PASSWORD'], true],
  ])('treats %s %j as a secret place: %s', (kind, path, secret) => {
    expect(isSecretFieldPath(kind, path)).toBe(secret);
  });

  it.each([
    [['secrets', 'values', 'A'], true],
    [['secrets', 'keys', 0], false],
    [['app', 'config', 'FEATURE'], true],
    [['app', 'port'], false],
  ])('treats config path %j as a secret place: %s', (path, secret) => {
    expect(isSecretConfigPath(path)).toBe(secret);
  });

  it('shows ordinary values, hides credentials and pasted NAME=value anywhere', () => {
    expect(mayShow('api.example.com')).toBe(true);
    expect(mayShow(['a', { b: 1 }])).toBe(true);
    expect(mayShow('sk-proj-0123456789abcdefghijAB')).toBe(false);
    expect(mayShow({ x: ['OPENAI_API_KEY=whatever'] })).toBe(false);
    expect(mayShow('postgresql://u:hunter2@db/app')).toBe(false);
  });

  it('describes without showing', () => {
    expect(describeHidden('abc')).toBe('a string of 3 characters (not shown)');
    expect(describeHidden(42)).toBe('a number (not shown)');
    expect(describeHidden([1])).toBe('a list of 1 (not shown)');
    expect(redactTail('must be base64-encoded, got "plain text"', 'plain text')).toBe('must be base64-encoded, got a string of 10 characters (not shown), which is not base64');
  });

  it('scrubs a credential out of any message, quoted or not', () => {
    const key = 'sk-proj-0123456789abcdefghijAB';
    expect(redactMessage(`must be a DNS name, got "${key}"`)).toBe('must be a DNS name, got a string of 30 characters (not shown)');
    expect(redactMessage(`bad value ${key} here`)).toBe('bad value a string of 30 characters (not shown) here');
    expect(redactMessage('unknown key "A=b"')).toBe('unknown key a string of 3 characters (not shown)');
    expect(redactMessage('must be one of "a", "b", got "c"')).toBe('must be one of "a", "b", got "c"');
  });
});
