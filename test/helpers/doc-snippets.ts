import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository's root. */
export const ROOT = path.join(__dirname, '..', '..');

/**
 * The documentation a reader navigates: README.md and every page of docs/,
 * except the API reference TypeDoc generates (docs/api/) and the notes other
 * branches leave for the lead (docs/_incoming/). Paths are relative to ROOT.
 */
export function docFiles(): string[] {
  const pages: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (rel !== 'docs/api' && rel !== 'docs/_incoming') walk(rel);
      } else if (entry.name.endsWith('.md')) pages.push(rel);
    }
  };
  walk('docs');
  return ['README.md', ...pages.sort()];
}

/** A fenced block of a page: its info string (```ts fragment → "ts fragment"), its code, its first line. */
export interface FencedBlock {
  readonly file: string;
  readonly line: number;
  readonly info: string;
  readonly code: string;
}

/** Every fenced code block of a page. */
export function fencedBlocks(file: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]);
    blocks.push({ file, line: start + 1, info: open[1].trim(), code: `${body.join('\n')}\n` });
  }
  return blocks;
}

/**
 * The TypeScript programs of the docs, which a chart author would paste:
 * every ```ts block of README.md and docs/. An excerpt that is not a whole
 * program is marked ```ts fragment and left out.
 */
export function docSnippets(): FencedBlock[] {
  return docFiles().flatMap(fencedBlocks).filter((b) => b.info === 'ts');
}
