import { isHiddenValue, isSecretBearingText } from '../../src/diff/redaction';

describe('isHiddenValue', () => {
  test.each([
    ['a Secret data value, whatever it looks like', { kind: 'Secret', path: ['data', 'LOG_LEVEL'] }, 'SU5GTw=='],
    ['a Secret stringData value', { kind: 'Secret', path: ['stringData', 'X'] }, 'plain'],
    ['a literal under a secret-like name', { path: ['services', 'app', 'environment', 'DB_PASSWORD'] }, 'hunter2'],
    ['a number under a secret-like name', { path: ['environment', 'PIN_SECRET'] }, 123456],
    ['a credential under any name', { path: ['spec', 'env', 'NOTES'] }, 'sk-proj-abcdefghij0123456789xyz'],
    ['a password in a URL', { path: ['data', 'REDIS_URL'] }, 'redis://:pw@redis:6379'],
    // The one redaction rule (checks/redaction): an env value is where a secret can be, whatever it holds.
    ['any env value, even a reference', { path: ['env', 'API_TOKEN', 'value'] }, '$(OTHER)'],
    ['a plain env value', { path: ['spec', 'containers', 'app', 'env', 'LOG_LEVEL', 'value'] }, 'INFO'],
  ])('hides %s', (_what, site, value) => {
    expect(isHiddenValue(site, value)).toBe(true);
  });

  test.each([
    ['a ConfigMap value', { kind: 'ConfigMap', path: ['data', 'LOG_LEVEL'] }, 'INFO'],
    ['an image', { path: ['spec', 'template', 'spec', 'containers', 'app', 'image'] }, 'saplings:1.1.0'],
    ['a Secret name', { kind: 'Secret', path: ['metadata', 'name'] }, 'app-secrets'],
    ['a replica count', { path: ['spec', 'replicas'] }, 3],
  ])('shows %s', (_what, site, value) => {
    expect(isHiddenValue(site, value)).toBe(false);
  });

  test('finds a Secret in text that no longer parses', () => {
    expect(isSecretBearingText('apiVersion: v1\nkind: Secret\ndata: [\n')).toBe(true);
    expect(isSecretBearingText('apiVersion: v1\nkind: ConfigMap\n')).toBe(false);
  });
});
