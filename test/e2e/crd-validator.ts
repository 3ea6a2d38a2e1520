import * as fs from 'node:fs';
import * as path from 'node:path';
import * as jsYaml from 'js-yaml';
import { compileCrdSchema } from '../../src/checks/k8s-validate/crd-schema';

/*
 * Strict validation against the full upstream CRD (the tests' own copy), as
 * `kubectl apply --validate=strict` does: every field must be in the schema
 * (except under x-kubernetes-preserve-unknown-fields), with its type, enum,
 * pattern and required fields.
 */

const CRDS = path.join(__dirname, '../fixtures/crds');

/** A validator for the storage version of the CRD in `file`; returns its errors, [] when valid. */
export function crdValidator(file: string): (object: unknown) => string[] {
  // js-yaml: the ApplicationSet CRD is 1.4 MB, which it reads in a tenth of yaml's time (bench/yaml-parsers.js).
  const crd = jsYaml.load(fs.readFileSync(path.join(CRDS, file), 'utf8')) as { spec: { versions: { storage: boolean; schema: { openAPIV3Schema: object } }[] } };
  const validate = compileCrdSchema(crd.spec.versions.find((v) => v.storage)!.schema.openAPIV3Schema);
  return (object) => (validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
}
