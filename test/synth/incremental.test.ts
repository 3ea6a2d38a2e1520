import * as fs from 'node:fs';
import * as path from 'node:path';
import { StackConfig } from '../../src/config/types';
import { inputProblems } from '../../src/config/errors';
import * as schemaModule from '../../src/config/schema';
import { builtCodeDigest, canonicalJson } from '../../src/synth/incremental';
import { SynthesizeToDirectoryOptions, synthesizeToDirectory } from '../../src/synth/pipeline';
import { RECORD_FILE, readRecord } from '../../src/synth/record';
import { snapshotDir, tempDir } from '../helpers/cli';
import { stackConfig } from '../helpers/manifests';

/** Under ts-jest there is no build, so the tests name the code's digest themselves. */
const CODE = 'c'.repeat(64);

const fleet = (...names: string[]): StackConfig[] => names.map((name, i) => stackConfig({ name, image: `saplings:1.0.${i}` }));

function run(outDir: string, stacks: readonly StackConfig[], options: Partial<SynthesizeToDirectoryOptions> = {}) {
  return synthesizeToDirectory({ stacks, source: 'fleet.yaml', outDir, codeDigest: CODE, ...options });
}

describe('incremental synth', () => {
  test('GIVEN no build THEN there is no code digest, and nothing is reused', async () => {
    expect(builtCodeDigest()).toBeUndefined();
    const out = tempDir('saplings-inc-');
    const stacks = fleet('a', 'b');
    await synthesizeToDirectory({ stacks, outDir: out });
    expect((await synthesizeToDirectory({ stacks, outDir: out })).rendered).toBe(2);
    expect([...readRecord(out).entries.values()].map((e) => e.input)).toStrictEqual([undefined, undefined]);
  });

  test('GIVEN an unchanged config THEN no stack renders again, and the output stays byte for byte', async () => {
    const out = tempDir('saplings-inc-');
    const stacks = fleet('a', 'b', 'c');
    expect((await run(out, stacks)).rendered).toBe(3);
    const before = snapshotDir(out);
    const again = await run(out, stacks);
    expect(again.rendered).toBe(0);
    expect(again.diff).toMatchObject({ added: [], changed: [], removed: [] });
    // Files in config order, as a full render lists them.
    expect(again.files.map((f) => f.path)).toStrictEqual(['a.k8s.yaml', 'b.k8s.yaml', 'c.k8s.yaml']);
    expect(snapshotDir(out)).toStrictEqual(before);
  });

  test('GIVEN one edited stack THEN only it renders, and the output equals a full render', async () => {
    const out = tempDir('saplings-inc-');
    const full = tempDir('saplings-full-');
    await run(out, fleet('a', 'b', 'c'));
    const edited = fleet('a', 'b', 'c').map((s) => (s.name === 'b' ? { ...s, image: 'saplings:2.0.0' } : s));
    const result = await run(out, edited);
    expect(result.rendered).toBe(1);
    expect(result.diff!.changed).toStrictEqual(['b.k8s.yaml']);
    expect((await run(full, edited, { cache: false })).rendered).toBe(3);
    expect(snapshotDir(out)).toStrictEqual(snapshotDir(full));
  });

  test('GIVEN a file edited by hand or a record line changed THEN that stack renders again and the file is restored', async () => {
    const out = tempDir('saplings-inc-');
    const stacks = fleet('a', 'b', 'c');
    await run(out, stacks);
    const before = snapshotDir(out);
    fs.appendFileSync(path.join(out, 'a.k8s.yaml'), '# edited\n');
    const record = fs.readFileSync(path.join(out, RECORD_FILE), 'utf8');
    // b's recorded input digest, changed: the record no longer vouches for b.
    fs.writeFileSync(path.join(out, RECORD_FILE), record.replace(/(stack=b input=)([0-9a-f])/, (_m, head: string, c: string) => head + (c === '0' ? '1' : '0')));
    const result = await run(out, stacks);
    expect(result.rendered).toBe(2);
    expect(snapshotDir(out)).toStrictEqual(before);
  });

  test('GIVEN another code digest, layout, environment or --no-cache THEN every stack renders', async () => {
    const out = tempDir('saplings-inc-');
    const stacks = fleet('a', 'b');
    await run(out, stacks);
    expect((await run(out, stacks, { codeDigest: 'd'.repeat(64) })).rendered).toBe(2);
    expect((await run(out, stacks, { codeDigest: 'd'.repeat(64), cache: false })).rendered).toBe(2);
    expect((await run(out, stacks, { codeDigest: 'd'.repeat(64), layout: 'file-per-resource' })).rendered).toBe(2);
    expect((await run(out, stacks, { codeDigest: 'd'.repeat(64), layout: 'file-per-resource' })).rendered).toBe(0);
    const staging = stacks.map((s) => ({ ...s, environment: 'staging' as const }));
    expect((await run(out, staging, { codeDigest: 'd'.repeat(64), layout: 'file-per-resource' })).rendered).toBe(2);
  });

  test('GIVEN a stack with inline secrets THEN it always renders, and the record holds no digest of its values', async () => {
    const out = tempDir('saplings-inc-');
    const secretValue = 'sk-test-value-that-must-not-leak-0123456789';
    const dev = stackConfig({
      name: 'dev',
      environment: 'development',
      image: 'saplings:1.0.0',
      secrets: { source: 'inline', values: { OPENAI_API_KEY: secretValue, ANTHROPIC_API_KEY: 'a', DATABASE_URL: 'b', ENCRYPTION_KEY: 'c' } },
    } as never);
    const stacks = [...fleet('a'), dev];
    await run(out, stacks);
    expect((await run(out, stacks)).rendered).toBe(1);
    const entries = [...readRecord(out).entries.values()];
    expect(entries.filter((e) => e.stack === 'dev').map((e) => e.input)).toStrictEqual([undefined]);
    expect(entries.filter((e) => e.stack === 'a').map((e) => typeof e.input)).toStrictEqual(['string']);
    expect(fs.readFileSync(path.join(out, RECORD_FILE), 'utf8')).not.toContain(secretValue);
  });

  test('a stack rendered for several targets is reused only when every target\'s files are', async () => {
    const out = tempDir('saplings-inc-');
    const stacks = fleet('a', 'b');
    await run(out, stacks, { targets: ['kubernetes', 'compose'] });
    fs.rmSync(path.join(out, 'compose/b/nginx.conf'));
    const result = await run(out, stacks, { targets: ['kubernetes', 'compose'] });
    expect(result.rendered).toBe(1);
    expect(result.diff!.added).toStrictEqual(['compose/b/nginx.conf']);
  });
});

describe('canonicalJson', () => {
  test('orders keys at every depth, so equal configs give equal digests', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });
});

describe('incremental synth of a config file', () => {
  const doc = (name: string, tag = '1.0.0') => `---\nname: ${name}\nenvironment: production\nimage: saplings:${tag}\n`;
  const validations = () => jest.spyOn(schemaModule, 'registeredStackConfigSchema');

  function runFile(cwd: string, outDir: string, text: string, options: Partial<SynthesizeToDirectoryOptions> = {}) {
    fs.writeFileSync(path.join(cwd, 'fleet.yaml'), text);
    return synthesizeToDirectory({ configFile: 'fleet.yaml', cwd, outDir, codeDigest: CODE, ...options });
  }

  async function fullRender(text: string): Promise<Record<string, string>> {
    const cwd = tempDir('saplings-full-');
    await runFile(cwd, 'out', text, { cache: false });
    return snapshotDir(path.join(cwd, 'out'));
  }

  afterEach(() => jest.restoreAllMocks());

  test('GIVEN one edited document THEN only it is validated and rendered, and the output equals a full render', async () => {
    const cwd = tempDir('saplings-inc-');
    await runFile(cwd, 'out', doc('a') + doc('b') + doc('c'));
    expect(readRecord(path.join(cwd, 'out')).entries.get('a.k8s.yaml')).toMatchObject({ source: expect.stringMatching(/^[0-9a-f]{64}$/), namespace: 'a' });
    const spy = validations();
    const edited = doc('a') + doc('b', '2.0.0') + doc('c');
    const result = await runFile(cwd, 'out', edited);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(result.rendered).toBe(1);
    expect(result.stacks).toStrictEqual(['a', 'b', 'c']);
    expect(result.diff!.changed).toStrictEqual(['b.k8s.yaml']);
    expect(snapshotDir(path.join(cwd, 'out'))).toStrictEqual(await fullRender(edited));
  });

  test('GIVEN a whitespace-only edit THEN that document is validated again but nothing renders', async () => {
    const cwd = tempDir('saplings-inc-');
    await runFile(cwd, 'out', doc('a') + doc('b'));
    const spy = validations();
    const edited = doc('a') + doc('b').replace('image:', 'image:   ') + '\n';
    const result = await runFile(cwd, 'out', edited);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(result.rendered).toBe(0);
    expect(snapshotDir(path.join(cwd, 'out'))).toStrictEqual(await fullRender(edited));
  });

  test('GIVEN a reordered stream THEN nothing is validated or rendered, and the files follow the new order', async () => {
    const cwd = tempDir('saplings-inc-');
    await runFile(cwd, 'out', doc('a') + doc('b') + doc('c'));
    const spy = validations();
    const reordered = doc('c') + doc('a') + doc('b');
    const result = await runFile(cwd, 'out', reordered);
    expect(spy).not.toHaveBeenCalled();
    expect(result.rendered).toBe(0);
    expect(result.files.map((f) => f.path)).toStrictEqual(['c.k8s.yaml', 'a.k8s.yaml', 'b.k8s.yaml']);
    expect(snapshotDir(path.join(cwd, 'out'))).toStrictEqual(await fullRender(reordered));
  });

  test('GIVEN an unchanged document copied THEN the duplicate name is refused at its line in the whole file', async () => {
    const cwd = tempDir('saplings-inc-');
    await runFile(cwd, 'out', doc('a') + doc('b'));
    const before = snapshotDir(path.join(cwd, 'out'));
    const error = await runFile(cwd, 'out', doc('a') + doc('b') + doc('a')).catch((err: unknown) => err);
    expect(inputProblems(error)).toStrictEqual([
      expect.objectContaining({ document: 3, path: 'name', position: { line: 10, column: 7 }, message: '"a" is already used by document 1; each stack needs its own name' }),
      expect.objectContaining({ document: 3, path: 'namespace', position: { line: 10, column: 7 } }),
    ]);
    expect(snapshotDir(path.join(cwd, 'out'))).toStrictEqual(before);
  });

  test('GIVEN a problem in an edited document THEN it is reported at its line in the whole file', async () => {
    const cwd = tempDir('saplings-inc-');
    await runFile(cwd, 'out', doc('a') + doc('b') + doc('c'));
    const error = await runFile(cwd, 'out', doc('a') + doc('b') + doc('c').replace('production', 'prod')).catch((err: unknown) => err);
    expect(inputProblems(error)).toStrictEqual([expect.objectContaining({ document: 3, path: 'environment', position: { line: 11, column: 14 } })]);
  });

  test('GIVEN a record whose document digest or input was changed by hand, or an edited file THEN the document is validated and rendered again', async () => {
    const cwd = tempDir('saplings-inc-');
    const text = doc('a') + doc('b') + doc('c');
    await runFile(cwd, 'out', text);
    const full = await fullRender(text);
    const recordFile = path.join(cwd, 'out', RECORD_FILE);
    const flip = (c: string) => (c === '0' ? '1' : '0');
    const record = fs
      .readFileSync(recordFile, 'utf8')
      .replace(/(stack=a input=[0-9a-f]{64} source=)([0-9a-f])/, (_m, head: string, c: string) => head + flip(c))
      .replace(/(stack=c input=)([0-9a-f])/, (_m, head: string, c: string) => head + flip(c));
    fs.writeFileSync(recordFile, record);
    fs.appendFileSync(path.join(cwd, 'out', 'b.k8s.yaml'), '# edited\n');
    const spy = validations();
    const result = await runFile(cwd, 'out', text);
    // a: its document is no longer known, but its input digest still vouches for its file; b and c render again.
    expect(spy).toHaveBeenCalledTimes(3);
    expect(result.rendered).toBe(2);
    expect(snapshotDir(path.join(cwd, 'out'))).toStrictEqual(full);
  });

  test('GIVEN a stack with a warning, or with inline secrets THEN its document is never skipped', async () => {
    const cwd = tempDir('saplings-inc-');
    const staging = doc('s').replace('production', 'staging').replace('saplings:1.0.0', 'saplings:latest');
    const dev = `---\nname: d\nenvironment: development\nimage: saplings:1.0.0\nsecrets:\n  source: inline\n  fromEnv: true\n`;
    const env = { OPENAI_API_KEY: 'x', ANTHROPIC_API_KEY: 'y', DATABASE_URL: 'z', ENCRYPTION_KEY: 'w' };
    const warnings: unknown[] = [];
    await runFile(cwd, 'out', doc('a') + staging + dev, { env, onWarning: (w) => warnings.push(w) });
    const entries = [...readRecord(path.join(cwd, 'out')).entries.values()];
    expect(entries.filter((e) => e.source !== undefined).map((e) => e.stack)).toStrictEqual(['a']);
    const spy = validations();
    await runFile(cwd, 'out', doc('a') + staging + dev, { env, onWarning: (w) => warnings.push(w) });
    expect(spy).toHaveBeenCalledTimes(2);
    // The second run repeats the first run's warnings: the staging document was validated again.
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.slice(warnings.length / 2)).toStrictEqual(warnings.slice(0, warnings.length / 2));
  });
});
