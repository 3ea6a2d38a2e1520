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
}

/** Like {@link loadConfigFile}, keeping the text to locate later problems in. Throws {@link inputError}. */
export function loadConfig(file: string, options: LoadOptions = {}): LoadedConfig {
  const limit = options.maxConfigBytes ?? DEFAULT_MAX_CONFIG_BYTES;
  const text = readText(file, path.resolve(options.cwd ?? process.cwd(), file), limit);
  // Only the text is kept: the parsed document model of a large fleet is many times its size, and is needed only on error.
  return { stacks: parseConfigText(text, file, options), locate: (problems) => locateProblems(problems, file, text) };
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
      { file, position: { line: 1, column: 1 }, path: '', message: 'is empty; a stack needs at least "environment" and "image" (run `saplings-k8s init` for a starter)' },
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
  const problems: Problem[] = [];
  const stacks: StackConfig[] = [];
  values.forEach((value, index) => {
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

function collisions(stacks: StackConfig[], file: string, locate: StackLocator): Problem[] {
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
          position: locate(index, [key === 'namespace' && stack.namespace === undefined ? 'name' : key], 'value'),
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
