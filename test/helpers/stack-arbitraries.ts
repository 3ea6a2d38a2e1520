import * as fc from 'fast-check';
import { isSecretLikeName } from '../../src/checks/policy';
import { SEED } from '../../src/conventions/defaults';
import { RESERVED_ENV } from '../../src/conventions/reserved-env';

/*
 * Arbitraries over the config schema's real ranges, shared by the property
 * tests (test/synth/properties.test.ts) and the fleet renderer's equivalence
 * test (test/targets/kubernetes/stack-renderer.test.ts).
 */

/** Scales every numRuns, for a longer hunt: SAPLINGS_PROPERTY_SCALE=20 npx jest test/synth/properties. */
export const SCALE = Number(process.env.SAPLINGS_PROPERTY_SCALE ?? '1');
export const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

// --- Arbitraries over the schema's real ranges -------------------------------

export type Environment = 'development' | 'staging' | 'production';

/** A DNS-1123 label of 1..max characters. */
export const dnsLabel = (max: number) =>
  fc.stringMatching(new RegExp(`^[a-z0-9]([-a-z0-9]{0,${max - 2}}[a-z0-9])?$`));

/** A DNS-1123 subdomain: 1..3 labels. */
export const dnsSubdomain = fc.array(dnsLabel(20), { minLength: 1, maxLength: 3 }).map((labels) => labels.join('.'));

/** A host name with at least two labels, sometimes with a leading `*.`; never an IP address, which an Ingress rule refuses. */
export const host = fc
  .tuple(fc.boolean(), fc.array(dnsLabel(63), { minLength: 2, maxLength: 4 }))
  .map(([wildcard, labels]) => `${wildcard ? '*.' : ''}${labels.join('.')}`)
  .filter((h) => h.length <= 253 && !/^[0-9.]+$/.test(h));

const octet = fc.integer({ min: 0, max: 255 });
const cidr4 = fc.tuple(octet, octet, octet, octet, fc.integer({ min: 0, max: 32 })).map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`);
const cidr6 = fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([ip, p]) => `${ip}/${p}`);
const cidr = fc.oneof({ arbitrary: cidr4, weight: 3 }, { arbitrary: cidr6, weight: 1 });

const port = fc.integer({ min: 1, max: 65535 });

/** An environment-variable name as the schema allows it (a C identifier), mostly the usual UPPER_CASE kind. */
const envVarName = fc.oneof(
  { arbitrary: fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,20}$/), weight: 4 },
  { arbitrary: fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,15}$/), weight: 1 },
);

/** A tag other than `latest` (which production refuses and the policy flags). */
const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/).filter((t) => t !== 'latest');
const repository = fc.constantFrom('saplings', 'registry.example.com/saplings', 'localhost:5000/team/saplings', 'ghcr.io/org/saplings-agent');
const digest = fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `sha256:${hex}`);

/** An image pinned by tag, digest or both. */
export const pinnedImage = fc.oneof(
  fc.tuple(repository, tag).map(([r, t]) => `${r}:${t}`),
  fc.tuple(repository, digest).map(([r, d]) => `${r}@${d}`),
  fc.tuple(repository, tag, digest).map(([r, t, d]) => `${r}:${t}@${d}`),
);

/** Millicores, written as `250m`, `0.25`, `2`, the number 2, or `250e-3`. */
const cpuQuantity = (millicores: number) =>
  fc.constantFrom<string | number>(
    `${millicores}m`,
    String(millicores / 1000),
    ...(millicores % 1000 === 0 ? [millicores / 1000] : []),
    `${millicores}e-3`,
  );

/** Mebibytes, written as `512Mi`, `2Gi`, `524288Ki` or plain bytes. */
const memoryQuantity = (mebibytes: number) =>
  fc.constantFrom(
    `${mebibytes}Mi`,
    `${mebibytes * 1024}Ki`,
    String(mebibytes * 1024 * 1024),
    ...(mebibytes % 1024 === 0 ? [`${mebibytes / 1024}Gi`] : []),
  );

/** A request and a limit ≥ it; an equal limit is written like the request (see the known counterexamples). */
const requestAndLimit = <T>(request: number, extra: number, notation: (n: number) => fc.Arbitrary<T>) =>
  notation(request).chain((r) => (extra === 0 ? fc.constant([r, r] as const) : notation(request + extra).map((l) => [r, l] as const)));

/** Requests and limits with request ≤ limit, in any notation. */
const resources = fc
  .tuple(fc.integer({ min: 1, max: 16000 }), fc.integer({ min: 0, max: 16000 }), fc.integer({ min: 1, max: 65536 }), fc.integer({ min: 0, max: 65536 }))
  .chain(([cpuRequest, cpuExtra, memRequest, memExtra]) =>
    fc
      .tuple(requestAndLimit(cpuRequest, cpuExtra, cpuQuantity), requestAndLimit(memRequest, memExtra, memoryQuantity))
      .map(([[cpuR, cpuL], [memR, memL]]) => ({ requests: { cpu: cpuR, memory: memR }, limits: { cpu: cpuL, memory: memL } })),
  );

const size = fc.oneof(
  fc.integer({ min: 1, max: 4096 }).map((n) => `${n}Gi`),
  fc.integer({ min: 1, max: 4096 }).map((n) => `${n}Mi`),
  fc.integer({ min: 1, max: 64 }).map((n) => `${n}Ti`),
  fc.integer({ min: 1, max: 500 }).map((n) => `${n}G`),
);

const storage = fc.record({ size, storageClassName: dnsSubdomain }, { requiredKeys: [] });

/** Names a secret-in-ConfigMap rule flags on purpose; config values that are credentials are refused by design. */
// Nor may app.config name a variable the tool sets (src/conventions/reserved-env.ts).
const configKey = envVarName.filter((k) => !isSecretLikeName(k) && !RESERVED_ENV.has(k));
const configValue = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('true', '42', 'https://api.example.com/v1', ''));

const appConfig = fc.record(
  {
    port,
    replicas: fc.integer({ min: 1, max: 50 }),
    resources,
    config: fc.dictionary(configKey, configValue, { maxKeys: 4 }),
    logLevel: fc.constantFrom('DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'),
    gasa: fc.boolean(),
    monitoring: fc.boolean(),
    selfHealing: fc.boolean(),
    maxWorkers: fc.integer({ min: 1, max: 64 }),
    timeoutSeconds: fc.integer({ min: 1, max: 3600 }),
    waitForBackends: fc.integer({ min: 0, max: 3600 }),
    storage: fc.record(
      { size, storageClassName: dnsSubdomain, accessMode: fc.constantFrom('ReadWriteOnce', 'ReadWriteMany', 'ReadWriteOncePod') },
      { requiredKeys: [] },
    ),
    imagePullSecrets: fc.array(dnsSubdomain, { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

const secretKeys = fc.uniqueArray(envVarName, { minLength: 1, maxLength: 5 });

/** Every key any stack may need, so an inline Secret never lacks one. */
const BACKING_KEYS = ['REDIS_PASSWORD', 'POSTGRES_PASSWORD', 'QDRANT_API_KEY'];

const secrets = (environment: Environment) =>
  fc.oneof(
    fc.record({ source: fc.constant('existing'), keys: secretKeys, name: dnsSubdomain, reloader: fc.boolean() }, { requiredKeys: ['source'] }),
    fc.record(
      {
        source: fc.constant('external'),
        keys: secretKeys,
        reloader: fc.boolean(),
        external: fc.record(
          {
            storeName: dnsSubdomain,
            storeKind: fc.constantFrom('SecretStore', 'ClusterSecretStore'),
            remoteKeyPrefix: fc.stringMatching(/^[a-z0-9/_-]{0,20}$/),
            refreshInterval: fc.constantFrom('1h', '30m', '15s', '1h30m', '500ms'),
          },
          { requiredKeys: ['storeName'] },
        ),
      },
      { requiredKeys: ['source', 'external'] },
    ),
    ...(environment === 'development'
      ? [
          secretKeys.chain((keys) =>
            fc.record({
              source: fc.constant('inline'),
              keys: fc.constant(keys),
              values: fc.tuple(...[...keys, ...BACKING_KEYS].map((k) => fc.string({ maxLength: 20 }).map((v) => [k, v] as const))).map(Object.fromEntries),
            }),
          ),
        ]
      : []),
  );

// minReplicas and maxReplicas come together or not at all: one alone may cross the other's default.
const autoscaling = fc
  .tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 50 }))
  .chain(([min, extra]) =>
    fc.record(
      {
        enabled: fc.boolean(),
        replicas: fc.constant({ minReplicas: min, maxReplicas: min + extra }),
        targetCPUUtilization: fc.integer({ min: 1, max: 100 }),
        targetMemoryUtilization: fc.integer({ min: 1, max: 100 }),
      },
      { requiredKeys: [] },
    ),
  )
  .map(({ replicas, ...rest }) => ({ ...rest, ...replicas }));

/** `ingress.gateway`: an existing Gateway to attach to, or one the stack creates; with or without Envoy Gateway's policies. */
const gateway = fc.oneof(
  fc.record(
    {
      name: dnsSubdomain,
      namespace: dnsLabel(63),
      sectionName: dnsSubdomain,
      implementation: fc.constant('envoy-gateway'),
      requestTimeout: fc.boolean(),
    },
    { requiredKeys: ['name', 'namespace'] },
  ),
  fc.record(
    {
      create: fc.constant(true),
      name: dnsSubdomain,
      className: dnsSubdomain,
      implementation: fc.constant('envoy-gateway'),
      requestTimeout: fc.boolean(),
    },
    { requiredKeys: ['create', 'className'] },
  ),
);

/** Which API exposes the app: ingress-nginx (with an IngressClass), or a Gateway API route (with its Gateway). */
const ingressApi = fc.oneof(
  { arbitrary: fc.record({ api: fc.constant('ingress'), className: dnsSubdomain }, { requiredKeys: [] }), weight: 2 },
  { arbitrary: fc.record({ api: fc.constant('gateway'), gateway }), weight: 1 },
);

const ingress = (environment: Environment) =>
  fc
    .tuple(ingressApi, ingressSettings(environment))
    .map(([api, settings]) => ({ ...settings, ...api }));

const ingressSettings = (environment: Environment) =>
  fc.record(
    {
      enabled: fc.boolean(),
      host,
      // Production refuses plain HTTP; staging only warns about it.
      tls: environment === 'production' ? fc.constant(true) : fc.boolean(),
      clusterIssuer: dnsSubdomain,
      tlsSecretName: dnsSubdomain,
      rateLimitRps: fc.integer({ min: 1, max: 100000 }),
      maxBodySize: fc.stringMatching(/^\d{1,4}[kKmMgG]?$/),
      readTimeoutSeconds: fc.integer({ min: 1, max: 3600 }),
      sendTimeoutSeconds: fc.integer({ min: 1, max: 3600 }),
      metricsAllowCidrs: fc.array(cidr, { minLength: 1, maxLength: 3 }),
    },
    { requiredKeys: [] },
  );

const backingService = fc.record({ enabled: fc.boolean(), auth: fc.boolean(), storage, resources }, { requiredKeys: [] });

const network = fc.record(
  {
    ingressControllerNamespace: dnsLabel(63),
    prometheusNamespace: dnsLabel(63),
    egressCidrs: fc.array(cidr, { maxLength: 3 }),
    egressExceptCidrs: fc.array(cidr4, { maxLength: 3 }),
    egressPorts: fc.array(port, { minLength: 1, maxLength: 3 }),
    gatewayNamespace: dnsLabel(63),
  },
  { requiredKeys: [] },
);

// A stack named like a backing service collides with its objects; see the
// `known counterexamples` below. The main property leaves those names out.
export const BACKING_SERVICE_NAMES = new Set(['redis', 'pgvector', 'qdrant']);

export const stackName = dnsLabel(47).filter((n) => !BACKING_SERVICE_NAMES.has(n));
// The schema keeps stacks out of Kubernetes' own namespaces.
export const namespace = dnsLabel(63).filter((n) => !['kube-system', 'kube-public', 'kube-node-lease'].includes(n));
const vectorDb = fc.record(
  { enabled: fc.boolean(), engine: fc.constantFrom('pgvector', 'qdrant'), auth: fc.boolean(), storage, resources },
  { requiredKeys: [] },
);
/** A Prometheus duration as the alerts' `for:` takes it. */
const promDuration = fc.oneof(
  fc.constant('0s'),
  fc.tuple(fc.integer({ min: 1, max: 90 }), fc.constantFrom('s', 'm', 'h')).map(([n, unit]) => `${n}${unit}`),
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 59 })).map(([h, m]) => `${h}h${m}m`),
);
const percent = fc.double({ min: 0.1, max: 100, noNaN: true }).map((p) => Math.round(p * 10) / 10);

const alerts = fc.record(
  {
    enabled: fc.boolean(),
    runbookBaseUrl: fc.constantFrom('https://runbooks.example.com/saplings', 'http://wiki.internal/ops/saplings.md'),
    errorRate: fc.record({ percent, for: promDuration }, { requiredKeys: [] }),
    latency: fc.record({ p95Seconds: fc.double({ min: 0.01, max: 60, noNaN: true }), for: promDuration }, { requiredKeys: [] }),
    restarts: fc.record({ count: fc.integer({ min: 0, max: 20 }), window: fc.constantFrom('5m', '15m', '1h'), for: promDuration }, { requiredKeys: [] }),
    autoscalerAtMax: fc.record({ for: promDuration }, { requiredKeys: [] }),
    volumeFull: fc.record({ percent, for: promDuration }, { requiredKeys: [] }),
    noReadyPods: fc.record({ for: promDuration }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

// The dashboard needs monitoring on (the schema refuses it otherwise).
const monitoring = fc
  .record({ enabled: fc.boolean(), serviceMonitor: fc.boolean(), alerts, dashboard: fc.boolean() }, { requiredKeys: [] })
  .map((m) => (m.enabled === false && m.dashboard ? { ...m, dashboard: false } : m));

/** A stack document of one environment that the schema should accept. */
const stackOf = (environment: Environment) =>
  fc.record(
    {
      environment: fc.constant(environment),
      image: pinnedImage,
      name: stackName,
      namespace,
      app: appConfig,
      secrets: secrets(environment),
      redis: backingService,
      vectorDb,
      autoscaling,
      ingress: ingress(environment),
      monitoring,
      network,
    },
    { requiredKeys: ['environment', 'image'] },
  );

/** A stack document the schema should accept, in every environment. */
export const stackInput = fc
  .oneof(stackOf('development'), stackOf('staging'), stackOf('production'))
  // network.gatewayNamespace applies to a Gateway API route only (the schema refuses it beside an Ingress).
  .map((stack: any) => {
    if (stack.ingress?.api === 'gateway' || stack.network?.gatewayNamespace === undefined) return stack;
    const { gatewayNamespace: _, ...network } = stack.network;
    return { ...stack, network };
  })
  // app.config may not name a key of the app Secret (the schema refuses it).
  .map((stack: any) => {
    const config = stack.app?.config;
    const keys: string[] = stack.secrets?.keys ?? SEED.secrets.keys;
    if (!config || !Object.keys(config).some((k) => keys.includes(k))) return stack;
    return { ...stack, app: { ...stack.app, config: Object.fromEntries(Object.entries(config).filter(([k]) => !keys.includes(k))) } };
  })
  // The certificate may not overwrite the app's own Secret (the schema refuses equal names).
  .filter((stack: any) => {
    const name = stack.name ?? 'saplings';
    return (stack.ingress?.tlsSecretName ?? `${name}-tls`) !== (stack.secrets?.name ?? `${name}-secrets`);
  });

