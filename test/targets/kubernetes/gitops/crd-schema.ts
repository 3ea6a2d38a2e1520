import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import * as YAML from 'yaml';

/*
 * Strict validation against an upstream CRD's openAPIV3Schema, as
 * `kubectl apply --validate=strict` does: every field must be in the schema
 * (except under x-kubernetes-preserve-unknown-fields), with its type, enum,
 * pattern and required fields.
 * https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#field-pruning
 */

const CRDS = path.join(__dirname, '../../../fixtures/crds');

type Schema = Record<string, unknown>;

/** An object schema closed to unknown fields, as the API server's strict field validation reads it. */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description' || key.startsWith('x-kubernetes-validations')) continue;
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, strict(v)])) : strict(value);
  }
  const s = schema as Schema;
  if (s['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (s.properties && s.additionalProperties === undefined && !s['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

/** A validator for the storage version of the CRD in `file`; returns its errors, [] when valid. */
export function crdValidator(file: string): (object: unknown) => string[] {
  const crd = YAML.parse(fs.readFileSync(path.join(CRDS, file), 'utf8')) as { spec: { versions: { storage: boolean; schema: { openAPIV3Schema: unknown } }[] } };
  const version = crd.spec.versions.find((v) => v.storage)!;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(strict(version.schema.openAPIV3Schema) as Schema);
  return (object) => (validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
}
