import * as fs from 'node:fs';
import * as path from 'node:path';
import { isGenerated } from './provenance';

/** A file to write, relative to the output directory. */
export interface OutputFile {
  /** Path relative to the output directory. */
  readonly path: string;
  /** Full content. */
  readonly content: string;
}

/** What a write changed. */
export interface WriteResult {
  /** Files created or changed. */
  readonly written: string[];
  /** Generated files of stacks no longer in the config, now deleted. */
  readonly removed: string[];
}

/**
 * Writes all files, or none.
 *
 * Everything is written to a temporary directory beside the output directory
 * (same filesystem), then renamed into place file by file; a rename is atomic,
 * so a reader never sees a half-written file. Generated files that the new
 * output no longer contains are deleted last. Files saplings-k8s did not
 * write (no provenance header) are never touched.
 */
export function writeOutput(outDir: string, files: readonly OutputFile[]): WriteResult {
  const target = path.resolve(outDir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}.saplings-k8s-`));
  try {
    for (const file of files) {
      const staged = path.join(staging, file.path);
      fs.mkdirSync(path.dirname(staged), { recursive: true });
      fs.writeFileSync(staged, file.content);
    }
    fs.mkdirSync(target, { recursive: true });
    const written: string[] = [];
    for (const file of files) {
      const destination = path.join(target, file.path);
      if (readIfExists(destination) === file.content) continue;
      fs.mkdirSync(path.dirname(destination), { recursive: true });
      fs.renameSync(path.join(staging, file.path), destination);
      written.push(file.path);
    }
    const keep = new Set(files.map((f) => path.normalize(f.path)));
    const removed = listFiles(target).filter((f) => !keep.has(f) && isGenerated(readIfExists(path.join(target, f)) ?? ''));
    for (const f of removed) fs.rmSync(path.join(target, f));
    return { written, removed };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Files under `dir`, relative to it, skipping hidden entries. */
export function listFiles(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.')) return [];
    const rel = path.join(prefix, entry.name);
    return entry.isDirectory() ? listFiles(path.join(dir, entry.name), rel) : [rel];
  });
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
