import { Finding } from './findings';
import {
  KUBERNETES_VERSION,
  KubeVersion,
  OBJECT_META_ID,
  groupOf,
  kindsNamed,
  kindsOfGroup,
  lookupKind,
  objectType,
} from './k8s-validate/api-schema';
import { checkConstraints } from './k8s-validate/constraints';
import { checkCustomResource, hasCustomResourceBindings } from './k8s-validate/custom-resources';
import { checkObjectName, reportViolations } from './k8s-validate/metadata';
import { specFieldViolations } from '../conventions/field-rules';
import { describe, isObject, quote } from './json';
import type { Rule } from './k8s-validate/report';
import { ObjectReporter, Reporter } from './report';
import { checkStructure } from './k8s-validate/structure';
import { closest } from './k8s-validate/suggest';
import { checkSemantics } from './k8s-validate/workloads';

export { KUBERNETES_VERSION, KUBE_VERSIONS, isKubeVersion } from './k8s-validate/api-schema';
export type { KubeVersion } from './k8s-validate/api-schema';
export type { Rule } from './k8s-validate/report';

/** Options for `validateObjects`. */
export interface ValidateObjectsOptions {
  /** The file the objects came from; copied into every finding. @default - findings have no file */
  readonly file?: string;
  /** The Kubernetes version whose API the objects are checked against (one of KUBE_VERSIONS). @default '1.28' */
  readonly kubeVersion?: KubeVersion;
}

// API groups that Kubernetes served once and 1.28 no longer does: their kinds
// are removed built-ins, not custom resources.
const REMOVED_GROUPS = new Set(['extensions']);

/**
 * Checks Kubernetes objects against the API of one Kubernetes version
 * (`options.kubeVersion`: 1.28, the default, or 1.34), offline, the way
 * `kubectl apply --validate=strict` and the API server would reject them.
 *
 * For each built-in kind: unknown fields (`unknown-field`), JSON types
 * (`invalid-type`), required fields (`required-field`), enum values,
 * quantities and formats (`invalid-value`), object names (`invalid-name`),
 * selector versus pod template labels (`selector-mismatch`), unique
 * container, port and volume names (`duplicate-name`) and volume mounts
 * (`volume-not-found`); and the API server's field rules of
 * conventions/field-rules.ts, in its own words: Ingress hosts
 * (`field-hostname`), NetworkPolicy CIDRs (`field-cidr`), label keys and
 * values of every ObjectMeta and selector (`field-label`), annotation keys
 * and total size (`field-annotation-key`, `field-annotations-size`), port
 * names (`field-port-name`), container and volume names (`field-name`), env
 * names and envFrom prefixes (`field-env-name`) and ConfigMap and Secret data
 * size (`field-data-size`). Across objects:
 * the same kind, namespace and name twice (`duplicate-name`). Kinds that are
 * not built in get an `info` finding (`unknown-kind`) and only their metadata
 * is checked, except the custom resources the project has bindings for in
 * imports/ (prometheus-operator ServiceMonitor and PrometheusRule,
 * ExternalSecret, Gateway API, Envoy Gateway's policies, Knative Service),
 * whose fields are checked against them (k8s-validate/custom-resources.ts). A kind of a built-in API group
 * that 1.28 does not serve (`apps/v1 Deploymnet`, `autoscaling/v2beta2`) is an
 * `unknown-kind` error.
 *
 * Every violation is an `error` finding. Never throws on bad input: an entry
 * that is not an object is reported as one.
 *
 * Nothing is fetched or read outside the package and node_modules. Fields,
 * types and required fields come from the model of the version's cdk8s-plus
 * package, saved in this package at build time (see
 * k8s-validate/api-schema.ts); enum values and formats from kubernetes-models
 * (see k8s-validate/constraints.ts). The first call loads them (about 250 ms);
 * later calls take well under a millisecond for a stack of a dozen objects.
 *
 * @param objects parsed manifests, e.g. the documents of a YAML stream
 */
export function validateObjects(objects: readonly unknown[], options: ValidateObjectsOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const firstByIdentity = new Map<string, number>();
  const version = options.kubeVersion ?? KUBERNETES_VERSION;
  objects.forEach((object, index) => {
    findings.push(...validateObject(object, index, options.file, version, firstByIdentity));
  });
  return findings;
}

function validateObject(
  object: unknown,
  index: number,
  file: string | undefined,
  version: KubeVersion,
  firstByIdentity: Map<string, number>,
): readonly Finding[] {
  // A reporter per object, so that an error on one object never quiets the checks of a same-named other.
  const reporter = new Reporter<Rule>({ file });
  const ordinal = `#${index + 1}`;
  if (!isObject(object)) {
    reporter.forObject({ id: `document ${ordinal}` }).error(
      'invalid-type',
      [],
      `must be a Kubernetes object (a mapping with apiVersion, kind and metadata.name), got ${describe(object)}`,
    );
    return reporter.findings;
  }

  const { kind, metadata } = object;
  const name = isObject(metadata) && typeof metadata.name === 'string' && metadata.name !== '' ? metadata.name : undefined;
  const r = reporter.forObject({ id: `${typeof kind === 'string' && kind !== '' ? kind : 'Object'}/${name ?? ordinal}`, object });

  if (!checkEnvelope(object, r)) {
    if (isObject(metadata)) checkStructure(metadata, objectType(OBJECT_META_ID, version), r, ['metadata']);
    return reporter.findings;
  }
  const typed: TypedObject = { object, apiVersion: object.apiVersion as string, kind: kind as string, group: groupOf(object.apiVersion as string), version };
  checkFields(typed, r);
  checkObjectName(typed.group, typed.kind, metadata as Record<string, unknown>, r);
  if (name !== undefined) checkUnique(typed, name, index, firstByIdentity, r);
  return reporter.findings;
}

// An object whose apiVersion and kind are strings, with the API group they name.
interface TypedObject {
  readonly object: Record<string, unknown>;
  readonly apiVersion: string;
  readonly kind: string;
  /** `''` for the core API. */
  readonly group: string;
  /** The Kubernetes version checked against. */
  readonly version: KubeVersion;
}

// Every field of a built-in kind, or of a custom resource we have bindings for; only the metadata of any other kind.
function checkFields({ object, apiVersion, kind, group, version }: TypedObject, r: ObjectReporter<Rule>): void {
  const info = lookupKind(apiVersion, kind, version);
  if (info) {
    // The later checks recurse without limits of their own.
    if (checkStructure(object, info.type, r)) {
      checkConstraints(object, apiVersion, kind, r);
      checkSemantics(group, kind, object, r);
      reportViolations(specFieldViolations(object), r);
    }
    return;
  }
  const complete = checkStructure(object.metadata, objectType(OBJECT_META_ID, version), r, ['metadata']);
  if (!hasCustomResourceBindings(apiVersion, kind)) reportUnknownKind(apiVersion, kind, group, version, r);
  else if (complete) checkCustomResource(object, apiVersion, kind, r);
}

// The same kind, namespace and name twice: the later object would overwrite the earlier one.
function checkUnique(
  { object, kind, group }: TypedObject,
  name: string,
  index: number,
  firstByIdentity: Map<string, number>,
  r: ObjectReporter<Rule>,
): void {
  const namespace = (object.metadata as Record<string, unknown>).namespace;
  const identity = `${group}/${kind}/${typeof namespace === 'string' ? namespace : ''}/${name}`;
  const first = firstByIdentity.get(identity);
  if (first === undefined) {
    firstByIdentity.set(identity, index);
    return;
  }
  const where = typeof namespace === 'string' ? ` in namespace ${quote(namespace)}` : '';
  r.error(
    'duplicate-name',
    ['metadata', 'name'],
    `another ${kind} named ${quote(name)}${where} comes earlier (document #${first + 1}); the later one would overwrite it: give each a unique name`,
  );
}

// apiVersion, kind and metadata.name: without them the object cannot be applied at all.
function checkEnvelope(object: Record<string, unknown>, r: ObjectReporter<Rule>): boolean {
  let ok = true;
  for (const field of ['apiVersion', 'kind'] as const) {
    const value = object[field];
    if (value === undefined || value === null || value === '') {
      r.error('required-field', [field], `missing ${field}; every object needs apiVersion and kind (e.g. apps/v1 and Deployment)`);
      ok = false;
    } else if (typeof value !== 'string') {
      r.error('invalid-type', [field], `must be a string, got ${describe(value)}`);
      ok = false;
    }
  }
  const { metadata } = object;
  if (metadata === undefined || metadata === null) {
    r.error('required-field', ['metadata'], 'missing metadata; every object needs metadata.name');
    return false;
  }
  if (!isObject(metadata)) {
    r.error('invalid-type', ['metadata'], `must be an object (ObjectMeta), got ${describe(metadata)}`);
    return false;
  }
  if (metadata.name === undefined || metadata.name === null || metadata.name === '') {
    r.error('required-field', ['metadata', 'name'], 'missing metadata.name; kubectl apply needs a name for every object');
  }
  return ok;
}

function reportUnknownKind(apiVersion: string, kind: string, group: string, version: KubeVersion, r: ObjectReporter<Rule>): void {
  const served = kindsOfGroup(group, version);
  if (!served && !REMOVED_GROUPS.has(group)) {
    r.info(
      'unknown-kind',
      [],
      `${apiVersion} ${kind} is not a built-in kind of Kubernetes ${version} (a custom resource?); only its metadata was checked`,
    );
    return;
  }
  const elsewhere = kindsNamed(kind, version);
  let hint: string;
  if (elsewhere.length > 0) {
    hint = `it is served as ${elsewhere.map((i) => i.apiVersion).join(', ')}`;
  } else {
    const inVersion = (served ?? [])
      .filter((i) => i.apiVersion === apiVersion && !i.kind.endsWith('List'))
      .map((i) => i.kind)
      .sort();
    const guess = closest(kind, inVersion);
    hint =
      inVersion.length === 0
        ? `${apiVersion} is not served at all`
        : `${guess ? `did you mean ${quote(guess)}? ` : ''}kinds in ${apiVersion}: ${inVersion.join(', ')}`;
  }
  r.error('unknown-kind', ['kind'], `Kubernetes ${version} does not serve ${kind} in ${apiVersion}; ${hint}`);
}
