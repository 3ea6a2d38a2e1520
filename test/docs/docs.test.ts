import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, docFiles, docSnippets, fencedBlocks } from '../helpers/doc-snippets';

/** Text outside fenced code blocks, with each line's number. */
function proseLines(file: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  let fenced = false;
  fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n').forEach((text, i) => {
    if (text.startsWith('```')) fenced = !fenced;
    else if (!fenced) out.push({ line: i + 1, text });
  });
  return out;
}

/**
 * The anchors a page's headings get on GitHub and npm: the heading's text in
 * lowercase, without punctuation but `-` and `_`, spaces as `-`, and `-1`,
 * `-2` … for repeats.
 */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const { text } of proseLines(file)) {
    const heading = /^#{1,6} (.+)$/.exec(text);
    if (!heading) continue;
    const slug = heading[1].toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    result.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return result;
}

/** Relative links of a page's prose: `[text](target)`, without web and mail links. */
function links(file: string): Array<{ line: number; target: string }> {
  const out: Array<{ line: number; target: string }> = [];
  for (const { line, text } of proseLines(file)) {
    // Inline code may hold brackets that are not links.
    for (const m of text.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!/^[a-z]+:/.test(m[1])) out.push({ line, target: m[1] });
    }
  }
  return out;
}

describe('GIVEN the README and the pages of docs/', () => {
  const files = docFiles();

  test('THEN the README is a front page: at most 250 lines, with the two set-up commands', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
    expect(readme).toContain('npm ci && npm run synth');
    expect(readme).toContain('\nnpm test\n');
  });

  test('THEN every relative link reaches a file, and every #anchor a heading of it', () => {
    const broken: string[] = [];
    for (const file of files) {
      for (const { line, target } of links(file)) {
        const [target_path, anchor] = target.split('#');
        const resolved = target_path ? path.posix.normalize(path.posix.join(path.posix.dirname(file), target_path)) : file;
        const where = `${file}:${line}: ${target}`;
        if (!fs.existsSync(path.join(ROOT, resolved))) broken.push(`${where}: no such file`);
        else if (anchor !== undefined && resolved.endsWith('.md') && !anchors(resolved).has(anchor)) broken.push(`${where}: no such heading`);
      }
    }
    expect(broken).toStrictEqual([]);
  });

  test('THEN every page of docs/ is linked from the README or another page', () => {
    const linked = new Set<string>();
    for (const file of files) {
      for (const { target } of links(file)) {
        const target_path = target.split('#')[0];
        if (target_path) linked.add(path.posix.normalize(path.posix.join(path.posix.dirname(file), target_path)));
      }
    }
    expect(files.filter((f) => f !== 'README.md' && !linked.has(f))).toStrictEqual([]);
  });

  test('THEN the code the end-to-end suite compiles is found in docs/ as well as the README, and each block is a whole program', () => {
    const snippets = docSnippets();
    expect([...new Set(snippets.map((s) => s.file))]).toEqual(expect.arrayContaining(['README.md', 'docs/library.md', 'docs/security.md']));
    for (const s of snippets) {
      // A program synthesizes a cdk8s app of the constructs, or a config through the library call synth makes.
      const imports = /from 'saplings-k8s'/.test(s.code) || /from 'saplings-k8s\/config'/.test(s.code);
      const synthesizes = /\bapp\.synth\(\)/.test(s.code) || /\bawait synthesizeToDirectory\(/.test(s.code);
      expect({ at: `${s.file}:${s.line}`, imports, synthesizes }).toStrictEqual({
        at: `${s.file}:${s.line}`,
        imports: true,
        synthesizes: true,
      });
    }
  });

  test('THEN the anchor rule matches GitHub for the headings the docs link to', () => {
    expect(anchors('docs/config.md')).toContain('the-apps-secret');
    expect(anchors('docs/config-reference.md')).toContain('cloudrun');
    expect(anchors('docs/cli.md')).toContain('guarantees-what-synth-writes-and-what-it-never-touches');
    expect(fencedBlocks('README.md').some((b) => b.info === 'ts')).toBe(true);
  });
});
