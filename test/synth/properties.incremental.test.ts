import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { StackConfig, StackConfigSchema } from '../../src/config/schema';
import { synthesize } from '../../src/synth/synthesize';
import { synthesizeToDirectory } from '../../src/synth/pipeline';
import { RECORD_FILE } from '../../src/synth/record';
import { runs, stackInput } from '../helpers/stack-arbitraries';
import { snapshotDir, tempDir } from '../helpers/cli';

/*
 * Property: an incremental synth (files reused where the record vouches for
 * them) writes exactly what a full render writes, record included, over
 * random fleets and random edits: a stack replaced, its image changed, a
 * stack added or removed, a generated file or the record tampered with.
 * SAPLINGS_PROPERTY_SCALE scales the number of runs, as in the other property tests.
 */

const CODE = 'e'.repeat(64);

/** A stack the schema accepts and that synthesizes on its own; anything else is skipped. */
function usable(input: unknown, name: string): StackConfig | undefined {
  const parsed = StackConfigSchema.safeParse({ ...(input as object), name });
  if (!parsed.success) return undefined;
  const stack = parsed.data as StackConfig;
  try {
    synthesize([stack], { source: 'fleet.yaml' });
  } catch {
    return undefined;
  }
  return stack;
}

type Edit =
  | { kind: 'replace'; at: number; input: unknown }
  | { kind: 'image'; at: number; tag: string }
  | { kind: 'remove'; at: number }
  | { kind: 'add'; input: unknown }
  | { kind: 'tamper-file'; at: number }
  | { kind: 'tamper-record'; at: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), input: stackInput }),
  fc.record({ kind: fc.constant('image' as const), at: fc.nat(), tag: fc.stringMatching(/^[0-9]\.[0-9]\.[0-9]$/) }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), input: stackInput }),
  fc.record({ kind: fc.constant('tamper-file' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('tamper-record' as const), at: fc.nat() }),
);

describe('incremental synth', () => {
  test('writes byte for byte what a full render writes, after random edits to a random fleet', async () => {
    let reusedSome = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stackInput, { minLength: 1, maxLength: 4 }), fc.array(edit, { minLength: 1, maxLength: 3 }), async (inputs, edits) => {
        const stacks = inputs.map((input, i) => usable(input, `s${i}`));
        fc.pre(stacks.every((s) => s !== undefined));
        let fleet = stacks as StackConfig[];
        const out = tempDir('saplings-prop-inc-');
        await synthesizeToDirectory({ stacks: fleet, source: 'fleet.yaml', outDir: out, codeDigest: CODE });
        let next = inputs.length;
        for (const e of edits) {
          const i = fleet.length > 0 && 'at' in e ? e.at % fleet.length : 0;
          if (e.kind === 'replace' && fleet.length > 0) {
            const stack = usable(e.input, fleet[i].name);
            if (stack) fleet = fleet.map((s, j) => (j === i ? stack : s));
          } else if (e.kind === 'image' && fleet.length > 0) {
            fleet = fleet.map((s, j) => (j === i ? { ...s, image: `saplings:${e.tag}` } : s));
          } else if (e.kind === 'remove' && fleet.length > 1) {
            fleet = fleet.filter((_s, j) => j !== i);
          } else if (e.kind === 'add') {
            const stack = usable(e.input, `s${next++}`);
            if (stack) fleet = [...fleet, stack];
          } else if (e.kind === 'tamper-file') {
            const files = Object.keys(snapshotDir(out)).filter((f) => f !== RECORD_FILE);
            if (files.length > 0) fs.appendFileSync(path.join(out, files[e.at % files.length]), '# tampered\n');
          } else if (e.kind === 'tamper-record') {
            const file = path.join(out, RECORD_FILE);
            const lines = fs.readFileSync(file, 'utf8').split('\n');
            const digests = lines.map((l, j) => (/ input=[0-9a-f]{64}$/.test(l) ? j : -1)).filter((j) => j >= 0);
            if (digests.length > 0) {
              const j = digests[e.at % digests.length];
              lines[j] = lines[j].replace(/input=([0-9a-f])/, (_m, c: string) => `input=${c === 'a' ? 'b' : 'a'}`);
              fs.writeFileSync(file, lines.join('\n'));
            }
          }
        }
        const incremental = await synthesizeToDirectory({ stacks: fleet, source: 'fleet.yaml', outDir: out, codeDigest: CODE });
        if (incremental.rendered < fleet.length) reusedSome++;
        const full = tempDir('saplings-prop-full-');
        await synthesizeToDirectory({ stacks: fleet, source: 'fleet.yaml', outDir: full, codeDigest: CODE, cache: false });
        expect(snapshotDir(out)).toStrictEqual(snapshotDir(full));
        fs.rmSync(out, { recursive: true, force: true });
        fs.rmSync(full, { recursive: true, force: true });
      }),
      { numRuns: runs(12) },
    );
    // The property is about reuse: some runs must have reused files, or it proved nothing.
    expect(reusedSome).toBeGreaterThan(0);
  });
});

/*
 * Property: with a config file, documents whose exact text the record lists
 * are not validated again, and the run still writes (or refuses) exactly what
 * a full render does, over random edits of the stream's text.
 */
type TextEdit =
  | { kind: 'image'; at: number; tag: string }
  | { kind: 'whitespace'; at: number }
  | { kind: 'reorder'; seed: number }
  | { kind: 'copy'; at: number }
  | { kind: 'tamper-source'; at: number }
  | { kind: 'tamper-input'; at: number };

const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({ kind: fc.constant('image' as const), at: fc.nat(), tag: fc.stringMatching(/^[0-9]\.[0-9]\.[0-9]$/) }),
  fc.record({ kind: fc.constant('whitespace' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('reorder' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('copy' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('tamper-source' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('tamper-input' as const), at: fc.nat() }),
);

async function outcome(cwd: string, text: string, cache: boolean) {
  fs.writeFileSync(path.join(cwd, 'fleet.yaml'), text);
  try {
    await synthesizeToDirectory({ configFile: 'fleet.yaml', cwd, outDir: 'out', codeDigest: CODE, cache });
    return { files: snapshotDir(path.join(cwd, 'out')) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe('incremental synth of a config file', () => {
  test('writes or refuses exactly what a full render does, after random edits of the documents\' text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 4 }), fc.array(textEdit, { minLength: 1, maxLength: 3 }), async (count, edits) => {
        let docs = Array.from({ length: count }, (_v, i) => `---\nname: s${i}\nenvironment: production\nimage: saplings:1.0.${i}\n`);
        const cwd = tempDir('saplings-prop-inc-');
        await outcome(cwd, docs.join(''), true);
        for (const e of edits) {
          const i = 'at' in e ? e.at % docs.length : 0;
          if (e.kind === 'image') docs = docs.map((d, j) => (j === i ? d.replace(/saplings:[0-9.]+/, `saplings:${e.tag}`) : d));
          else if (e.kind === 'whitespace') docs = docs.map((d, j) => (j === i ? `${d}\n# note\n` : d));
          else if (e.kind === 'reorder') docs = docs.map((d, j) => ({ d, k: (j * 7 + e.seed) % 11 })).sort((a, b) => a.k - b.k).map((x) => x.d);
          else if (e.kind === 'copy') docs = [...docs, docs[i]];
          else {
            const file = path.join(cwd, 'out', RECORD_FILE);
            if (!fs.existsSync(file)) continue;
            const lines = fs.readFileSync(file, 'utf8').split('\n');
            const key = e.kind === 'tamper-source' ? 'source' : 'input';
            const sources = lines.map((l, j) => (/ source=[0-9a-f]{64}/.test(l) ? j : -1)).filter((j) => j >= 0);
            if (sources.length === 0) continue;
            const j = sources[e.at % sources.length];
            lines[j] = lines[j].replace(new RegExp(`${key}=([0-9a-f])`), (_m, c: string) => `${key}=${c === 'a' ? 'b' : 'a'}`);
            fs.writeFileSync(file, lines.join('\n'));
          }
        }
        const text = docs.join('');
        const incremental = await outcome(cwd, text, true);
        const full = await outcome(tempDir('saplings-prop-full-'), text, false);
        if ('error' in full) expect(incremental.error).toBe(full.error);
        else expect(incremental.files).toStrictEqual(full.files);
        fs.rmSync(cwd, { recursive: true, force: true });
      }),
      { numRuns: runs(15) },
    );
  });
});
