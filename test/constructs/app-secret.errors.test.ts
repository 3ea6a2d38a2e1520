import { App, Chart } from 'cdk8s';
import { AppSecret, SaplingsValidationError } from '../../src';

/** A fresh chart at path `test`, so each call constructs anew. */
function chart(): Chart {
  return new Chart(new App(), 'test');
}

describe('AppSecret errors', () => {
  test('GIVEN external and values together THEN the constructor throws naming both props', () => {
    const create = () =>
      new AppSecret(chart(), 'Secret', {
        name: 'saplings-secrets',
        keys: ['OPENAI_API_KEY'],
        external: { storeName: 'vault' },
        values: { OPENAI_API_KEY: 'sk-dev' },
      });
    expect(create).toThrow(SaplingsValidationError);
    expect(create).toThrow(
      new Error("[test/Secret] 'external' and 'values' are mutually exclusive; pick one source for saplings-secrets"),
    );
  });

  test('GIVEN values missing a key THEN the constructor throws naming the key', () => {
    const create = () =>
      new AppSecret(chart(), 'Secret', {
        name: 'saplings-secrets',
        keys: ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY'],
        values: { OPENAI_API_KEY: 'sk-dev' },
      });
    expect(create).toThrow(SaplingsValidationError);
    expect(create).toThrow(new Error("[test/Secret] 'values' lacks ANTHROPIC_API_KEY, which 'keys' lists"));
  });

  test('GIVEN values missing several keys THEN the constructor names each, in the order of keys', () => {
    const create = () => new AppSecret(chart(), 'Secret', { name: 'saplings-secrets', keys: ['A', 'B', 'C'], values: { B: 'b' } });
    expect(create).toThrow(SaplingsValidationError);
    expect(create).toThrow(new Error("[test/Secret] 'values' lacks A, C, which 'keys' lists"));
  });

  test('GIVEN the error THEN it carries the construct path and the message apart', () => {
    let thrown: unknown;
    try {
      new AppSecret(chart(), 'Secret', { name: 's', keys: ['A'], external: { storeName: 'vault' }, values: { A: 'a' } });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SaplingsValidationError);
    expect((thrown as SaplingsValidationError).problems).toStrictEqual([
      { constructPath: 'test/Secret', message: "'external' and 'values' are mutually exclusive; pick one source for s" },
    ]);
  });

  test('GIVEN an empty string value THEN it counts as given', () => {
    expect(() => new AppSecret(chart(), 'Secret', { name: 'saplings-secrets', keys: ['A'], values: { A: '' } })).not.toThrow();
  });
});
