/*
 * Labels and annotations: the syntax every platform accepts, the recommended
 * `app.kubernetes.io/*` labels every generated object carries, and the
 * registry rewrite of the images the tool picks by default. Kept apart from
 * the names and selectors (conventions/names.ts): these labels never select.
 */

/** The tool's name, the value of `app.kubernetes.io/managed-by`. */
export const MANAGED_BY = 'saplings-k8s';

/** The value of `app.kubernetes.io/part-of` on every object of a stack. */
export const PART_OF = 'saplings';

/**
 * The recommended labels, which every object carries (`version` only the
 * workloads and their pod templates):
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
 */
export const RECOMMENDED_LABEL_KEYS = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  version: 'app.kubernetes.io/version',
} as const;

/** Label keys the tool sets itself: the selector label `app` and the recommended labels. */
export const OWN_LABEL_KEYS: readonly string[] = ['app', ...Object.values(RECOMMENDED_LABEL_KEYS)];

/** Labels the tool sets on some objects besides those: the Namespace's `name`, the Grafana sidecar's `grafana_dashboard`. */
const OTHER_OWN_LABEL_KEYS: readonly string[] = ['name', 'grafana_dashboard'];

/** What one object's recommended labels are made of. */
export interface RecommendedLabelValues {
  /** The software it runs or belongs to: `saplings`, `redis`, `qdrant`, `pgvector`. */
  readonly name: string;
  /** The stack (release) it belongs to. */
  readonly instance: string;
  /** Its role in the stack: `app`, `cache`, `vector-db`, `ingress`, `monitoring`, … */
  readonly component: string;
}

/** The recommended labels of one object, without `version`. */
export function recommendedLabels(v: RecommendedLabelValues): Record<string, string> {
  const k = RECOMMENDED_LABEL_KEYS;
  return { [k.name]: v.name, [k.instance]: v.instance, [k.component]: v.component, [k.partOf]: PART_OF, [k.managedBy]: MANAGED_BY };
}

// Label syntax: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
// (annotation keys follow the same rules: https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/#syntax-and-character-set)
const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Prefixes Kubernetes reserves for its core components ("The kubernetes.io/ and k8s.io/ prefixes are reserved"). */
const RESERVED_PREFIXES: readonly string[] = ['kubernetes.io', 'k8s.io'];

/**
 * Why `key` is not a label or annotation key, as a message part, or
 * undefined when it is: an optional DNS subdomain prefix and `/`, then a
 * name of at most 63 characters.
 */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const shape =
    'must be a label key: an optional DNS subdomain prefix and "/" (example.com/), then at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return shape;
  if (name.length > 63 || !NAME_PART.test(name)) return shape;
  return undefined;
}

/** {@link labelKeyProblem}, and the keys a user may not set on our objects: Kubernetes' reserved prefixes and the tool's own labels. */
export function userLabelKeyProblem(key: string, what: 'label' | 'annotation'): string | undefined {
  const syntax = labelKeyProblem(key);
  if (syntax) return syntax;
  const prefix = key.includes('/') ? key.slice(0, key.indexOf('/')) : undefined;
  if (prefix !== undefined && RESERVED_PREFIXES.includes(prefix)) return `uses the prefix ${prefix}/, which Kubernetes reserves for its core components; use a prefix of your own domain`;
  if (what === 'label' && [...OWN_LABEL_KEYS, ...OTHER_OWN_LABEL_KEYS].includes(key)) {
    return `is a label the tool sets itself (app, name on the Namespace, grafana_dashboard, and app.kubernetes.io/name, instance, component, part-of, managed-by, version); choose another key`;
  }
  return undefined;
}

/** Why `value` is not a label value, or undefined when it is: empty, or at most 63 letters, digits, `-`, `_` and `.` starting and ending with a letter or digit. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '' || (value.length <= 63 && NAME_PART.test(value))) return undefined;
  return 'must be a label value: empty, or at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
}

/** Most bytes the API server accepts in all of one object's annotations, keys and values (256 KiB). */
export const MAX_ANNOTATION_BYTES = 256 * 1024;

// Cloud Run labels, which are Google Cloud resource labels: "Keys must start with a lowercase character and contain only
// hyphens (-), underscores (_), lowercase characters, and numbers", values the same but may be empty or start with a digit,
// each at most 63 characters: https://cloud.google.com/run/docs/configuring/services/labels#label-requirements
// and https://cloud.google.com/resource-manager/docs/labels-overview#requirements
const GCP_LABEL_KEY = /^[a-z][-_a-z0-9]{0,62}$/;
const GCP_LABEL_VALUE = /^[-_a-z0-9]{0,63}$/;

/** Why a label cannot be a Cloud Run (Google Cloud) label, or undefined when it can. */
export function cloudRunLabelProblem(key: string, value: string): string | undefined {
  if (!GCP_LABEL_KEY.test(key)) {
    return 'is written as a Cloud Run label (with a cloudrun section), whose keys are at most 63 lowercase letters, digits, "-" and "_", starting with a letter (no "/" or "."); rename it';
  }
  if (!GCP_LABEL_VALUE.test(value)) {
    return 'is written as a Cloud Run label (with a cloudrun section), whose values are at most 63 lowercase letters, digits, "-" and "_"; change the value';
  }
  return undefined;
}

/** The label value for an image's tag (`app.kubernetes.io/version`), or undefined when the image has none that is a valid label value. */
export function versionLabelOf(tag: string | undefined): string | undefined {
  return tag !== undefined && labelValueProblem(tag) === undefined && tag !== '' ? tag : undefined;
}

/**
 * An image the tool picks by default, pulled from `registry` instead:
 * Docker Hub names are written in full (`redis:7-alpine` →
 * `<registry>/library/redis:7-alpine`, `qdrant/qdrant:v1` →
 * `<registry>/qdrant/qdrant:v1`), as a pull-through mirror of Docker Hub
 * serves them. An image that names a registry keeps its path and moves to
 * `registry`.
 */
export function withRegistry(image: string, registry: string | undefined): string {
  if (registry === undefined) return image;
  const slash = image.indexOf('/');
  const first = slash >= 0 ? image.slice(0, slash) : '';
  // A first component with "." or ":", or localhost, is a registry (docker/distribution's reference rules).
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const path = hasRegistry ? image.slice(slash + 1) : slash >= 0 ? image : `library/${image}`;
  return `${registry.replace(/\/+$/, '')}/${path}`;
}
