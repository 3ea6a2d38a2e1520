import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { PathSegment, describe, isObject, quote } from '../json';
import { Reporter } from './report';

/*
 * Enums, integer types and string formats, from kubernetes-models.
 *
 * kubernetes-models 4.5.1 was generated from the Kubernetes v1.33.0 OpenAPI
 * spec (its CHANGELOG: "Update schema version to v1.33.0"; the README badge
 * still says 1.27.1), re-augmented with the enums that upstream dropped from
 * the spec in 1.24. Each model's `validate()` runs a pre-compiled Ajv function
 * and throws Ajv's ValidationError, whose `errors` are structured
 * (`instancePath`, `keyword`, `params`): that is what is read here, never the
 * message string.
 *
 * Because it is 1.33 and allows unknown keys, only what the 1.28 structure
 * check cannot know is taken from it: enum values, integer-ness, and formats
 * (date-time, int32, base64 `byte`). Type and required-field errors at a path
 * the structure check already reported are dropped, and `required` errors
 * are ignored (1.28 decides what is required).
 */

interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

type Validate = (object: unknown) => readonly AjvError[];

// Models are loaded on first use of their kind: the whole package is large.
const validators = new Map<string, Validate | null>();

// Formats the structure check owns, so Ajv's opinion is not needed.
const IGNORED_FORMATS = new Set(['quantity', 'int-or-string']);

/** Checks enums, integers and formats of an object of a kind that Kubernetes 1.28 serves. */
export function checkConstraints(object: Record<string, unknown>, apiVersion: string, kind: string, r: Reporter): void {
  const validate = validatorFor(apiVersion, kind);
  if (!validate) return;
  const errors = validate(object);
  if (errors.length === 0) return;

  const byPath = new Map<string, AjvError[]>();
  for (const e of errors) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  for (const [pointer, group] of byPath) {
    const located = locate(object, pointer);
    if (!located || located.value === null || r.hasErrorAtOrAbove(located.path)) continue;
    const finding = describeErrors(group, located.value);
    if (finding) r.error(finding.rule, located.path, finding.message);
  }
}

function validatorFor(apiVersion: string, kind: string): Validate | null {
  const key = `${apiVersion}/${kind}`;
  let validate = validators.get(key);
  if (validate === undefined) {
    validate = loadValidator(apiVersion, kind);
    validators.set(key, validate);
  }
  return validate;
}

/** A kubernetes-models class: its prototype's `validate` runs the kind's Ajv function on `this`. */
type Model = { prototype: { validate(this: unknown): void } };

/**
 * The kinds whose models `npm run build` bundles into one file next to this
 * module (see scripts/build-caches.js): the kinds the targets write. Each
 * model is some twenty small modules of kubernetes-models, Ajv and its
 * formats; read from one file they load in half the time, which is most of a
 * single-stack run's checking. Any other kind, or any kind when the bundle is
 * missing or was built from other package versions, loads from
 * kubernetes-models itself: the same code, so the same findings.
 */
export const BUNDLED_KINDS: readonly string[] = [
  'v1/Namespace',
  'v1/ServiceAccount',
  'v1/ConfigMap',
  'v1/Secret',
  'v1/PersistentVolumeClaim',
  'v1/Service',
  'apps/v1/Deployment',
  'autoscaling/v2/HorizontalPodAutoscaler',
  'policy/v1/PodDisruptionBudget',
  'networking.k8s.io/v1/Ingress',
  'networking.k8s.io/v1/NetworkPolicy',
];

/** What the bundle exports. */
export interface ValidatorBundle {
  /** The version of each package directory bundled, relative to the node_modules holding kubernetes-models; each must be the one installed. */
  readonly versions: Readonly<Record<string, string>>;
  /** The model of each of {@link BUNDLED_KINDS}, loaded on first call. */
  readonly models: Readonly<Record<string, () => Model>>;
}

let bundle: ValidatorBundle | null | undefined;

const BUNDLE_FILE = path.join(__dirname, 'validators.bundle.js');

/**
 * V8's code cache of the bundle: its functions already compiled, as a
 * build-time run of the checks left them. Parsing the 1.2 MB bundle and
 * compiling its validators on first call is most of a single stack's
 * checking; with the cache a cold run skips both. It is used only with the
 * bundle whose sha256 it names (V8's own check is weaker: the source's
 * length), and V8 refuses it for another V8 version or flags, compiling
 * as usual then.
 */
const BUNDLE_CODE_CACHE = path.join(__dirname, 'validators.bundle.cache');

/** The compiled bundle, kept to write its code cache. */
let bundleScript: vm.Script | undefined;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Loads the bundle as `require` would, compiled from its code cache when that was made from this very bundle. */
function requireBundle(): ValidatorBundle {
  const source = fs.readFileSync(BUNDLE_FILE, 'utf8');
  let cachedData: Buffer | undefined;
  try {
    const cache = fs.readFileSync(BUNDLE_CODE_CACHE);
    const digestLength = 64;
    if (cache.subarray(0, digestLength).toString('latin1') === sha256(source)) cachedData = cache.subarray(digestLength);
  } catch {
    // No code cache: compile as usual.
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: BUNDLE_FILE, cachedData });
  const module = { exports: {} as ValidatorBundle };
  script.runInThisContext()(module.exports, createRequire(BUNDLE_FILE), module, BUNDLE_FILE, __dirname);
  bundleScript = script;
  return module.exports;
}

/**
 * Writes the bundle's code cache, with every function compiled so far: the
 * build runs the checks on sample stacks first. False when this process did
 * not load the bundle.
 */
export function writeValidatorCodeCache(): boolean {
  if (!bundleScript) return false;
  const digest = Buffer.from(sha256(fs.readFileSync(BUNDLE_FILE, 'utf8')), 'latin1');
  fs.writeFileSync(BUNDLE_CODE_CACHE, Buffer.concat([digest, bundleScript.createCachedData()]));
  return true;
}

/* eslint-disable @typescript-eslint/no-require-imports */
function bundledModel(apiVersion: string, kind: string): Model | undefined {
  if (bundle === undefined) {
    try {
      const loaded = requireBundle();
      const nodeModules = path.dirname(path.dirname(require.resolve('kubernetes-models/package.json')));
      const installed = (dir: string) => (JSON.parse(fs.readFileSync(path.join(nodeModules, dir, 'package.json'), 'utf8')) as { version?: string }).version;
      bundle = Object.entries(loaded.versions).every(([dir, version]) => installed(dir) === version) ? loaded : null;
    } catch {
      bundle = null;
    }
  }
  return bundle?.models[`${apiVersion}/${kind}`]?.();
}

function loadValidator(apiVersion: string, kind: string): Validate | null {
  let model: Model | undefined;
  try {
    // apiVersion and kind come from the 1.28 kind table, never from input directly.
    model = bundledModel(apiVersion, kind) ?? require(`kubernetes-models/${apiVersion}/${kind}`)[kind];
  } catch {
    // 1.28 kinds that 1.33 no longer serves (flowcontrol v1beta2, alpha APIs).
    return null;
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  const validate = model?.prototype.validate;
  if (typeof validate !== 'function') return null;
  return (object) => {
    try {
      // Call the prototype method on the plain object: constructing a model would deep-copy it.
      validate.call(object);
      return [];
    } catch (e) {
      const errors = (e as { errors?: unknown }).errors;
      if (Array.isArray(errors)) return errors as AjvError[];
      throw e;
    }
  };
}

// Turns a JSON pointer into a path, with list indexes as numbers, and finds the value there.
function locate(object: unknown, pointer: string): { path: PathSegment[]; value: unknown } | undefined {
  const path: PathSegment[] = [];
  let value = object;
  if (pointer === '') return { path, value };
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      const index = Number(key);
      path.push(index);
      value = value[index];
    } else if (isObject(value)) {
      path.push(key);
      value = value[key];
    } else {
      return undefined;
    }
  }
  return { path, value };
}

function describeErrors(
  group: readonly AjvError[],
  value: unknown,
): { rule: 'invalid-value' | 'invalid-type'; message: string } | undefined {
  const enumError = group.find((e) => e.keyword === 'enum');
  if (enumError) {
    const allowed = (enumError.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
    return { rule: 'invalid-value', message: `must be one of ${allowed}, got ${describe(value)}` };
  }
  const typeError = group.find((e) => e.keyword === 'type');
  if (typeError && group.every((e) => e.keyword !== 'oneOf')) {
    if (typeError.params.type === 'integer' && typeof value === 'number') {
      return { rule: 'invalid-type', message: `must be a whole number, got ${describe(value)}` };
    }
    return { rule: 'invalid-type', message: `must be ${article(String(typeError.params.type))}, got ${describe(value)}` };
  }
  const formatError = group.find((e) => e.keyword === 'format');
  if (formatError) {
    const format = String(formatError.params.format);
    if (IGNORED_FORMATS.has(format)) return undefined;
    return { rule: 'invalid-value', message: formatMessage(format, value) };
  }
  const other = group.find((e) => e.keyword !== 'required' && e.keyword !== 'oneOf' && e.keyword !== 'type');
  if (other) return { rule: 'invalid-value', message: `${other.message ?? `fails ${other.keyword}`}, got ${describe(value)}` };
  return undefined;
}

function formatMessage(format: string, value: unknown): string {
  switch (format) {
    case 'int32':
      return `must be a whole number between -2147483648 and 2147483647, got ${describe(value)}`;
    case 'int64':
      return `must be a whole number that fits in 64 bits, got ${describe(value)}`;
    case 'date-time':
      return `must be an RFC 3339 time such as "2024-01-31T12:00:00Z", got ${describe(value)}`;
    case 'byte':
      return `must be base64-encoded (use stringData for plain text), got ${typeof value === 'string' ? quote(value) : describe(value)}`;
    default:
      return `must be in ${format} format, got ${describe(value)}`;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
