/*
 * The Kubernetes API server's rules for the fields our objects carry, in the
 * API server's own words, so that `saplings-k8s validate` and the constructs
 * refuse exactly what `kubectl apply` would, with the message it would print.
 *
 * Sources (Kubernetes 1.28, the version the validator models):
 * - k8s.io/apimachinery/pkg/util/validation/validation.go: IsDNS1123Label,
 *   IsDNS1123Subdomain, IsWildcardDNS1123Subdomain, IsQualifiedName,
 *   IsValidLabelValue, IsValidPortName, IsEnvVarName, RegexError, MaxLenError.
 * - k8s.io/apimachinery/pkg/util/validation/field/errors.go: `Invalid value: "x": …`
 *   and TooLong's `Too long: must have at most N bytes`.
 * - k8s.io/apimachinery/pkg/api/validation/objectmeta.go: ValidateAnnotations
 *   (keys lower-cased, then IsQualifiedName; total size of keys and values ≤ 256 KiB).
 * - k8s.io/kubernetes/pkg/apis/core/validation/validation.go: container and
 *   volume names (DNS-1123 label), container port names (IsValidPortName),
 *   Service port names (DNS-1123 label), env and envFrom prefix (IsEnvVarName),
 *   ValidateConfigMap and ValidateSecret (data ≤ 1 MiB).
 * - k8s.io/kubernetes/pkg/apis/networking/validation/validation.go: Ingress rule
 *   hosts (not an IP; wildcard or plain DNS-1123 subdomain), TLS hosts, and
 *   ValidateIPBlock (`not a valid CIDR`, `must be a strict subset of \`cidr\``).
 *
 * A leaf: it imports nothing of ours but its sibling conventions.
 */
import { KeyPath } from './key-path';

/** The rule a field violates; findings of `validateObjects` carry it as their rule id. */
export type FieldRule =
  | 'field-hostname'
  | 'field-cidr'
  | 'field-label'
  | 'field-annotation-key'
  | 'field-annotations-size'
  | 'field-port-name'
  | 'field-name'
  | 'field-env-name'
  | 'field-data-size';

/** One field of an object that the API server would refuse. */
export interface FieldViolation {
  /** Which rule. */
  readonly rule: FieldRule;
  /** Where in the object, e.g. `['spec', 'rules', 0, 'host']`. */
  readonly path: KeyPath;
  /** The API server's message for the value, e.g. `Invalid value: "x": …`. */
  readonly message: string;
}

/** Total size of an object's annotations, keys plus values, in bytes (TotalAnnotationSizeLimitB). */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;
/** Total size of a ConfigMap's or Secret's data in bytes (core.MaxSecretSize). */
export const DATA_MAX_BYTES = 1024 * 1024;

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const WILDCARD_DNS1123_SUBDOMAIN_FMT = `\\*\\.${DNS1123_SUBDOMAIN_FMT}`;
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const ENV_VAR_NAME_FMT = '[-._a-zA-Z][-._a-zA-Z0-9]*';

const DNS1123_LABEL = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const WILDCARD_DNS1123_SUBDOMAIN = new RegExp(`^${WILDCARD_DNS1123_SUBDOMAIN_FMT}$`);
const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const ENV_VAR_NAME = new RegExp(`^${ENV_VAR_NAME_FMT}$`);

const DNS1123_LABEL_MAX = 63;
const DNS1123_SUBDOMAIN_MAX = 253;
const QUALIFIED_NAME_MAX = 63;
const LABEL_VALUE_MAX = 63;
const PORT_NAME_MAX = 15;

const QUALIFIED_NAME_ERR = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

// RegexError, word for word: each example is followed by "', " and joined with " or ", hence the double space.
function regexError(message: string, format: string, ...examples: string[]): string {
  if (examples.length === 0) return `${message} (regex used for validation is '${format}')`;
  return `${message} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${format}')`;
}

function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

// Go's len() counts UTF-8 bytes, and the size limits are in bytes. Counted
// without encoding: annotations and data can be large.
function byteLength(value: string): number {
  let bytes = value.length;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) {
      bytes += 1;
    } else if (code >= 0xd800 && code <= 0xdbff) {
      // A surrogate pair: 4 bytes for its 2 code units.
      bytes += 2;
      i++;
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

// field.Invalid(path, value, detail).Error() without the path; several details of one value are joined.
function invalid(value: string, details: readonly string[]): string | undefined {
  return details.length === 0 ? undefined : `Invalid value: ${JSON.stringify(value)}: ${details.join('; ')}`;
}

function tooLong(max: number): string {
  return `Too long: must have at most ${max} bytes`;
}

/** IsDNS1123Label's messages for `value`, empty when it is valid. */
function dns1123LabelDetails(value: string): string[] {
  const details: string[] = [];
  if (value.length > DNS1123_LABEL_MAX) details.push(maxLenError(DNS1123_LABEL_MAX));
  if (!DNS1123_LABEL.test(value)) {
    details.push(
      regexError(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        DNS1123_LABEL_FMT,
        'my-name',
        '123-abc',
      ),
    );
  }
  return details;
}

/** IsDNS1123Subdomain's messages for `value`, empty when it is valid. */
function dns1123SubdomainDetails(value: string): string[] {
  const details: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX) details.push(maxLenError(DNS1123_SUBDOMAIN_MAX));
  if (!DNS1123_SUBDOMAIN.test(value)) {
    details.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        DNS1123_SUBDOMAIN_FMT,
        'example.com',
      ),
    );
  }
  return details;
}

function wildcardDns1123SubdomainDetails(value: string): string[] {
  const details: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX) details.push(maxLenError(DNS1123_SUBDOMAIN_MAX));
  if (!WILDCARD_DNS1123_SUBDOMAIN.test(value)) {
    details.push(
      regexError(
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
        WILDCARD_DNS1123_SUBDOMAIN_FMT,
        '*.example.com',
      ),
    );
  }
  return details;
}

function qualifiedNameDetails(value: string): string[] {
  const details: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const [prefix] = parts;
    name = parts[1];
    if (prefix.length === 0) details.push('prefix part must be non-empty');
    else details.push(...dns1123SubdomainDetails(prefix).map((d) => `prefix part ${d}`));
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) details.push('name part must be non-empty');
  else if (name.length > QUALIFIED_NAME_MAX) details.push(`name part ${maxLenError(QUALIFIED_NAME_MAX)}`);
  if (!QUALIFIED_NAME.test(name)) details.push(`name part ${regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return details;
}

/**
 * A DNS-1123 label, as the API server checks container names, volume names
 * and Service port names.
 * @returns the API server's message, or undefined when `value` is valid
 */
export function dnsLabelError(value: string): string | undefined {
  return invalid(value, dns1123LabelDetails(value));
}

/**
 * An Ingress host: a DNS-1123 subdomain, or one with a single leading `*.`;
 * in `spec.rules`, not an IP address.
 * @param where `rule` for `spec.rules[].host`, `tls` for `spec.tls[].hosts[]` (which may be an IP)
 * @returns the API server's message, or undefined when `host` is valid
 */
export function hostnameError(host: string, where: 'rule' | 'tls' = 'rule'): string | undefined {
  const details: string[] = [];
  if (where === 'rule' && parseIp(host) !== undefined) details.push('must be a DNS name, not an IP address');
  details.push(...(host.includes('*') ? wildcardDns1123SubdomainDetails(host) : dns1123SubdomainDetails(host)));
  return invalid(host, details);
}

/**
 * A CIDR as a NetworkPolicy ipBlock takes it: IPv4 or IPv6, with a prefix
 * length the address family allows (netutils.ParseCIDRSloppy, which also
 * takes IPv4 octets with leading zeros, and host bits set).
 * @returns the API server's message, or undefined when `cidr` is valid
 */
export function cidrError(cidr: string): string | undefined {
  return parseCidr(cidr) ? undefined : invalid(cidr, ['not a valid CIDR']);
}

/**
 * An ipBlock `except` entry: a valid CIDR strictly inside `cidr`.
 * @returns the API server's message, or undefined when it is valid or `cidr` itself is not
 */
export function ipBlockExceptError(cidr: string, except: string): string | undefined {
  const outer = parseCidr(cidr);
  const inner = parseCidr(except);
  if (!inner) return invalid(except, ['not a valid CIDR']);
  if (!outer) return undefined;
  const inside = outer.bytes.length === inner.bytes.length && inner.bits > outer.bits && samePrefix(outer.bytes, inner.bytes, outer.bits);
  return inside ? undefined : invalid(except, ['must be a strict subset of `cidr`']);
}

/**
 * A label key (also an annotation key, and a selector key): an optional
 * DNS-1123 subdomain prefix of at most 253 characters and a `/`, then a name
 * of at most 63 characters.
 * @returns the API server's message, or undefined when `key` is valid
 */
export function labelKeyError(key: string): string | undefined {
  if (VALID_LABEL_KEYS.has(key)) return undefined;
  const message = invalid(key, qualifiedNameDetails(key));
  if (!message) {
    if (VALID_LABEL_KEYS.size >= VALID_LABEL_KEYS_MAX) VALID_LABEL_KEYS.clear();
    VALID_LABEL_KEYS.add(key);
  }
  return message;
}

// The same few label keys repeat on every object of a stack; remember the valid ones.
const VALID_LABEL_KEYS = new Set<string>();
const VALID_LABEL_KEYS_MAX = 10_000;

/**
 * A label value: empty, or at most 63 letters, digits, `-`, `_` and `.`,
 * starting and ending with a letter or digit.
 * @returns the API server's message, or undefined when `value` is valid
 */
export function labelValueError(value: string): string | undefined {
  const details: string[] = [];
  if (value.length > LABEL_VALUE_MAX) details.push(maxLenError(LABEL_VALUE_MAX));
  if (!LABEL_VALUE.test(value)) {
    details.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FMT,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  }
  return invalid(value, details);
}

/**
 * An annotation key: a label key in any case (the API server lower-cases it first).
 * @returns the API server's message, or undefined when `key` is valid
 */
export function annotationKeyError(key: string): string | undefined {
  return invalid(key, qualifiedNameDetails(key.toLowerCase()));
}

/**
 * The total size of an object's annotations: keys plus values at most 256 KiB, counted in UTF-8 bytes.
 * @returns the API server's message, or undefined when they fit
 */
export function annotationsSizeError(annotations: Readonly<Record<string, unknown>>): string | undefined {
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) size += byteLength(key) + (typeof value === 'string' ? byteLength(value) : 0);
  return size > ANNOTATIONS_MAX_BYTES ? tooLong(ANNOTATIONS_MAX_BYTES) : undefined;
}

/**
 * A container port name (IANA_SVC_NAME): at most 15 lowercase letters,
 * digits and `-`, with at least one letter, no `--`, not starting or ending with `-`.
 * @returns the API server's message, or undefined when `name` is valid
 */
export function portNameError(name: string): string | undefined {
  const details: string[] = [];
  if (name.length > PORT_NAME_MAX) details.push(maxLenError(PORT_NAME_MAX));
  if (!/^[-a-z0-9]+$/.test(name)) details.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(name)) details.push('must contain at least one letter (a-z)');
  if (name.includes('--')) details.push('must not contain consecutive hyphens');
  if (name.startsWith('-') || name.endsWith('-')) details.push('must not begin or end with a hyphen');
  return invalid(name, details);
}

/**
 * An environment variable name, or an envFrom prefix, as 1.28 checks them
 * (IsEnvVarName; the relaxed rule of 1.30 accepts more).
 * @returns the API server's message, or undefined when `name` is valid
 */
export function envVarNameError(name: string): string | undefined {
  const details: string[] = [];
  if (!ENV_VAR_NAME.test(name)) {
    details.push(
      regexError(
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
        ENV_VAR_NAME_FMT,
        'my.env-name',
        'MY_ENV.NAME',
        'MyEnvName1',
      ),
    );
  }
  if (name === '.') details.push("must not be '.'");
  else if (name === '..') details.push("must not be '..'");
  else if (name.startsWith('..')) details.push("must not start with '..'");
  return invalid(name, details);
}

/**
 * The size of a ConfigMap's or Secret's data, at most 1 MiB: for a ConfigMap
 * the UTF-8 bytes of `data` plus the decoded `binaryData`; for a Secret the
 * decoded `data` with `stringData` merged over it, as the API server stores it.
 * Keys do not count.
 * @returns the API server's message, or undefined when the data fits
 */
export function dataSizeError(kind: 'ConfigMap' | 'Secret', object: Readonly<Record<string, unknown>>): string | undefined {
  let size = 0;
  const data = asMap(object.data);
  if (kind === 'ConfigMap') {
    for (const value of Object.values(data)) if (typeof value === 'string') size += byteLength(value);
    for (const value of Object.values(asMap(object.binaryData))) if (typeof value === 'string') size += base64Length(value);
  } else {
    const stringData = asMap(object.stringData);
    for (const [key, value] of Object.entries(data)) {
      if (!Object.prototype.hasOwnProperty.call(stringData, key) && typeof value === 'string') size += base64Length(value);
    }
    for (const value of Object.values(stringData)) if (typeof value === 'string') size += byteLength(value);
  }
  return size > DATA_MAX_BYTES ? tooLong(DATA_MAX_BYTES) : undefined;
}

// ---------------------------------------------------------------------------
// Where the fields are: one walk over an object, by kind.

type Json = Record<string, unknown>;
type Segment = string | number;

// Kinds that keep a pod template, and where (the spec is under `spec` of the template): the table of
// checks/pod-templates.ts, repeated because conventions, a leaf, may not import from checks.
const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly Segment[]>> = {
  'apps/Deployment': ['spec', 'template'],
  'apps/StatefulSet': ['spec', 'template'],
  'apps/DaemonSet': ['spec', 'template'],
  'apps/ReplicaSet': ['spec', 'template'],
  '/ReplicationController': ['spec', 'template'],
  'batch/Job': ['spec', 'template'],
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template'],
  '/PodTemplate': ['template'],
};
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'];

/**
 * Every field rule the API server would refuse in `object`, outside its
 * labels, annotations and label selectors: pod specs (container, volume and
 * port names, env names and envFrom prefixes), Service port names, Ingress
 * hosts, NetworkPolicy CIDRs and ConfigMap/Secret data size. A part of the
 * wrong shape is skipped: the shape is another check's job.
 */
export function specFieldViolations(object: unknown): FieldViolation[] {
  const out: FieldViolation[] = [];
  if (!isMap(object) || typeof object.kind !== 'string' || typeof object.apiVersion !== 'string') return out;
  const gk = `${groupOf(object.apiVersion)}/${object.kind}`;
  const spec = asMap(object.spec);
  if (gk === '/Pod') podSpec(spec, ['spec'], out);
  const templatePath = POD_TEMPLATE_PATHS[gk];
  if (templatePath) podSpec(asMap(asMap(at(object, templatePath)).spec), [...templatePath, 'spec'], out);
  if (gk === '/Service') servicePorts(spec, out);
  if (gk === 'networking.k8s.io/Ingress') ingressHosts(spec, out);
  if (gk === 'networking.k8s.io/NetworkPolicy') ipBlocks(spec, out);
  if (gk === '/ConfigMap' || gk === '/Secret') {
    const message = dataSizeError(object.kind as 'ConfigMap' | 'Secret', object);
    if (message) out.push({ rule: 'field-data-size', path: gk === '/Secret' ? ['data'] : [], message });
  }
  return out;
}

/** The label and annotation rules of one ObjectMeta at `path`. */
export function objectMetaViolations(meta: unknown, path: KeyPath): FieldViolation[] {
  const out: FieldViolation[] = [];
  if (!isMap(meta)) return out;
  if (isMap(meta.labels)) out.push(...labelMapViolations(meta.labels, [...path, 'labels']));
  if (isMap(meta.annotations)) {
    const annotationsPath = [...path, 'annotations'];
    for (const key of Object.keys(meta.annotations)) {
      const message = annotationKeyError(key);
      if (message) out.push({ rule: 'field-annotation-key', path: [...annotationsPath, key], message });
    }
    const message = annotationsSizeError(meta.annotations);
    if (message) out.push({ rule: 'field-annotations-size', path: annotationsPath, message });
  }
  return out;
}

/** The label rules of a map of labels at `path`: an ObjectMeta's labels, a `matchLabels`, or a Service's selector. */
export function labelMapViolations(labels: Readonly<Record<string, unknown>>, path: KeyPath): FieldViolation[] {
  const out: FieldViolation[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const keyMessage = labelKeyError(key);
    if (keyMessage) out.push({ rule: 'field-label', path: [...path, key], message: keyMessage });
    const valueMessage = typeof value === 'string' ? labelValueError(value) : undefined;
    if (valueMessage) out.push({ rule: 'field-label', path: [...path, key], message: valueMessage });
  }
  return out;
}

/**
 * Every field rule the API server would refuse in `object`, found by kind:
 * {@link specFieldViolations}, plus the labels and annotations of its
 * metadata and pod template, and the `matchLabels` of its selectors
 * (a workload's or PodDisruptionBudget's `spec.selector`, a Service's
 * selector, a NetworkPolicy's pod selector and peers).
 */
export function fieldRuleViolations(object: unknown): FieldViolation[] {
  if (!isMap(object)) return [];
  const out = objectMetaViolations(object.metadata, ['metadata']);
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const gk = `${groupOf(apiVersion)}/${String(object.kind)}`;
  const spec = asMap(object.spec);
  const templatePath = POD_TEMPLATE_PATHS[gk];
  if (templatePath) {
    out.push(...objectMetaViolations(asMap(at(object, templatePath)).metadata, [...templatePath, 'metadata']));
    // The selector sits beside the template.
    const ownerPath = templatePath.slice(0, -1);
    out.push(...matchLabelsViolations(asMap(at(object, ownerPath)).selector, [...ownerPath, 'selector']));
  }
  if (gk === 'policy/PodDisruptionBudget') out.push(...matchLabelsViolations(spec.selector, ['spec', 'selector']));
  if (gk === '/Service' && isMap(spec.selector)) out.push(...labelMapViolations(spec.selector, ['spec', 'selector']));
  if (gk === 'networking.k8s.io/NetworkPolicy') {
    out.push(...matchLabelsViolations(spec.podSelector, ['spec', 'podSelector']));
    eachPeer(spec, (peer, path) => {
      out.push(...matchLabelsViolations(peer.podSelector, [...path, 'podSelector']));
      out.push(...matchLabelsViolations(peer.namespaceSelector, [...path, 'namespaceSelector']));
    });
  }
  out.push(...specFieldViolations(object));
  return out;
}

function matchLabelsViolations(selector: unknown, path: KeyPath): FieldViolation[] {
  return isMap(selector) && isMap(selector.matchLabels) ? labelMapViolations(selector.matchLabels, [...path, 'matchLabels']) : [];
}

function podSpec(spec: Json, path: Segment[], out: FieldViolation[]): void {
  eachMap(spec.volumes, (volume, i) => name(volume.name, [...path, 'volumes', i, 'name'], out));
  for (const list of CONTAINER_LISTS) {
    eachMap(spec[list], (container, i) => {
      const at = [...path, list, i];
      name(container.name, [...at, 'name'], out);
      eachMap(container.ports, (port, j) => {
        const message = typeof port.name === 'string' && port.name !== '' ? portNameError(port.name) : undefined;
        if (message) out.push({ rule: 'field-port-name', path: [...at, 'ports', j, 'name'], message });
      });
      eachMap(container.env, (variable, j) => {
        const message = typeof variable.name === 'string' ? envVarNameError(variable.name) : undefined;
        if (message) out.push({ rule: 'field-env-name', path: [...at, 'env', j, 'name'], message });
      });
      eachMap(container.envFrom, (source, j) => {
        const message = typeof source.prefix === 'string' && source.prefix !== '' ? envVarNameError(source.prefix) : undefined;
        if (message) out.push({ rule: 'field-env-name', path: [...at, 'envFrom', j, 'prefix'], message });
      });
    });
  }
}

// An empty name is a missing one, which the required-field checks report.
function name(value: unknown, path: Segment[], out: FieldViolation[]): void {
  const message = typeof value === 'string' && value !== '' ? dnsLabelError(value) : undefined;
  if (message) out.push({ rule: 'field-name', path, message });
}

function servicePorts(spec: Json, out: FieldViolation[]): void {
  eachMap(spec.ports, (port, i) => {
    const message = typeof port.name === 'string' && port.name !== '' ? dnsLabelError(port.name) : undefined;
    if (message) out.push({ rule: 'field-port-name', path: ['spec', 'ports', i, 'name'], message });
  });
}

function ingressHosts(spec: Json, out: FieldViolation[]): void {
  eachMap(spec.rules, (rule, i) => {
    const message = typeof rule.host === 'string' && rule.host !== '' ? hostnameError(rule.host, 'rule') : undefined;
    if (message) out.push({ rule: 'field-hostname', path: ['spec', 'rules', i, 'host'], message });
  });
  eachMap(spec.tls, (tls, i) => {
    asList(tls.hosts).forEach((host, j) => {
      const message = typeof host === 'string' ? hostnameError(host, 'tls') : undefined;
      if (message) out.push({ rule: 'field-hostname', path: ['spec', 'tls', i, 'hosts', j], message });
    });
  });
}

function ipBlocks(spec: Json, out: FieldViolation[]): void {
  eachPeer(spec, (peer, path) => {
    const block = asMap(peer.ipBlock);
    if (typeof block.cidr !== 'string' || block.cidr === '') return;
    const { cidr } = block;
    const message = cidrError(cidr);
    if (message) {
      out.push({ rule: 'field-cidr', path: [...path, 'ipBlock', 'cidr'], message });
      return;
    }
    asList(block.except).forEach((except, k) => {
      const exceptMessage = typeof except === 'string' ? ipBlockExceptError(cidr, except) : undefined;
      if (exceptMessage) out.push({ rule: 'field-cidr', path: [...path, 'ipBlock', 'except', k], message: exceptMessage });
    });
  });
}

// Each peer of a NetworkPolicy's ingress `from` and egress `to` rules.
function eachPeer(spec: Json, visit: (peer: Json, path: Segment[]) => void): void {
  for (const [direction, side] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const) {
    eachMap(spec[direction], (rule, i) => eachMap(rule[side], (peer, j) => visit(peer, ['spec', direction, i, side, j])));
  }
}

// ---------------------------------------------------------------------------
// IP addresses and CIDRs, as k8s.io/utils/net parses them.

interface Cidr {
  /** 4 bytes for IPv4, 16 for IPv6. */
  readonly bytes: readonly number[];
  readonly bits: number;
}

function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const bytes = parseIp(text.slice(0, slash));
  const prefix = text.slice(slash + 1);
  if (!bytes || !/^\d{1,3}$/.test(prefix)) return undefined;
  const bits = Number(prefix);
  return bits <= bytes.length * 8 ? { bytes, bits } : undefined;
}

/** The bytes of an IPv4 (4) or IPv6 (16) address; undefined when `text` is neither. */
function parseIp(text: string): number[] | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

// ParseIPSloppy keeps Go 1.16's parser, which reads "010.1.1.1" as 10.1.1.1.
function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p))) return undefined;
  const bytes = parts.map(Number);
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

function parseIpv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part);
        if (!v4) return undefined;
        out.push(v4[0], v4[1], v4[2], v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
        const value = parseInt(part, 16);
        out.push(value >> 8, value & 0xff);
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 16 ? head : undefined;
  const missing = 16 - head.length - tail.length;
  // "::" stands for at least one group of zeros.
  return missing >= 2 ? [...head, ...new Array<number>(missing).fill(0), ...tail] : undefined;
}

function samePrefix(a: readonly number[], b: readonly number[], bits: number): boolean {
  for (let i = 0; i < a.length; i++) {
    const take = Math.max(0, Math.min(8, bits - i * 8));
    const mask = (0xff << (8 - take)) & 0xff;
    if ((a[i] & mask) !== (b[i] & mask)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Reading parsed manifests, which may be any JSON value.

function isMap(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asMap(value: unknown): Json {
  return isMap(value) ? value : {};
}

function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function eachMap(list: unknown, visit: (item: Json, index: number) => void): void {
  asList(list).forEach((item, i) => {
    if (isMap(item)) visit(item, i);
  });
}

function at(root: unknown, path: readonly Segment[]): unknown {
  let here = root;
  for (const segment of path) {
    if (typeof segment === 'number' ? !Array.isArray(here) : !isMap(here)) return undefined;
    here = (here as Record<string | number, unknown>)[segment];
  }
  return here;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

// The decoded length of base64 text, without decoding it.
function base64Length(value: string): number {
  const text = value.replace(/\s/g, '');
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return Math.floor((text.length * 3) / 4) - padding;
}
