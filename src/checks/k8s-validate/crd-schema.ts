import type { ErrorObject, ValidateFunction } from 'ajv';
import { PathSegment, quote } from '../json';
import { Reporter } from './report';

/*
 * Field-by-field checks of the custom resources whose CRD schema ships with
 * the package (crd-schemas.generated.ts: the GitOps objects `synth --gitops`
 * writes). Their CRDs are too large for `cdk8s import` bindings (the
 * ApplicationSet's alone would be 3.3 MB of TypeScript), so the schema itself
 * is checked, as the API server does with strict field validation: unknown
 * fields (outside x-kubernetes-preserve-unknown-fields), types, enums,
 * patterns and required fields.
 * https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation
 */

type Schema = { readonly [key: string]: unknown };

/**
 * A CRD's openAPIV3Schema as a JSON Schema that refuses unknown fields: an
 * object schema with `properties` is closed unless it preserves unknown fields;
 * `x-kubernetes-int-or-string` takes an integer or a string. Descriptions and
 * CEL rules (`x-kubernetes-validations`, which JSON Schema cannot run) are dropped.
 */
export function closedSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closedSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const s = schema as Schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(s)) {
    if (key === 'description' || key === 'x-kubernetes-validations') continue;
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, closedSchema(v)])) : closedSchema(value);
  }
  if (s['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (s.properties !== undefined && s.additionalProperties === undefined && s['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

/** A validator for a CRD schema; ajv loads on first use. */
export function compileCrdSchema(schema: object): ValidateFunction {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Ajv = (require('ajv') as typeof import('ajv')).default;
  // strict: false, since CRD schemas carry x-kubernetes-* keywords; formats (int32, date-time) are the API server's concern.
  return new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(closedSchema(schema) as object);
}

interface Entry {
  readonly source: string;
  readonly schema: object;
}

let schemas: Readonly<Record<string, Entry>> | undefined;
const validators = new Map<string, ValidateFunction>();

function entryFor(key: string): Entry | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  schemas ??= (require('./crd-schemas.generated') as typeof import('./crd-schemas.generated')).CRD_SCHEMAS;
  return Object.prototype.hasOwnProperty.call(schemas, key) ? schemas[key] : undefined;
}

/** Whether the package ships the CRD schema of this custom resource. */
export function hasCrdSchema(apiVersion: string, kind: string): boolean {
  return entryFor(`${apiVersion}/${kind}`) !== undefined;
}

/** Reports what the object's CRD schema refuses; `metadata` is left to the ObjectMeta check. */
export function checkAgainstCrdSchema(object: Record<string, unknown>, apiVersion: string, kind: string, r: Reporter): void {
  const key = `${apiVersion}/${kind}`;
  const entry = entryFor(key);
  if (!entry) return;
  let validate = validators.get(key);
  if (!validate) {
    validate = compileCrdSchema(entry.schema);
    validators.set(key, validate);
  }
  if (validate({ ...object, metadata: {} })) return;
  for (const error of usefulErrors(validate.errors ?? [])) report(error, kind, entry.source, r);
}

// An anyOf (int-or-string) that fails reports each branch too; the anyOf's own error says it all.
function usefulErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const anyOf = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath.replace(/\/anyOf$/, '/anyOf/'));
  return errors.filter((e) => !anyOf.some((prefix) => e.schemaPath.startsWith(prefix)));
}

function pathOf(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

// Messages name fields and what is allowed, never the value: a CRD field may hold anything.
function report(error: ErrorObject, kind: string, source: string, r: Reporter): void {
  const path = pathOf(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      r.error('unknown-field', [...path, field], `unknown field ${quote(field)}: ${path.length ? `this part of the ${kind}` : `the ${kind}`} has no such field in the ${source}`);
      return;
    }
    case 'required': {
      const field = String(params.missingProperty);
      r.error('required-field', [...path, field], `missing ${field}, which the ${source} requires`);
      return;
    }
    case 'type':
      r.error('invalid-type', path, `must be of type ${String(params.type)} (${source})`);
      return;
    case 'anyOf':
      r.error('invalid-type', path, `must be an integer or a string (${source})`);
      return;
    case 'enum':
      r.error('invalid-value', path, `must be one of ${(params.allowedValues as unknown[]).map((v) => quote(String(v))).join(', ')} (${source})`);
      return;
    case 'pattern':
      r.error('invalid-value', path, `must match ${String(params.pattern)} (${source})`);
      return;
    default:
      r.error('invalid-value', path, `${error.message ?? 'is not valid'} (${source})`);
  }
}

