import { parseManifestStream } from '../config/yaml';
import { CONFIG_CHECKSUM_ANNOTATION, SECRET_CHECKSUM_ANNOTATION } from '../conventions/config-checksum';
import { RECORD_FILE } from '../synth/record';
import { PROVENANCE_MARKER } from '../synth/provenance';
import { DIFF_FORMAT_VERSION, DiffResult, FieldChange, LineChange, NoiseFile, StackDiff, UnitChange } from './model';
import { isHiddenLine, isHiddenValue, isSecretBearingText } from './redaction';

/** How the files of a run are laid out, to tell which stack and target each belongs to. */
export interface DiffLayout {
  /** The targets rendered, in order. */
  readonly targets: readonly string[];
  /** Whether each target writes into `<target>/`, but {@link rootTarget}. */
  readonly targetDirectories: boolean;
  /** The target that writes into the output directory itself. @default - none */
  readonly rootTarget?: string;
  /** The stacks of the config, in order. */
  readonly stacks: readonly string[];
}

/** Options for {@link compareFiles}. */
export interface CompareOptions {
  /** How the files are laid out. */
  readonly layout: DiffLayout;
  /** What the old files are, for the result's `against`. */
  readonly against: string;
}

/**
 * Compares the generated files as they are (`before`, path to content) with
 * what synth would write now (`after`), object by object: Kubernetes objects
 * by kind, namespace and name, other structured files (Compose, ECS JSON) by
 * document, and text files (nginx.conf) by line. Provenance headers, the
 * record of generated files and the config checksum annotations are noise:
 * kept apart from the changes that caused them.
 */
export function compareFiles(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, options: CompareOptions): DiffResult {
  const groups = new Map<string, { stack: string; target: string; before: Unit[]; after: Unit[] }>();
  const noise: NoiseFile[] = [];
  const paths = [...new Set([...after.keys(), ...before.keys()])];
  for (const file of paths) {
    const old = before.get(file);
    const now = after.get(file);
    if (old === now) continue;
    if (file === RECORD_FILE) {
      noise.push({ file, reason: 'record of generated files' });
      continue;
    }
    if (old !== undefined && now !== undefined && withoutHeader(old) === withoutHeader(now)) {
      noise.push({ file, reason: 'provenance header' });
      continue;
    }
    const { stack, target } = placeFile(file, options.layout);
    const key = `${target}\u0000${stack}`;
    const group = groups.get(key) ?? { stack, target, before: [], after: [] };
    groups.set(key, group);
    const oldUnits = old === undefined ? [] : unitsOf(file, old);
    const newUnits = now === undefined ? [] : unitsOf(file, now);
    // A structured file whose objects are all equal differs in its comments or layout, and one that no
    // longer parses (edited by hand) has no objects to pair: both are shown as lines.
    const unparsed = [...oldUnits, ...newUnits].some((u) => u.type === 'file');
    if (old !== undefined && now !== undefined && (unparsed || sameUnits(oldUnits, newUnits))) {
      group.before.push(textUnit(file, old));
      group.after.push(textUnit(file, now));
      continue;
    }
    group.before.push(...oldUnits);
    group.after.push(...newUnits);
  }

  const stacks: StackDiff[] = [];
  for (const group of groups.values()) {
    const changes = compareUnits(group.before, group.after);
    const listed = changes.filter((c) => c.change !== 'changed' || (c.fields?.length ?? 0) + (c.lines?.length ?? 0) > 0);
    for (const c of changes) if (!listed.includes(c)) noise.push({ file: c.file, reason: 'checksum annotations', change: c });
    if (listed.length === 0) continue;
    const count = (kind: UnitChange['change']) => listed.filter((c) => c.change === kind).length;
    stacks.push({ stack: group.stack, target: group.target, added: count('added'), removed: count('removed'), changed: count('changed'), changes: listed });
  }
  const order = (s: StackDiff) => {
    const i = options.layout.stacks.indexOf(s.stack);
    return i < 0 ? options.layout.stacks.length : i;
  };
  stacks.sort((a, b) => order(a) - order(b) || (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0) || options.layout.targets.indexOf(a.target) - options.layout.targets.indexOf(b.target));
  const total = (k: 'added' | 'removed' | 'changed') => stacks.reduce((n, s) => n + s[k], 0);
  const noiseCount = noise.length + stacks.reduce((n, s) => n + s.changes.filter((c) => c.noise?.length).length, 0);
  return {
    version: DIFF_FORMAT_VERSION,
    against: options.against,
    changed: stacks.length > 0,
    summary: { added: total('added'), removed: total('removed'), changed: total('changed'), noise: noiseCount },
    stacks,
    noise,
  };
}

/**
 * The stack and target a file belongs to: with target directories, the first
 * part of its path names the target; then the stack's own directory
 * (`<stack>/…`) or file name (`<stack>.k8s.yaml`, `<stack>.ecs-service.json`)
 * names the stack, since stack names are DNS labels, without dots. A root
 * kustomization.yaml belongs to no stack.
 */
export function placeFile(file: string, layout: DiffLayout): { stack: string; target: string } {
  const parts = file.split('/');
  let target = layout.rootTarget ?? layout.targets[0] ?? '';
  const inTargetDirectory = layout.rootTarget === undefined || (parts[0] !== layout.rootTarget && layout.targets.includes(parts[0]));
  if (layout.targetDirectories && parts.length > 1 && inTargetDirectory) target = parts.shift()!;
  if (parts.length === 1 && parts[0] === 'kustomization.yaml') return { stack: '', target };
  return { stack: parts.length > 1 ? parts[0] : parts[0].split('.')[0], target };
}

/** A file's text without the provenance header, which names the tool version and the config file. */
function withoutHeader(text: string): string {
  if (!text.startsWith(PROVENANCE_MARKER)) return text;
  const lines = text.split('\n');
  let skip = 1;
  if (lines[1]?.startsWith('# Do not edit by hand')) skip = 2;
  return lines.slice(skip).join('\n');
}

/** What is compared: an object, a document, or a file's lines. */
interface Unit {
  readonly key: string;
  readonly file: string;
  readonly type: UnitChange['type'];
  readonly value?: unknown;
  readonly text?: string;
  readonly kind?: string;
  readonly apiVersion?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly document?: number;
}

const STRUCTURED = /\.(ya?ml|json)$/;

/** The units of a file: its objects or documents when it parses, its lines otherwise. */
function unitsOf(file: string, text: string): Unit[] {
  if (!STRUCTURED.test(file)) return [textUnit(file, text)];
  let documents: { document: number; value: unknown }[];
  let count = 1;
  if (file.endsWith('.json')) {
    try {
      documents = [{ document: 1, value: JSON.parse(text) as unknown }];
    } catch {
      return [textUnit(file, text)];
    }
  } else {
    const parsed = parseManifestStream(text);
    if (parsed.problems.length) return [textUnit(file, text)];
    documents = parsed.values;
    count = parsed.values.length;
  }
  return documents.map(({ document, value }) => {
    const object = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
    if (typeof object?.kind === 'string' && typeof object.metadata?.name === 'string') {
      const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
      const namespace = typeof object.metadata.namespace === 'string' ? object.metadata.namespace : undefined;
      const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
      // The version is left out of the identity, as the API server does: apps/v1 and apps/v1beta2 name one object.
      const key = `object\u0000${group}\u0000${object.kind}\u0000${namespace ?? ''}\u0000${object.metadata.name}`;
      return { key, file, type: 'object' as const, value, kind: object.kind, apiVersion, namespace, name: object.metadata.name };
    }
    const numbered = count > 1 ? document : undefined;
    return { key: `document\u0000${file}\u0000${numbered ?? ''}`, file, type: 'document' as const, value, document: numbered };
  });
}

function textUnit(file: string, text: string): Unit {
  return { key: `file\u0000${file}`, file, type: 'file', text };
}

function sameUnits(a: readonly Unit[], b: readonly Unit[]): boolean {
  return a.length === b.length && a.every((u, i) => u.type !== 'file' && u.key === b[i].key && deepEqual(u.value, b[i].value));
}

/** Pairs units by key and compares each pair. */
function compareUnits(before: readonly Unit[], after: readonly Unit[]): UnitChange[] {
  const old = new Map(before.map((u) => [u.key, u]));
  const seen = new Set<string>();
  const changes: UnitChange[] = [];
  for (const unit of after) {
    seen.add(unit.key);
    const previous = old.get(unit.key);
    if (!previous) {
      changes.push({ change: 'added', ...describe(unit) });
      continue;
    }
    if (unit.type === 'file') {
      const lines = lineDiff(previous.text ?? '', unit.text ?? '');
      if (lines.length) changes.push({ change: 'changed', ...describe(unit), lines });
      continue;
    }
    if (deepEqual(previous.value, unit.value)) continue;
    const all: FieldChange[] = [];
    diffValues(previous.value, unit.value, [], unit.kind, all);
    const noise = all.filter(isNoise);
    const fields = all.filter((f) => !isNoise(f));
    changes.push({ change: 'changed', ...describe(unit), fields, ...(noise.length ? { noise } : {}) });
  }
  for (const unit of before) if (!seen.has(unit.key)) changes.push({ change: 'removed', ...describe(unit) });
  return changes;
}

function describe(unit: Unit): Omit<UnitChange, 'change'> {
  const { type, file, kind, apiVersion, namespace, name, document } = unit;
  return Object.fromEntries(Object.entries({ type, kind, apiVersion, namespace, name, file, document }).filter(([, v]) => v !== undefined)) as unknown as Omit<UnitChange, 'change'>;
}

/**
 * A pod template's config checksum changes exactly when a ConfigMap or Secret
 * it reads does (conventions/config-checksum), and that change is listed itself.
 */
function isNoise(field: FieldChange): boolean {
  return field.path.endsWith(`.annotations["${CONFIG_CHECKSUM_ANNOTATION}"]`) || field.path.endsWith(`.annotations["${SECRET_CHECKSUM_ANNOTATION}"]`);
}

/** A path segment: a mapping key, a list index, or the `name` of a list item. */
type Segment = string | number | { readonly name: string };

/**
 * Appends the leaf differences of `a` and `b` to `out`. Lists whose items all
 * have distinct `name`s (containers, env, ports, volumes) are matched by name,
 * so inserting one entry does not shift the others.
 */
function diffValues(a: unknown, b: unknown, path: Segment[], kind: string | undefined, out: FieldChange[]): void {
  if (deepEqual(a, b)) return;
  if (isContainer(a) && isContainer(b) && Array.isArray(a) === Array.isArray(b)) {
    if (Array.isArray(a) && Array.isArray(b)) {
      if (isNamedList(a) && isNamedList(b)) {
        const names = [...new Set([...a, ...b].map((item) => (item as { name: string }).name))];
        const byName = (list: unknown[], name: string) => list.find((item) => (item as { name: string }).name === name);
        for (const name of names) diffValues(byName(a, name), byName(b, name), [...path, { name }], kind, out);
      } else {
        for (let i = 0; i < Math.max(a.length, b.length); i++) diffValues(a[i], b[i], [...path, i], kind, out);
      }
      return;
    }
    const left = a as Record<string, unknown>;
    const right = b as Record<string, unknown>;
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) diffValues(left[key], right[key], [...path, key], kind, out);
    return;
  }
  // A whole subtree added or removed is listed leaf by leaf, so each value meets the redaction rule on its own.
  if (a === undefined && isContainer(b) && !isEmptyContainer(b)) return diffValues(emptyLike(b), b, path, kind, out);
  if (b === undefined && isContainer(a) && !isEmptyContainer(a)) return diffValues(a, emptyLike(a), path, kind, out);
  const site = { kind, path: path.map((s) => (typeof s === 'object' ? s.name : s)) };
  const hidden = holdsHidden(site, a) || holdsHidden(site, b);
  const change = a === undefined ? 'added' : b === undefined ? 'removed' : 'changed';
  out.push({
    path: showPath(path),
    change,
    ...(hidden ? { hidden: true } : { ...(a === undefined ? {} : { old: a }), ...(b === undefined ? {} : { new: b }) }),
  });
}

function holdsHidden(site: { kind?: string; path: (string | number)[] }, value: unknown): boolean {
  if (isHiddenValue(site, value)) return true;
  if (!isContainer(value)) return false;
  return Object.entries(value).some(([key, item]) => holdsHidden({ kind: site.kind, path: [...site.path, Array.isArray(value) ? Number(key) : key] }, item));
}

function isContainer(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

function isEmptyContainer(value: object): boolean {
  return Object.keys(value).length === 0;
}

function emptyLike(value: object): object {
  return Array.isArray(value) ? [] : {};
}

function isNamedList(list: readonly unknown[]): boolean {
  const names = list.map((item) => (isContainer(item) && !Array.isArray(item) ? (item as { name?: unknown }).name : undefined));
  return list.length > 0 && names.every((n) => typeof n === 'string') && new Set(names).size === names.length;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `spec.template.metadata.annotations["checksum/config"]`, `containers[name=app].env[name=LOG_LEVEL].value`, `ports[0]`. */
function showPath(path: readonly Segment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'object') out += `[name=${segment.name}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Above this many line pairs, a file is reported as replaced rather than diffed line by line. */
const MAX_LINE_PAIRS = 4_000_000;

/** The lines removed from `a` and added in `b` (longest common subsequence), provenance header left out. */
export function lineDiff(a: string, b: string): LineChange[] {
  const secret = isSecretBearingText(a) || isSecretBearingText(b);
  const skipA = headerLines(a);
  const skipB = headerLines(b);
  const x = a.split('\n').slice(skipA);
  const y = b.split('\n').slice(skipB);
  const line = (op: '-' | '+', n: number, text: string): LineChange => (secret || isHiddenLine(text) ? { op, line: n, hidden: true } : { op, line: n, text });
  if (x.length * y.length > MAX_LINE_PAIRS) {
    return [...x.map((t, i) => line('-', i + 1 + skipA, t)), ...y.map((t, i) => line('+', i + 1 + skipB, t))];
  }
  // lcs[i][j]: length of the longest common subsequence of x[i..] and y[j..].
  const lcs = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const out: LineChange[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      i++;
      j++;
    } else if (j >= y.length || (i < x.length && lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push(line('-', skipA + ++i, x[i - 1]));
    } else {
      out.push(line('+', skipB + ++j, y[j - 1]));
    }
  }
  return out;
}

function headerLines(text: string): number {
  return text.split('\n').length - withoutHeader(text).split('\n').length;
}
