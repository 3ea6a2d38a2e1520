import { DiffResult, FieldChange, LineChange, StackDiff, UnitChange } from './model';

/** The output formats of `saplings-k8s diff`. */
export const DIFF_FORMATS = ['text', 'markdown', 'json'] as const;

/** One of {@link DIFF_FORMATS}. */
export type DiffFormat = (typeof DIFF_FORMATS)[number];

/** Options for {@link formatDiff}. */
export interface FormatOptions {
  /** Colour the text format with ANSI escapes, as `kubectl diff` does on a terminal. @default false */
  readonly color?: boolean;
  /** List the noise too (text and markdown; JSON always has it): checksum annotations, provenance headers, the record of generated files. @default false */
  readonly showNoise?: boolean;
  /** Largest markdown output, in characters, before the rest is counted as "N more". @default 60000 (a GitHub comment holds 65536) */
  readonly maxMarkdownChars?: number;
}

/** Renders a diff in `format`; the result ends with a newline. */
export function formatDiff(result: DiffResult, format: DiffFormat, options: FormatOptions = {}): string {
  // Tools get everything: the noise is in fields of its own, so nothing has to be asked for.
  if (format === 'json') return `${JSON.stringify(result, null, 2)}\n`;
  if (format === 'markdown') return formatMarkdown(result, options);
  return formatText(result, options);
}

/**
 * One line per stack and target that changed, then the totals: what
 * `saplings-k8s diff` ends with, and what `synth --check` can print under its
 * list of files.
 */
export function formatSummary(result: DiffResult): string {
  const lines = result.stacks.map((s) => `  ${stackLabel(s)}: ${counts(s)}\n`);
  return `${lines.join('')}${totals(result)}\n`;
}

function totals(result: DiffResult): string {
  const hidden = result.summary.noise ? `; ${noiseCount(result)} hidden (checksum annotations, provenance headers)` : '';
  if (!result.changed) return `no changes against ${result.against}${hidden}`;
  return `${headline(result)}, against ${result.against}${hidden}`;
}

/** `2 changed, 1 added, 0 removed in 3 stacks`. */
function headline(result: DiffResult): string {
  const n = new Set(result.stacks.map((s) => s.stack)).size;
  return `${counts(result.summary)} in ${n} stack${n === 1 ? '' : 's'}`;
}

function noiseCount(result: DiffResult): string {
  return `${result.summary.noise} noise change${result.summary.noise === 1 ? '' : 's'}`;
}

function counts(c: { added: number; removed: number; changed: number }): string {
  return `${c.changed} changed, ${c.added} added, ${c.removed} removed`;
}

function stackLabel(s: StackDiff): string {
  return `${s.stack || '(root files)'} (${s.target})`;
}

function unitLabel(u: UnitChange): string {
  if (u.type === 'object') return `${u.kind} ${u.namespace ? `${u.namespace}/` : ''}${u.name}`;
  return u.document ? `${u.file} (document ${u.document})` : u.file;
}

const MARK: Readonly<Record<UnitChange['change'], string>> = { added: '+', removed: '-', changed: '~' };

/** A value for a message: JSON, cut to one short line. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** The lines describing one field change, without decoration. */
function fieldParts(f: FieldChange): { path: string; before?: string; after?: string; note?: string } {
  if (f.hidden) return { path: f.path, note: `${f.change} (value hidden)` };
  if (f.change === 'added') return { path: f.path, after: show(f.new), note: 'added' };
  if (f.change === 'removed') return { path: f.path, before: show(f.old), note: 'removed' };
  return { path: f.path, before: show(f.old), after: show(f.new) };
}

/** `path: old → new`, `path: new (added)`, `path: changed (value hidden)`. */
function fieldLine(f: FieldChange, p: Paint = paint(false)): string {
  const { path, before, after, note } = fieldParts(f);
  if (before !== undefined && after !== undefined) return `${path}: ${p.del(before)} → ${p.add(after)}`;
  if (before !== undefined) return `${path}: ${p.del(before)} ${p.dim(`(${note})`)}`;
  if (after !== undefined) return `${path}: ${p.add(after)} ${p.dim(`(${note})`)}`;
  return `${path}: ${p.dim(note ?? '')}`;
}

function lineText(l: LineChange): string {
  return l.hidden ? '(line hidden)' : (l.text ?? '');
}

interface Paint {
  readonly add: (s: string) => string;
  readonly del: (s: string) => string;
  readonly mod: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

function paint(color: boolean): Paint {
  const wrap = (code: string) => (s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { add: wrap('32'), del: wrap('31'), mod: wrap('33'), dim: wrap('2'), bold: wrap('1') };
}

function formatText(result: DiffResult, options: FormatOptions): string {
  const p = paint(options.color ?? false);
  const markOf = { added: p.add('+'), removed: p.del('-'), changed: p.mod('~') };
  const out: string[] = [];
  for (const stack of result.stacks) {
    out.push(p.bold(`${stackLabel(stack)}: ${counts(stack)}`));
    for (const unit of stack.changes) {
      out.push(`${markOf[unit.change]} ${unitLabel(unit)}${unit.type === 'object' ? p.dim(`  (${unit.file})`) : ''}`);
      const fields = [...(unit.fields ?? []), ...(options.showNoise ? (unit.noise ?? []) : [])];
      for (const f of fields) out.push(`    ${fieldLine(f, p)}${unit.noise?.includes(f) ? p.dim(' (noise)') : ''}`);
      for (const l of unit.lines ?? []) out.push(`    ${(l.op === '-' ? p.del : p.add)(`${l.op}${String(l.line).padStart(4)}: ${lineText(l)}`)}`);
    }
    out.push('');
  }
  if (options.showNoise) {
    for (const n of result.noise) {
      out.push(p.dim(`  ${n.change ? unitLabel(n.change) : n.file}: ${n.reason} only (noise)`));
      for (const f of n.change?.noise ?? []) out.push(p.dim(`    ${fieldLine(f)}`));
    }
  }
  out.push(totals(result) + (result.summary.noise && !options.showNoise ? '; --show-noise lists them' : ''));
  return `${out.join('\n')}\n`;
}

/** A code span that survives any content: backticks inside choose a longer fence. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return longest ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

function escapeCell(text: string): string {
  return text.replace(/[|\\<>*_`[\]]/g, (c) => `\\${c}`);
}

function formatMarkdown(result: DiffResult, options: FormatOptions): string {
  const cap = options.maxMarkdownChars ?? 60_000;
  const head: string[] = ['### saplings-k8s diff', ''];
  if (!result.changed) {
    head.push(`No changes against ${code(result.against)}.${result.summary.noise ? ` ${noiseCount(result)} hidden.` : ''}`);
    return `${head.join('\n')}\n`;
  }
  const hidden = result.summary.noise ? ` (${noiseCount(result)} ${options.showNoise ? 'listed' : 'hidden'}: checksum annotations, provenance headers)` : '';
  head.push(`**${headline(result)}**, against ${code(result.against)}${hidden}.`, '');
  head.push('| Stack | Target | Added | Removed | Changed |', '|---|---|---:|---:|---:|');
  for (const s of result.stacks) head.push(`| ${escapeCell(s.stack || '(root files)')} | ${escapeCell(s.target)} | ${s.added} | ${s.removed} | ${s.changed} |`);
  head.push('');
  let used = head.join('\n').length + 200;
  let omitted = 0;
  const body: string[] = [];
  for (const stack of result.stacks) {
    const items: string[] = [];
    let stackOmitted = 0;
    const add = (line: string) => {
      if (used + line.length + 1 > cap) {
        stackOmitted++;
        return;
      }
      used += line.length + 1;
      items.push(line);
    };
    for (const unit of stack.changes) {
      add(`- ${code(MARK[unit.change])} **${escapeCell(unit.type === 'object' ? unit.kind ?? '' : unit.type)}** ${code(unit.type === 'object' ? unitLabel(unit).slice((unit.kind ?? '').length + 1) : unitLabel(unit))}${unit.type === 'object' ? ` in ${code(unit.file)}` : ''}`);
      const fields = [...(unit.fields ?? []), ...(options.showNoise ? (unit.noise ?? []) : [])];
      for (const f of fields) {
        const { path, before, after, note } = fieldParts(f);
        const values = before !== undefined && after !== undefined ? `${code(before)} → ${code(after)}` : before !== undefined ? `${code(before)} (${note})` : after !== undefined ? `${code(after)} (${note})` : `_${note}_`;
        add(`  - ${code(path)}: ${values}`);
      }
      for (const l of unit.lines ?? []) add(`  - ${code(`${l.op}${l.line}: ${lineText(l)}`)}`);
    }
    omitted += stackOmitted;
    const more = stackOmitted ? [`- … ${stackOmitted} more`] : [];
    body.push('<details>', `<summary><b>${escapeHtml(stack.stack || '(root files)')}</b> · ${escapeHtml(stack.target)}: ${counts(stack)}</summary>`, '', ...items, ...more, '', '</details>', '');
  }
  if (options.showNoise && result.noise.length) {
    body.push('<details>', `<summary>Noise: ${result.noise.length} file${result.noise.length === 1 ? '' : 's'} or object${result.noise.length === 1 ? '' : 's'}</summary>`, '');
    for (const n of result.noise) body.push(`- ${code(n.change ? unitLabel(n.change) : n.file)}: ${escapeCell(n.reason)} only`);
    body.push('', '</details>', '');
  }
  const tail = omitted ? [`_${omitted} more line${omitted === 1 ? '' : 's'} not shown; run \`saplings-k8s diff\` for all of them._`] : [];
  return `${[...head, ...body, ...tail].join('\n').trimEnd()}\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
