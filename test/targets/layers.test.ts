import * as fs from 'node:fs';
import * as path from 'node:path';

/*
 * The layering of src/ (docs/architecture.md): the pipeline (synth) and the
 * CLI sit above the targets, which sit above the constructs, config and
 * conventions. A dependency goes one way: synth → targets, never back, and
 * conventions/ is a leaf that imports nothing of the package.
 */

const SRC = path.join(__dirname, '..', '..', 'src');

/** Every .ts file under `dir` (absolute). */
function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

/** The package modules a file imports (static, `import type`, `require` and `import()`), relative to src/. */
function importsOf(file: string, text = fs.readFileSync(file, 'utf8')): string[] {
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*|^import\s+)'([^']+)'/gm)].map((m) => m[1]);
  return specifiers.filter((s) => s.startsWith('.')).map((s) => path.relative(SRC, path.resolve(path.dirname(file), s)).split(path.sep).join('/'));
}

/** Each import of a file under `layer` (a folder of src/) that `allowed` refuses, as "FILE imports MODULE". */
function violations(layer: string, allowed: (target: string) => boolean): string[] {
  return sources(path.join(SRC, layer)).flatMap((file) =>
    importsOf(file)
      .filter((target) => !allowed(target))
      .map((target) => `${path.relative(SRC, file)} imports ${target}`),
  );
}

describe('GIVEN the layers of src/', () => {
  test('THEN nothing under src/targets imports the pipeline (src/synth) or the CLI (src/cli)', () => {
    expect(violations('targets', (target) => !/^(synth|cli)(\/|$)/.test(target))).toStrictEqual([]);
  });

  test('THEN src/conventions is a leaf: it imports only other conventions', () => {
    expect(violations('conventions', (target) => target.startsWith('conventions/'))).toStrictEqual([]);
  });

  test('THEN the scan sees every form of import, so the rules above can fail', () => {
    const text = [
      "import { a } from '../../synth/output';",
      "import type { B } from '../target';",
      "import '../../cli/index';",
      "const c = require('../../checks');",
      "type D = typeof import('../../config/types');",
      "import * as fs from 'node:fs';",
    ].join('\n');
    expect(importsOf(path.join(SRC, 'targets', 'kubernetes', 'x.ts'), text)).toStrictEqual(['synth/output', 'targets/target', 'cli/index', 'checks', 'config/types']);
  });
});
