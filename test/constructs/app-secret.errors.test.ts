import { Testing } from 'cdk8s';
import { AppSecret } from '../../src/constructs/app-secret';

describe('AppSecret errors', () => {
  test('GIVEN external and values together THEN the constructor throws naming both props', () => {
    const chart = Testing.chart();
    expect(
      () =>
        new AppSecret(chart, 'Secret', {
          name: 'saplings-secrets',
          keys: ['OPENAI_API_KEY'],
          external: { storeName: 'vault' },
          values: { OPENAI_API_KEY: 'sk-dev' },
        }),
    ).toThrow(
      new Error("AppSecret test/Secret: 'external' and 'values' are mutually exclusive; pick one source for saplings-secrets"),
    );
  });

  test('GIVEN values missing a key THEN the constructor throws naming the key', () => {
    const chart = Testing.chart();
    expect(
      () =>
        new AppSecret(chart, 'Secret', {
          name: 'saplings-secrets',
          keys: ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY'],
          values: { OPENAI_API_KEY: 'sk-dev' },
        }),
    ).toThrow(new Error("AppSecret test/Secret: 'values' lacks ANTHROPIC_API_KEY, which 'keys' lists"));
  });

  test('GIVEN values missing several keys THEN the constructor names each, in the order of keys', () => {
    const chart = Testing.chart();
    expect(
      () => new AppSecret(chart, 'Secret', { name: 'saplings-secrets', keys: ['A', 'B', 'C'], values: { B: 'b' } }),
    ).toThrow(new Error("AppSecret test/Secret: 'values' lacks A, C, which 'keys' lists"));
  });

  test('GIVEN an empty string value THEN it counts as given', () => {
    const chart = Testing.chart();
    expect(() => new AppSecret(chart, 'Secret', { name: 'saplings-secrets', keys: ['A'], values: { A: '' } })).not.toThrow();
  });
});
