import * as fs from 'node:fs';
import * as path from 'node:path';
import { Environment } from '../conventions/defaults';
import { Problem, inputError, inputProblems, redactedValue, showValue, valueAt } from './errors';
import { problemsFromZod } from './zod-problems';
import { isPinnedImage, unpinnedImageMessage } from '../conventions/image';
import { databaseReachWarnings, environmentGates } from './gates';
import { requiredSecretKeys } from './secrets';
import type { StackConfig, StackConfigInput } from './types';
import { DEFAULT_SOURCE, cachedDefaultStacks } from './default-stacks';
import { PositionTarget, TextPosition, parseYamlStream } from './yaml';
import { fromDotPath } from '../conventions/key-path';

/** Options that apply to every stack of a config file. */
export interface LoadOptions {
  /** Overrides `environment` in every stack (the `--env` flag). */
  readonly environment?: Environment;
  /** Receives problems that don't stop synthesis (staging's gate violations). @default - they are dropped */
  readonly onWarning?: (problem: Problem) => void;
  /** Environment variables `secrets.fromEnv` reads. @default - none: fromEnv finds nothing */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Directory a relative file name resolves against; messages keep the name as given. @default process.cwd() */
  readonly cwd?: string;
  /** Largest config file read, in bytes; a bigger one is refused before it is parsed. @default 10 MiB */
  readonly maxConfigBytes?: number;
  /** Refuse an inline Secret (development) that lacks a value: only output that holds the Secret needs them all. @default true */
  readonly requireInlineValues?: boolean;
  /**
   * Stacks the caller already knows by the exact text of their document: a
   * document for which it returns a stack's name and namespace is neither
   * parsed nor validated (in a stream of two documents or more), and
   * {@link LoadedConfig.known} holds it in place of a stack.
   * @default - every document is parsed and validated
   */
  readonly known?: (documentText: string) => KnownStack | undefined;
}

/** A stack a caller knows from an earlier run by its document's text (see {@link LoadOptions.known}). */
export interface KnownStack {
  /** Its name. */
  readonly name: string;
  /** Its namespace (its name, where the document sets none). */
  readonly namespace: string;
}

/** The default limit on a config file's size: far above any real fleet, far below what exhausts memory. */
export const DEFAULT_MAX_CONFIG_BYTES = 10 * 1024 * 1024;

/** The config `synth` uses when given none: the guide's production stack. */
// The guide's Secret keys but DATABASE_URL: the default stack does not know where an external database is, and its
// egress policy would deny one (see databaseReachWarnings); a config that uses one says where with network.database.
export const DEFAULT_CONFIG: StackConfigInput = {
  environment: 'production',
  image: 'saplings:1.0.0',
  secrets: { keys: ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'ENCRYPTION_KEY'] },
};

/** Validates the built-in default stack. */
export function defaultStacks(options: LoadOptions = {}): StackConfig[] {
  // The build validated it already (see ./default-stacks), unless the code changed since.
  const cached = cachedDefaultStacks(options.environment);
  if (!cached) return validateStacks([DEFAULT_CONFIG], DEFAULT_SOURCE, options);
  for (const warning of cached.warnings) options.onWarning?.(warning);
  if (cached.problems) throw inputError(cached.problems);
  return cached.stacks!;
}

/** Reads, parses and validates a config file holding one or more stacks. Throws {@link inputError}. */
export function loadConfigFile(file: string, options: LoadOptions = {}): StackConfig[] {
  return loadConfig(file, options).stacks;
}

/** A config file's stacks, and a way to locate problems found in them later. */
export interface LoadedConfig {
  /** The validated stacks, in the file's order. */
  readonly stacks: StackConfig[];
  /**
   * Gives problems found after loading (props a target refuses, keys a
   * target requires) the position of their key path in the file, so they read
   * `FILE:LINE:COL` like the schema's. Problems of other files, or that have
   * a position, are returned as they are.
   */
  locate(problems: readonly Problem[]): Problem[];
  /**
   * With {@link LoadOptions.known}: every stack of the file in order, each
   * the validated stack, or the known one its document's text stood for
   * (not in `stacks`). @default - `stacks`
   */
  readonly known?: readonly (StackConfig | KnownStack)[];
  /** With `known`: the exact text of each one's document. @default - none */
  readonly texts?: readonly string[];
}

/** Like {@link loadConfigFile}, keeping the text to locate later problems in. Throws {@link inputError}. */
export function loadConfig(file: string, options: LoadOptions = {}): LoadedConfig {
  const limit = options.maxConfigBytes ?? DEFAULT_MAX_CONFIG_BYTES;
  const text = readText(file, path.resolve(options.cwd ?? process.cwd(), file), limit);
  const locate = (problems: readonly Problem[]) => locateProblems(problems, file, text);
  const documents = options.known ? splitDocuments(text) : undefined;
  if (documents && documents.length > 1) {
    const { stacks, texts } = parseKnownConfig(documents, documents.map((d) => options.known!(d.text)), file, options);
    return { stacks: stacks.filter((s): s is StackConfig => !isKnown(s)), known: stacks, texts, locate };
  }
  // Only the text is kept: the parsed document model of a large fleet is many times its size, and is needed only on error.
  return { stacks: parseConfigText(text, file, options), locate };
}

/** Whether a stack of {@link LoadedConfig.known} was known rather than validated. */
export function isKnown(stack: StackConfig | KnownStack): stack is KnownStack {
  return !('environment' in stack);
}

/** One document of a YAML stream: its exact text, and the 1-based line it starts on. */
export interface DocumentText {
  readonly text: string;
  readonly line: number;
}

/**
 * Splits a YAML stream into its documents' text without parsing it, or
 * undefined for a stream this cannot do safely (directives, `...` end
 * markers). A line starting `---` at column 1 always starts a document: the
 * YAML spec forbids such a line inside any scalar (c-forbidden,
 * https://yaml.org/spec/1.2.2/#912-document-markers), and aliases never
 * cross documents. Comments and blank lines before the first marker belong to
 * the first document, as the parser counts them.
 */
export function splitDocuments(text: string): DocumentText[] | undefined {
  if (/^(?:%|\.\.\.(?:[ \t\r]|$))/m.test(text)) return undefined;
  const starts = [{ offset: 0, line: 1 }];
  let first = true;
  for (let offset = 0, line = 1; offset < text.length; line += 1) {
    const end = text.indexOf('\n', offset);
    const next = end < 0 ? text.length : end + 1;
    if (text.startsWith('---', offset) && (next - offset === 3 || ' \t\r\n'.includes(text[offset + 3]))) {
      if (!(first && blankOrComments(text.slice(0, offset)))) starts.push({ offset, line });
      first = false;
    }
    offset = next;
  }
  return starts.map((s, i) => ({ text: text.slice(s.offset, starts[i + 1]?.offset ?? text.length), line: s.line }));
}

function blankOrComments(text: string): boolean {
  return text.split('\n').every((l) => /^\s*(?:#.*)?$/.test(l));
}

/** Parses and validates the documents not known, each on its own, with positions in the whole file. */
function parseKnownConfig(
  documents: readonly DocumentText[],
  known: readonly (KnownStack | undefined)[],
  file: string,
  options: LoadOptions,
): { stacks: (StackConfig | KnownStack)[]; texts: string[] } {
  const values: unknown[] = [];
  const texts: string[] = [];
  const knownAt = new Map<number, KnownStack>();
  const locators: StackLocator[] = [];
  const problems: Problem[] = [];
  const shift = (line: number) => (p: TextPosition | undefined) => (p === undefined ? undefined : { line: p.line + line - 1, column: p.column });
  documents.forEach((document, index) => {
    const at = shift(document.line);
    // Parsed only where a problem must be located in it.
    let parsed: ReturnType<typeof parseYamlStream> | undefined;
    const locate: StackLocator = (_i, keyPath, target) => at((parsed ??= parseYamlStream(document.text)).locate(1, keyPath, target));
    const stack = known[index];
    if (stack) {
      knownAt.set(values.length, stack);
      values.push(undefined);
      texts.push(document.text);
      locators.push(locate);
      return;
    }
    parsed = parseYamlStream(document.text);
    for (const p of parsed.problems) problems.push({ file, document: index + 1, position: at(p.position), path: '', message: p.message });
    for (const v of parsed.values) {
      values.push(v.value);
      texts.push(document.text);
      locators.push(locate);
    }
  });
  if (problems.length) throw inputError(problems);
  if (values.length === 0) throw inputError([{ file, position: { line: 1, column: 1 }, path: '', message: EMPTY_CONFIG }]);
  return { stacks: validateEntries(values, file, options, (index, keyPath, target) => locators[index](index, keyPath, target), knownAt), texts };
}

/**
 * Finds the key paths of problems that have none in config text: a problem's
 * `document` is its stack's 1-based number (none for a single stack), and
 * where the path leaves the text (a key a target requires, a default), it
 * points at the deepest part that is there.
 */
export function locateProblems(problems: readonly Problem[], file: string, text: string): Problem[] {
  const unlocated = (p: Problem) => p.position === undefined && p.file === file;
  if (!problems.some(unlocated)) return [...problems];
  const parsed = parseYamlStream(text);
  // Empty documents are skipped, so the n-th stack is not always the n-th document.
  const documents = parsed.values.map((v) => v.document);
  return problems.map((p) => {
    if (!unlocated(p)) return p;
    const document = documents[(p.document ?? 1) - 1];
    return document === undefined ? p : { ...p, position: parsed.locate(document, fromDotPath(p.path), 'value') };
  });
}

const EMPTY_CONFIG = 'is empty; a stack needs at least "environment" and "image" (run `saplings-k8s init` for a starter)';

/** Parses and validates config text (YAML or JSON, one stack per YAML document). Throws {@link inputError}. */
export function parseConfigText(text: string, file: string, options: LoadOptions = {}): StackConfig[] {
  const parsed = parseYamlStream(text);
  if (parsed.problems.length) {
    throw inputError(
      parsed.problems.map((p) => ({
        file,
        document: parsed.count > 1 ? p.document : undefined,
        position: p.position,
        path: '',
        message: p.message,
      })),
    );
  }
  const values = parsed.values.map((v) => v.value);
  if (values.length === 0) {
    throw inputError([
      { file, position: { line: 1, column: 1 }, path: '', message: EMPTY_CONFIG },
    ]);
  }
  // Empty documents are skipped, so the n-th value is not always the n-th document.
  const documents = parsed.values.map((v) => v.document);
  return validateStacks(values, file, options, (index, keyPath, target) => parsed.locate(documents[index], keyPath, target));
}

/** Finds a key path of the `index`-th stack (0-based) in the config text. */
export type StackLocator = (index: number, path: readonly PropertyKey[], target: PositionTarget) => TextPosition | undefined;

// The schema (and zod with it) loads on first validation, so the cached default stacks need neither.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const schema = (): typeof import('./schema') => require('./schema') as typeof import('./schema');

/** Validates parsed documents as stacks and checks they don't collide. Throws {@link inputError}. */
export function validateStacks(
  values: unknown[],
  file: string,
  options: LoadOptions = {},
  locate: StackLocator = () => undefined,
): StackConfig[] {
  return validateEntries(values, file, options, locate, new Map()) as StackConfig[];
}

function validateEntries(
  values: unknown[],
  file: string,
  options: LoadOptions,
  locate: StackLocator,
  known: ReadonlyMap<number, KnownStack>,
): (StackConfig | KnownStack)[] {
  const problems: Problem[] = [];
  const stacks: (StackConfig | KnownStack)[] = [];
  values.forEach((value, index) => {
    const knownStack = known.get(index);
    if (knownStack) {
      stacks.push(knownStack);
      return;
    }
    const location = { file, document: values.length > 1 ? index + 1 : undefined };
    const at = (dotted: string, target: PositionTarget) => ({ ...location, position: locate(index, dotted ? dotted.split('.') : [], target), path: dotted });
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ ...at('', 'value'), message: `must be a mapping of config keys, got ${showValue(value)}` });
      return;
    }
    const input = options.environment ? { ...value, environment: options.environment } : value;
    const own = (value as { environment?: unknown }).environment;
    if (options.environment && own !== undefined && own !== options.environment && file !== DEFAULT_SOURCE) {
      // A stack written for staging rendered as production (or back) is likely a mistake; say so rather than hide it.
      options.onWarning?.({ ...at('environment', 'value'), message: `is ${showValue(own)} in the file; --env ${options.environment} overrides it` });
    }
    // With the config keys of any target registered from outside the package.
    const StackConfigSchema = schema().registeredStackConfigSchema();
    const result = StackConfigSchema.safeParse(input);
    if (!result.success) {
      problems.push(...problemsFromZod(result.error, input, StackConfigSchema, location, (keyPath, target) => locate(index, keyPath, target)));
      // The image gate needs only two keys, so it is reported with the schema problems, not after them.
      const raw = input as { environment?: unknown; image?: unknown };
      if (raw.environment === 'production' && typeof raw.image === 'string' && !isPinnedImage(raw.image)) {
        problems.push({ ...at('image', 'value'), message: `${unpinnedImageMessage(raw.image)} (refused in production)` });
      }
      return;
    }
    problems.push(...restorePrototypeNamedKeys(input, result.data).map((p) => ({ ...at(p.path, 'value'), message: p.message })));
    const stack = withInlineValues(result.data, options.env ?? {});
    problems.push(...(options.requireInlineValues === false ? [] : missingInlineValues(stack)).map((key) => ({
      ...location,
      position: locate(index, ['secrets', 'values', key], 'parent'),
      path: `secrets.values.${key}`,
      message: `has no value; set it under secrets.values${stack.secrets.fromEnv ? ` or export ${key} before synth` : ', or set secrets.fromEnv: true and export it'}`,
    })));
    stacks.push(stack);
    const { environment } = stack;
    // Only where the file lists DATABASE_URL itself: a stack on the schema's default keys (the guide's) is left as it was.
    const listed = (value as { secrets?: { keys?: unknown } }).secrets?.keys;
    if (Array.isArray(listed) && listed.includes('DATABASE_URL')) {
      for (const warning of databaseReachWarnings(stack)) options.onWarning?.({ ...at(warning.path, 'value'), message: warning.message });
    }
    for (const gate of environment === 'development' ? [] : environmentGates(stack)) {
      const problem = { ...at(gate.path, 'value'), message: `${gate.message} (${environment === 'production' ? 'refused in production' : 'a warning in staging, refused in production'})` };
      if (environment === 'production') problems.push(problem);
      else options.onWarning?.(problem);
    }
  });
  if (problems.length === 0) problems.push(...collisions(stacks, file, locate));
  if (problems.length) throw inputError(problems);
  return stacks;
}

/** The maps whose keys are env var names a user chooses, so any valid name must work, `__proto__` included. */
const ENV_MAPS = [['app', 'config'], ['secrets', 'values']] as const;

/**
 * zod leaves a `__proto__` key out of a record (assigning it to a plain
 * object would replace the prototype), but it is a valid env var name like
 * any other. Puts it back, as an own key in its place, in the maps of env
 * vars; a value that is not a string is a problem, described, never shown.
 */
function restorePrototypeNamedKeys(raw: unknown, data: StackConfig): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  for (const [section, key] of ENV_MAPS) {
    const rawMap = valueAt(raw, [section, key]);
    if (rawMap === null || typeof rawMap !== 'object' || !Object.prototype.hasOwnProperty.call(rawMap, '__proto__')) continue;
    const value: unknown = Object.getOwnPropertyDescriptor(rawMap, '__proto__')!.value;
    if (typeof value !== 'string') {
      problems.push({ path: `${section}.${key}.__proto__`, message: `expected string, got ${redactedValue(value)}` });
      continue;
    }
    const parent = data[section] as unknown as Record<string, Record<string, string> | undefined>;
    const parsed = parent[key] ?? {};
    // Object.fromEntries defines `__proto__` as an own key; the raw map's order is kept.
    parent[key] = Object.fromEntries(
      Object.keys(rawMap)
        .filter((name) => name === '__proto__' || Object.prototype.hasOwnProperty.call(parsed, name))
        .map((name) => [name, name === '__proto__' ? value : parsed[name]]),
    );
  }
  return problems;
}

/** Fills inline secret values from the environment, for `secrets.fromEnv`. */
function withInlineValues(stack: StackConfig, env: Readonly<Record<string, string | undefined>>): StackConfig {
  if (stack.secrets.source !== 'inline' || !stack.secrets.fromEnv) return stack;
  const fromEnv = Object.fromEntries(
    requiredSecretKeys(stack).flatMap((key) => (env[key] !== undefined ? [[key, env[key] as string]] : [])),
  );
  return { ...stack, secrets: { ...stack.secrets, values: { ...fromEnv, ...stack.secrets.values } } };
}

function missingInlineValues(stack: StackConfig): string[] {
  if (stack.secrets.source !== 'inline') return [];
  return requiredSecretKeys(stack).filter((key) => stack.secrets.values?.[key] === undefined);
}

function collisions(stacks: readonly (StackConfig | KnownStack)[], file: string, locate: StackLocator): Problem[] {
  const problems: Problem[] = [];
  const seen = { name: new Map<string, number>(), namespace: new Map<string, number>() };
  stacks.forEach((stack, index) => {
    const keys = { name: stack.name, namespace: stack.namespace ?? stack.name };
    for (const key of ['name', 'namespace'] as const) {
      const first = seen[key].get(keys[key]);
      if (first !== undefined) {
        problems.push({
          file,
          document: index + 1,
          // A namespace left out is the stack's name, so that is what to change.
          // A known stack's namespace equal to its name is taken as left out.
          position: locate(index, [key === 'namespace' && (isKnown(stack) ? stack.namespace === stack.name : stack.namespace === undefined) ? 'name' : key], 'value'),
          path: key,
          message: `${showValue(keys[key])} is already used by document ${first}; each stack needs its own ${key}`,
        });
      } else {
        seen[key].set(keys[key], index + 1);
      }
    }
  });
  return problems;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MiB` : `${bytes} bytes`;
}

function readText(file: string, resolved: string, maxBytes: number): string {
  let bytes: Buffer;
  try {
    const stat = fs.statSync(resolved);
    if (stat.isDirectory()) {
      throw inputError([{ file, path: '', message: 'is a directory; --config takes a YAML or JSON file such as saplings.yaml' }]);
    }
    if (!stat.isFile()) {
      throw inputError([{ file, path: '', message: 'is not a regular file (a FIFO, socket or device); --config takes a YAML or JSON file' }]);
    }
    if (stat.size > maxBytes) {
      throw inputError([{ file, path: '', message: `is ${formatBytes(stat.size)}, over the ${formatBytes(maxBytes)} limit for a config file; split the fleet into several files, or raise the limit with --max-config-size` }]);
    }
    bytes = fs.readFileSync(resolved);
  } catch (err) {
    if (inputProblems(err)) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? 'file not found; run `saplings-k8s init` to write a starter saplings.yaml'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied; make the file readable for this user'
          : `cannot be read (${code ?? String(err)}); check the path and the disk`;
    throw inputError([{ file, path: '', message }]);
  }
  if (bytes.includes(0)) {
    throw inputError([{ file, path: '', message: 'is a binary file, not YAML or JSON text' }]);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw inputError([{ file, path: '', message: 'is not valid UTF-8 text; save it as UTF-8 YAML or JSON' }]);
  }
}
