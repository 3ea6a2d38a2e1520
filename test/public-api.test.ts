import * as path from 'node:path';

/*
 * The public surface, frozen: the runtime names each entry point exports.
 * Adding or removing one is an API change; update the list here in the same
 * commit, and say so in CHANGELOG.md. Types are not listed (they vanish at run
 * time); the type checker and `npm run docs` cover them.
 */

const ROOT_EXPORTS = [
  'ALERT_GROUP_NAME',
  'AcmeSolverAccess',
  'AppSecret',
  'Autoscaler',
  'BackingService',
  'CONFIG_CHECKSUM_ANNOTATION',
  'ExternalSecret',
  'FindingsError',
  'GRAFANA_DASHBOARD_LABEL',
  'GatewayRoute',
  'GatewayWithTls',
  'GrafanaDashboard',
  'IngressWithTls',
  'KUBE_VERSIONS',
  'NamespaceIsolation',
  'PrometheusRule',
  'RELOADER_SECRET_ANNOTATION',
  'RedisStore',
  'SECRET_CHECKSUM_ANNOTATION',
  'SaplingsAlerts',
  'SaplingsApp',
  'SaplingsError',
  'SaplingsServiceMonitor',
  'SaplingsStack',
  'SaplingsValidationError',
  'ServiceMonitor',
  'TrafficPolicy',
  'VectorDb',
  'WAIT_FOR_BACKENDS_CONTAINER',
  'appSeries',
  'checkPolicy',
  'emitYaml',
  'emitYamlStream',
  'findCredentials',
  'findLeaks',
  'formatFinding',
  'mermaidDiagram',
  'rollOnConfigChange',
  'runChecks',
  'validateConstructs',
  'validateObjects',
];

const CONFIG_EXPORTS = [
  'DEFAULT_CONFIG',
  'InputError',
  'MAX_STACK_NAME_LENGTH',
  'SaplingsError',
  'asCheckedDocument',
  'defaultStacks',
  'formatProblem',
  'loadConfig',
  'loadConfigFile',
  'locateProblems',
  'parseConfigText',
  'registerTarget',
  'renderStack',
  'stackPropsFromConfig',
  'synthesize',
  'synthesizeToDirectory',
  'targetEntries',
  'toYaml',
];

const CONFIG_SCHEMA_EXPORTS = ['StackConfigSchema'];

const VALIDATION_EXPORTS = ['CONSTRUCT_PATHS_FILE', 'SaplingsValidation', 'recordConstructPaths'];

/** Runtime names a module exports that hold a value (a type-only re-export leaves an undefined property behind under isolatedModules). */
function runtimeExports(entry: Record<string, unknown>): string[] {
  return Object.keys(entry)
    .filter((name) => name !== '__esModule' && entry[name] !== undefined)
    .sort();
}

describe('GIVEN the entry points of the package', () => {
  test('THEN `saplings-k8s` exports exactly the public constructs, functions and constants', () => {
    expect(runtimeExports(require('../src'))).toStrictEqual([...ROOT_EXPORTS].sort());
  });

  test('THEN `saplings-k8s/config` exports exactly the config file API', () => {
    expect(runtimeExports(require('../src/config-api'))).toStrictEqual([...CONFIG_EXPORTS].sort());
  });

  test('THEN `saplings-k8s/config/schema` exports the zod schema, which `saplings-k8s/config` no longer does', () => {
    expect(runtimeExports(require('../src/config-schema-api'))).toStrictEqual([...CONFIG_SCHEMA_EXPORTS].sort());
  });

  test('THEN `saplings-k8s/validation` exports the cdk8s-cli plugin and its recorder, and so does validation.js at the package root', () => {
    expect(runtimeExports(require('../src/validation'))).toStrictEqual([...VALIDATION_EXPORTS].sort());
  });

  test('THEN no internal table is public: no export of the conventions outside the contracts listed above', () => {
    const root = require('../src');
    for (const internal of ['SEED', 'PROMETHEUS_DURATION_HELP', 'VECTOR_DB', 'ENVIRONMENT_PRESETS', 'APP_METRICS', 'POD_SECURITY_LABELS', 'restrictedPodContext']) {
      expect({ internal, exported: internal in root }).toStrictEqual({ internal, exported: false });
    }
  });

  test('THEN the built package (lib/, what npm ships) exports the same names as the sources', () => {
    const lib = (entry: string) => require(path.join(__dirname, '..', 'lib', 'src', entry));
    expect(runtimeExports(lib('index.js'))).toStrictEqual([...ROOT_EXPORTS].sort());
    expect(runtimeExports(lib('config-api.js'))).toStrictEqual([...CONFIG_EXPORTS].sort());
    expect(runtimeExports(lib('config-schema-api.js'))).toStrictEqual([...CONFIG_SCHEMA_EXPORTS].sort());
    expect(runtimeExports(lib('validation/index.js'))).toStrictEqual([...VALIDATION_EXPORTS].sort());
    // cdk8s-cli requires a local plugin path as a file, past `exports`.
    expect(runtimeExports(require(path.join(__dirname, '..', 'validation.js')))).toStrictEqual([...VALIDATION_EXPORTS].sort());
  });
});
