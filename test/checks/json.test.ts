import { at, compareNatural, describe as describeValue, joinAnd, quote, toPath } from '../../src/checks/json';

describe('at', () => {
  test('follows object keys and list indexes, and is undefined once a step is missing or of the wrong kind', () => {
    const root = { spec: { containers: [{ name: 'app' }] } };

    expect(at(root, ['spec', 'containers', 0, 'name'])).toBe('app');
    expect(at(root, ['spec', 'containers', 1, 'name'])).toBeUndefined();
    expect(at(root, ['spec', 0])).toBeUndefined();
    expect(at(root, ['spec', 'containers', 'name'])).toBeUndefined();
    expect(at(root, [])).toBe(root);
  });
});

describe('toPath', () => {
  test('renders a path as config errors are rendered, and the whole object as the empty path', () => {
    expect(toPath(['spec', 'containers', 0, 'image'])).toBe('spec.containers[0].image');
    expect(toPath(['metadata', 'labels', 'app.kubernetes.io/name'])).toBe('metadata.labels["app.kubernetes.io/name"]');
    expect(toPath([])).toBe('');
  });
});

describe('quote and describe', () => {
  test('quote shortens a string longer than 80 characters to 77 and an ellipsis', () => {
    expect(quote('a'.repeat(80))).toBe(JSON.stringify('a'.repeat(80)));
    expect(quote('a'.repeat(81))).toBe(JSON.stringify(`${'a'.repeat(77)}...`));
  });

  test('describe names the JSON type of a value, showing scalars', () => {
    expect([null, [1], 'three', 1.5, true, { a: 1 }, undefined].map(describeValue)).toStrictEqual([
      'null',
      'a list',
      'string "three"',
      'number 1.5',
      'boolean true',
      'an object',
      'undefined',
    ]);
  });
});

describe('joinAnd', () => {
  test('joins none, one, two and three words as a sentence does', () => {
    expect([[], ['a'], ['a', 'b'], ['a', 'b', 'c']].map(joinAnd)).toStrictEqual(['', 'a', 'a and b', 'a, b and c']);
  });
});

describe('compareNatural', () => {
  test('orders numbers by value, also beyond the precision of a double, and ties by code point', () => {
    const sorted = ['c[10]', 'c[2]', 'c[02]', 'c[99999999999999999999]', 'c[100000000000000000000]', 'b'].sort(compareNatural);

    expect(sorted).toStrictEqual(['b', 'c[02]', 'c[2]', 'c[10]', 'c[99999999999999999999]', 'c[100000000000000000000]']);
  });
});
