import { parseManifestStream, parseYamlStream } from '../../src/config/yaml';

describe('parseYamlStream', () => {
  it('refuses an alias to an anchor not set before it, at the alias', () => {
    expect(parseYamlStream('a: *x\nb: &x 1\n').problems).toStrictEqual([
      { document: 1, position: { line: 1, column: 4 }, message: 'YAML alias *x refers to no anchor &x set before it' },
    ]);
  });

  it('reads `<<` merge keys as YAML 1.1 readers (kubectl, docker-compose) do: the merged keys, with the mapping\'s own winning', () => {
    const text = 'base: &base\n  image: saplings:1.0.0\n  environment: staging\nstack:\n  <<: *base\n  environment: production\n';
    expect(parseYamlStream(text)).toMatchObject({
      problems: [],
      values: [{ document: 1, value: { base: { image: 'saplings:1.0.0', environment: 'staging' }, stack: { image: 'saplings:1.0.0', environment: 'production' } } }],
    });
  });

  it('expands aliases to anchors set before them', () => {
    expect(parseYamlStream('a: &x [1, 2]\nb: *x\n').values).toStrictEqual([{ document: 1, value: { a: [1, 2], b: [1, 2] } }]);
  });

  it('refuses an anchor used past the expansion limit, at the first alias past it, with the limit', () => {
    expect(parseYamlStream(`a: &v x\n${Array.from({ length: 99 }, (_, i) => `k${i}: *v\n`).join('')}`).problems).toStrictEqual([]);
    const text = `a: &v x\n${Array.from({ length: 100 }, (_, i) => `k${i}: *v\n`).join('')}`;
    expect(parseYamlStream(text).problems).toStrictEqual([
      {
        document: 1,
        position: { line: 101, column: 6 },
        message: 'YAML anchor &v is used by more than 99 aliases, a limit against alias bombs; write the values out instead',
      },
    ]);
  });

  it('expands up to 1,000 aliases in a document, and refuses more with the limit, at the first alias past it', () => {
    const anchors = Array.from({ length: 20 }, (_, i) => `a${i}: &a${i} x\n`).join('');
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `k${i}: *a${i % 20}\n`).join('');
    expect(parseYamlStream(`${anchors}${aliases(1000)}`).problems).toStrictEqual([]);
    expect(parseYamlStream(`${anchors}${aliases(1001)}`).problems).toStrictEqual([
      { document: 1, position: { line: 1021, column: 8 }, message: 'YAML document holds more than 1000 aliases, the limit; write the values out instead' },
    ]);
  });

  it('refuses a key repeated in a mapping, at the repeat', () => {
    expect(parseYamlStream('a: 1\nb:\n  c: 1\n  c: 2\n').problems).toStrictEqual([
      { document: 1, position: { line: 4, column: 3 }, message: 'YAML syntax error: Map keys must be unique; "c" is repeated' },
    ]);
  });

  it('skips empty documents between markers, as kubectl does', () => {
    expect(parseYamlStream('---\n---\na: 1\n---\n').values).toStrictEqual([{ document: 2, value: { a: 1 } }]);
  });
});

describe('parseManifestStream', () => {
  it.each([
    ['an inline mapping', 'spec:\n  <<: { replicas: 2 }\n  paused: false\n'],
    ['an alias', 'defaults: &d { replicas: 2 }\nspec:\n  <<: *d\n  paused: false\n'],
  ])('reads a merge key of %s as the merged keys, on its fast path and its checked one alike', (_what, text) => {
    const values = parseManifestStream(text).values.map((v) => (v.value as { spec: unknown }).spec);
    expect(values).toStrictEqual([{ replicas: 2, paused: false }]);
    expect(parseYamlStream(text).values.map((v) => (v.value as { spec: unknown }).spec)).toStrictEqual(values);
  });

  const fc = require('fast-check') as typeof import('fast-check');
  const { emitYamlStream } = require('../../src/targets/yaml') as typeof import('../../src/targets/yaml');

  it('reads every stream the checked parser reads as the same values', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { minKeys: 1, maxKeys: 5 }), { minLength: 1, maxLength: 4 }), (documents) => {
        const text = emitYamlStream(documents as never[]);
        expect(parseManifestStream(text).values).toStrictEqual(parseYamlStream(text).values);
      }),
      { numRuns: 200 },
    );
  });

  it('reads empty documents and a trailing --- as kubectl does', () => {
    expect(parseManifestStream('---\n---\na: 1\n---\n').values).toStrictEqual([{ document: 2, value: { a: 1 } }]);
  });

  it('gives positioned problems for a stream it cannot read, from the checked parser', () => {
    expect(parseManifestStream('a: 1\na: 2\n').problems).toStrictEqual(parseYamlStream('a: 1\na: 2\n').problems);
    expect(parseManifestStream('a: [1\n').problems[0].position).toStrictEqual({ line: 2, column: 1 });
  });

  it('sends streams with aliases through the checked parser and its limits', () => {
    const text = `a: &v x\n${Array.from({ length: 100 }, (_, i) => `k${i}: *v\n`).join('')}`;
    expect(parseManifestStream(text).problems).toStrictEqual(parseYamlStream(text).problems);
    expect(parseManifestStream(text).problems).toHaveLength(1);
  });
});
