import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { loadConfigFile } from '../../src/config/load';
import { renderStack, toYaml } from '../../src/targets/kubernetes/render';
import { YamlValue, emitYaml, emitYamlStream } from '../../src/targets/yaml';
import { stackConfig } from '../helpers/manifests';

/*
 * kubectl, Argo CD and Flux decode manifests as YAML 1.1 (sigs.k8s.io/yaml);
 * most other tools read YAML 1.2. Every document we write must mean the same
 * to both. The `yaml` package's 1.1 schema stands in for kubectl here; it
 * resolves the same plain scalars to booleans, numbers and nulls.
 */

/** Scales numRuns, for a longer hunt: SAPLINGS_PROPERTY_SCALE=50 npx jest test/targets/yaml. */
const SCALE = Number(process.env.SAPLINGS_PROPERTY_SCALE ?? '1');

/** What a YAML 1.1 reader (kubectl) gets back from `text`, one value per document. */
function readAsYaml11(text: string): unknown[] {
  return YAML.parseAllDocuments(text, { version: '1.1', uniqueKeys: false }).map((d) => {
    if (d.errors.length) throw d.errors[0];
    return d.toJS({ maxAliasCount: -1 });
  });
}

/** What a YAML 1.2 reader gets back from `text`, one value per document. */
function readAsYaml12(text: string): unknown[] {
  return YAML.parseAllDocuments(text, { version: '1.2' }).map((d) => {
    if (d.errors.length) throw d.errors[0];
    return d.toJS();
  });
}

/** JSON drops `undefined` members and reads them in arrays as null, as the emitter does. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** Strings built from the characters YAML 1.1 gives meaning to, so ambiguous scalars come up often. */
const trickyString = fc
  .array(fc.constantFrom(...'0123456789_:.+-eEoOxXbByYnN~=<#  \n\t\'"aflsu[]{},&*!|>%@`\\'.split(''), 'yes', 'no', 'on', 'off', 'true', 'null', '.inf', '0x', '0o', '---', '\u0085', '\u2028', '\ufeff', '\u007f'), { maxLength: 8 })
  .map((parts) => parts.join(''));

const anyString = fc.oneof(trickyString, fc.string({ unit: 'binary' }), fc.string());

const jsonValue: fc.Arbitrary<YamlValue> = fc.letrec<{ value: YamlValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyString,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(anyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('emitYaml', () => {
  it('writes every JSON value so that YAML 1.1 and YAML 1.2 readers both read it back unchanged', () => {
    fc.assert(
      fc.property(fc.dictionary(anyString, jsonValue, { maxKeys: 6 }), (value) => {
        const text = emitYaml(value);
        expect(readAsYaml11(text)).toStrictEqual([asJson(value)]);
        expect(readAsYaml12(text)).toStrictEqual([asJson(value)]);
      }),
      { numRuns: 400 * SCALE },
    );
  });

  it.each([
    ['yes'], ['no'], ['on'], ['off'], ['y'], ['N'], ['NO'], ['~'], ['null'], [''],
    ['1:20'], ['190:20:30'], ['1_000'], ['0777'], ['0b1_0'], ['0x1F'], ['+.5'], ['1_0.5'], ['1e3'], ['.inf'], ['-.Inf'], ['.NaN'],
    ['='], ['<<'], ['2001-12-14'], ['2001-12-14 21:59:43.10 -5'], ['8000'], ['-1'],
  ])('quotes %j, which some reader would not read as a string', (value) => {
    expect(emitYaml({ key: value })).toBe(`key: ${JSON.stringify(value)}\n`);
  });

  it.each([
    ['--appendonly'], ['redis://:$(REDIS_PASSWORD)@redis-service:6379'], ['10.0.0.0/8'], ['250m'], ['100Gi'],
    ['redis:7-alpine'], ['nginx.ingress.kubernetes.io/proxy-body-size'], ['/health'], ['a b c'], ['yesterday'], ['nobody'],
  ])('writes %j plain, as hand-written manifests do', (value) => {
    expect(emitYaml({ key: value })).toBe(`key: ${value}\n`);
  });

  it('quotes keys by the same rule, so a key `on` stays a string key', () => {
    expect(emitYaml({ on: 1, NO: 2, name: 3 })).toBe('"on": 1\n"NO": 2\nname: 3\n');
  });

  it('escapes the characters YAML 1.1 treats as line breaks or forbids raw', () => {
    expect(emitYaml({ key: 'a\u0085b\u2028c\ufeffd\u007f' })).toBe('key: "a\\u0085b\\u2028c\\ufeffd\\u007f"\n');
  });

  it('lays out nested collections in the yaml package block style', () => {
    const value = { spec: { containers: [{ name: 'app', args: ['--appendonly', 'yes'], env: [] }], selector: {} }, list: [[1, 2], []] };
    expect(emitYaml(value)).toBe(YAML.stringify(value, { lineWidth: 0 }).replace('- yes', '- "yes"'));
  });

  it('writes multi-line strings as literal blocks with the chomping that keeps their trailing newlines', () => {
    const value = { none: 'a\nb', one: 'a\nb\n', more: 'a\n\nb\n\n' };
    expect(emitYaml(value)).toBe('none: |-\n  a\n  b\none: |\n  a\n  b\nmore: |+\n  a\n\n  b\n\n');
    expect(readAsYaml11(emitYaml(value))).toStrictEqual([value]);
  });

  it('uses the explicit key form past YAML\'s 1024-character limit on implicit keys', () => {
    const value = { ['K'.repeat(1200)]: 'v' };
    expect(readAsYaml11(emitYaml(value))).toStrictEqual([value]);
  });

  it('writes a stream of documents separated by ---', () => {
    expect(emitYamlStream([{ a: 1 }, { b: 'on' }])).toBe('a: 1\n---\nb: "on"\n');
  });
});

describe('rendered manifests under YAML 1.1', () => {
  it('reads app.config values back as the strings the config gave, whatever they are', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/), anyString, { minKeys: 1, maxKeys: 5 }), (config) => {
        const objects = renderStack(stackConfig({ app: { config } } as never)).objects;
        expect(readAsYaml11(toYaml(objects, ''))).toStrictEqual(asJson(objects));
      }),
      { numRuns: 40 },
    );
  });

  it('reads the ambiguous values of the issue as strings: COUNTRY "NO", FLAG "on", SINCE "1:20", N "1_000"', () => {
    const objects = renderStack(stackConfig({ app: { config: { COUNTRY: 'NO', FLAG: 'on', SINCE: '1:20', N: '1_000' } } } as never)).objects;
    const configMap = readAsYaml11(toYaml(objects, '')).find((o: any) => o.kind === 'ConfigMap') as any;
    expect(configMap.data).toMatchObject({ COUNTRY: 'NO', FLAG: 'on', SINCE: '1:20', N: '1_000' });
  });

  it('reads the Redis container args of the default stack as strings', () => {
    const redis = readAsYaml11(toYaml(renderStack(stackConfig()).objects, '')).find((o: any) => o.kind === 'Deployment' && o.metadata.name === 'redis') as any;
    expect(redis.spec.template.spec.containers[0].args).toContain('yes');
  });

  const examples = path.join(__dirname, '../../examples');
  it.each(fs.readdirSync(examples).filter((f) => f.endsWith('.yaml')))('reads every object of examples/%s as rendered', (file) => {
    const env = { OPENAI_API_KEY: 'sk-test', ANTHROPIC_API_KEY: 'sk-ant-test', ENCRYPTION_KEY: 'k'.repeat(32) };
    for (const stack of loadConfigFile(path.join(examples, file), { env })) {
      const objects = renderStack(stack).objects;
      expect(readAsYaml11(toYaml(objects, ''))).toStrictEqual(asJson(objects));
    }
  });
});
