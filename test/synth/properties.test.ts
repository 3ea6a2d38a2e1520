import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { InputError } from '../../src/config/errors';
import { environmentGates } from '../../src/config/gates';
import { parseConfigText } from '../../src/config/load';
import { StackConfig, StackConfigSchema } from '../../src/config/schema';
import { FindingsError } from '../../src/checks/findings';
import { validateObjects } from '../../src/checks/k8s-validate';
import { checkPolicy, isSecretLikeName } from '../../src/checks/policy';
import { renderStack } from '../../src/targets/kubernetes/render';
import { synthesize } from '../../src/synth/synthesize';
import { hasStackTrace, runCli, tempDir } from '../helpers/cli';

/*
 * Property tests, in process:
 * (a) every config the schema accepts synthesizes, and its objects pass the
 *     Kubernetes API check (and in staging and production the policy too);
 * (b) no input, however broken, makes the loader throw anything but InputError.
 */

/** Scales every numRuns, for a longer hunt: SAPLINGS_PROPERTY_SCALE=20 npx jest test/synth/properties. */
const SCALE = Number(process.env.SAPLINGS_PROPERTY_SCALE ?? '1');
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

// --- Arbitraries over the schema's real ranges -------------------------------

type Environment = 'development' | 'staging' | 'production';

/** A DNS-1123 label of 1..max characters. */
const dnsLabel = (max: number) =>
  fc.stringMatching(new RegExp(`^[a-z0-9]([-a-z0-9]{0,${max - 2}}[a-z0-9])?$`));

/** A DNS-1123 subdomain: 1..3 labels. */
const dnsSubdomain = fc.array(dnsLabel(20), { minLength: 1, maxLength: 3 }).map((labels) => labels.join('.'));

/** A host name with at least two labels, sometimes with a leading `*.`; never an IP address, which an Ingress rule refuses. */
const host = fc
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
const pinnedImage = fc.oneof(
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
const configKey = envVarName.filter((k) => !isSecretLikeName(k));
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
    fc.record({ source: fc.constant('existing'), keys: secretKeys, name: dnsSubdomain }, { requiredKeys: ['source'] }),
    fc.record(
      {
        source: fc.constant('external'),
        keys: secretKeys,
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
const BACKING_SERVICE_NAMES = new Set(['redis', 'pgvector', 'qdrant']);

const stackName = dnsLabel(47).filter((n) => !BACKING_SERVICE_NAMES.has(n));
// The schema keeps stacks out of Kubernetes' own namespaces.
const namespace = dnsLabel(63).filter((n) => !['kube-system', 'kube-public', 'kube-node-lease'].includes(n));
const vectorDb = fc.record(
  { enabled: fc.boolean(), engine: fc.constantFrom('pgvector', 'qdrant'), auth: fc.boolean(), storage, resources },
  { requiredKeys: [] },
);
const monitoring = fc.record({ enabled: fc.boolean(), serviceMonitor: fc.boolean() }, { requiredKeys: [] });

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
const stackInput = fc
  .oneof(stackOf('development'), stackOf('staging'), stackOf('production'))
  // network.gatewayNamespace applies to a Gateway API route only (the schema refuses it beside an Ingress).
  .map((stack: any) => {
    if (stack.ingress?.api === 'gateway' || stack.network?.gatewayNamespace === undefined) return stack;
    const { gatewayNamespace: _, ...network } = stack.network;
    return { ...stack, network };
  })
  // The certificate may not overwrite the app's own Secret (the schema refuses equal names).
  .filter((stack: any) => {
    const name = stack.name ?? 'saplings';
    return (stack.ingress?.tlsSecretName ?? `${name}-tls`) !== (stack.secrets?.name ?? `${name}-secrets`);
  });

/** Parses what the schema accepts; anything it refuses is skipped. */
function accepted(input: unknown): StackConfig {
  const result = StackConfigSchema.safeParse(input);
  fc.pre(result.success);
  return result.data as StackConfig;
}

// --- (a) accepted configs synthesize valid objects ---------------------------

describe('every config the schema accepts', () => {
  test('synthesizes, passes the API check, and outside development passes the policy', () => {
    let checked = 0;
    const environments = new Set<string>();
    const routes = new Set<string>();
    fc.assert(
      fc.property(stackInput, (input) => {
        const stack = accepted(input);
        // The generator keeps production within its gates (pinned image, TLS).
        if (stack.environment === 'production') expect(environmentGates(stack)).toStrictEqual([]);

        expect(() => synthesize([stack], { source: 'prop' })).not.toThrow();
        const objects = renderStack(stack).objects;
        expect(validateObjects(objects).filter((f) => f.severity === 'error')).toStrictEqual([]);
        if (stack.environment !== 'development') {
          // `auth: false` turns Redis or Qdrant auth off explicitly; the policy still warns about exactly those.
          const optedOut = [
            ...(stack.redis.enabled && stack.redis.auth === false ? ['Deployment/redis'] : []),
            ...(stack.vectorDb.enabled && stack.vectorDb.engine === 'qdrant' && stack.vectorDb.auth === false ? ['Deployment/qdrant'] : []),
          ];
          // A Gateway API route without Envoy Gateway's policies has no rate or body limit; production warns about exactly that.
          const unlimitedRoute =
            stack.environment === 'production' && stack.ingress.enabled && stack.ingress.api === 'gateway' && stack.ingress.gateway?.implementation === undefined;
          const findings = checkPolicy(objects, { environment: stack.environment });
          const expectedRules = new Set(['practice-backing-service-auth', 'practice-route-limits']);
          expect(findings.filter((f) => !expectedRules.has(f.rule))).toStrictEqual([]);
          expect(findings.filter((f) => f.rule === 'practice-route-limits').map((f) => `${f.severity} ${f.object}`)).toStrictEqual(
            unlimitedRoute ? [`warning HTTPRoute/${stack.name}-route`] : [],
          );
          expect(findings.filter((f) => f.rule === 'practice-backing-service-auth').map((f) => `${f.severity} ${f.object}`)).toStrictEqual(
            optedOut.map((object) => `warning ${object}`).sort(),
          );
        }
        checked++;
        environments.add(stack.environment);
        if (stack.ingress.enabled) routes.add(stack.ingress.api === 'gateway' ? `gateway ${stack.ingress.gateway?.create ? 'created' : 'existing'}` : 'ingress');
      }),
      { numRuns: runs(400) },
    );
    // Most generated inputs must really be accepted, or the property proves little.
    expect(checked).toBeGreaterThan(runs(400) * 0.9);
    expect([...environments].sort()).toStrictEqual(['development', 'production', 'staging']);
    expect([...routes].sort()).toStrictEqual(['gateway created', 'gateway existing', 'ingress']);
  });

  test('the generator produces what it claims: every input is accepted by the schema', () => {
    fc.assert(
      fc.property(stackInput, (input) => {
        const result = StackConfigSchema.safeParse(input);
        expect(result.success ? [] : result.error.issues).toStrictEqual([]);
      }),
      { numRuns: runs(1000) },
    );
  });

  test('staging with saplings:latest, which the gate only warns about, synthesizes with a warning', () => {
    const stack = StackConfigSchema.parse({ environment: 'staging', image: 'saplings:latest' });
    expect(environmentGates(stack).map((g) => g.path)).toStrictEqual(['image']);
    const { findings } = synthesize([stack], { source: 'prop' });
    // The app container and the init container that waits for Redis run the same image.
    expect(findings.map((f) => [f.severity, f.rule, f.path])).toStrictEqual([
      ['warning', 'practice-image-pinned', 'spec.template.spec.containers[0].image'],
      ['warning', 'practice-image-pinned', 'spec.template.spec.initContainers[0].image'],
    ]);
  });

  // Each of these once passed the schema (and the loader's gates) and then failed
  // synthesis; now the config layer refuses them, so schema and checks agree.
  test.each([
    ['name: redis, with Redis on (its objects collide with the Redis ones)', { name: 'redis' }],
    ['name: pgvector, with the pgvector database', { name: 'pgvector', vectorDb: { enabled: true, engine: 'pgvector' } }],
    ['name: qdrant, with the Qdrant database', { name: 'qdrant', vectorDb: { enabled: true, engine: 'qdrant' } }],
  ])('former counterexample, now refused by the schema at `name`: %s', (_what, overrides) => {
    const result = StackConfigSchema.safeParse({ environment: 'production', image: 'saplings:1.0.0', ...overrides });
    expect(result.success ? [] : result.error.issues.map((i) => i.path.join('.'))).toStrictEqual(['name']);
  });

  test('former counterexample, now refused by the schema itself: a malformed digest is no image reference', () => {
    const result = StackConfigSchema.safeParse({ environment: 'production', image: 'saplings@sha256:abc' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toStrictEqual([['image']]);
  });

  test('a digest of the wrong length is an image reference, and the production gate refuses it as unpinned', () => {
    const stack = StackConfigSchema.parse({ environment: 'production', image: `saplings@sha256:${'ab'.repeat(16)}` });
    expect(environmentGates(stack).map((g) => g.path)).toStrictEqual(['image']);
  });

  // Kubernetes takes ConfigMap and Secret keys of [-._a-zA-Z0-9] only, and
  // never ".", ".." or a leading ".." (kubelet's own ..data links).
  test.each(['.', '..', '..data'])('former counterexample: app.config key %j, which the API server refuses, is refused by the schema', (key) => {
    const result = StackConfigSchema.safeParse({ environment: 'production', image: 'saplings:1.0.0', app: { config: { [key]: 'x' } } });
    expect(result.success ? [] : result.error.issues.map((i) => i.path.join('.'))).toStrictEqual([`app.config.${key}`]);
  });

  test('former counterexample: the API check refuses a ConfigMap key with a space', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'LOG LEVEL': 'INFO' } };
    expect(validateObjects([configMap]).filter((f) => f.severity === 'error')).not.toStrictEqual([]);
  });

  // parseQuantity multiplies floats, so 9m comes out as 0.009000000000000001,
  // more than 0.009: equal quantities in two notations compare unequal.
  test.each([
    ['cpu', '9m', '0.009'],
    ['cpu', '18m', '0.018'],
    ['memory', '1001M', '1.001G'],
  ])('former counterexample: a %s request equal to its limit in another notation (%s, %s) is accepted', (resource, request, limit) => {
    const result = StackConfigSchema.safeParse({
      environment: 'production',
      image: 'saplings:1.0.0',
      app: { resources: { requests: { [resource]: request }, limits: { [resource]: limit } } },
    });
    expect(result.success ? [] : result.error.issues.map((i) => i.message)).toStrictEqual([]);
  });
  // The API check compares requests and limits the same way.
  test('former counterexample: the API check accepts a request equal to its limit in another notation (9m, 0.009)', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'web:1.0.0', resources: { requests: { cpu: '9m' }, limits: { cpu: '0.009' } } }] },
        },
      },
    };
    expect(validateObjects([deployment]).filter((f) => f.severity === 'error')).toStrictEqual([]);
  });
});

// --- (b) junk never crashes the loader ---------------------------------------

/** Runs `fn`; anything thrown but InputError fails the property. */
function onlyInputErrors(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
}

/** YAML text of a value, or undefined when the yaml library cannot write it. */
function yamlOf(value: unknown): string | undefined {
  try {
    return YAML.stringify(value);
  } catch {
    return undefined;
  }
}

/** Replaces the values at some paths of `root` with junk. */
function mutate(root: Record<string, unknown>, edits: ReadonlyArray<{ pick: number; depth: number; junk: unknown }>): unknown {
  const copy = structuredClone(root);
  for (const { pick, depth, junk } of edits) {
    let node: Record<string, unknown> = copy;
    for (let level = 0; ; level++) {
      const keys = Object.keys(node);
      if (keys.length === 0) break;
      const key = keys[(pick + level) % keys.length];
      const child = node[key];
      if (level >= depth || child === null || typeof child !== 'object') {
        node[key] = junk;
        break;
      }
      node = child as Record<string, unknown>;
    }
  }
  return copy;
}

describe('parseConfigText on junk returns stacks or throws InputError, never anything else', () => {
  const opts = { env: { OPENAI_API_KEY: 'x' } };

  test('arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme-ascii', maxLength: 200 })), (text) => {
        onlyInputErrors(() => parseConfigText(text, 'junk.yaml', opts));
      }),
      { numRuns: runs(1000) },
    );
  });

  test('YAML of arbitrary JSON values and arbitrary JavaScript values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything()), (value) => {
        const text = yamlOf(value);
        fc.pre(text !== undefined);
        onlyInputErrors(() => parseConfigText(text as string, 'junk.yaml', opts));
      }),
      { numRuns: runs(1000) },
    );
  });

  test('text with YAML syntax in odd places: anchors, tags, multi-documents, flow collections', () => {
    const token = fc.constantFrom('environment: production\n', 'image: saplings:1.0.0\n', '---\n', '&a ', '*a\n', '!!str ', '!!binary ', '{', '}', '[', ']', ': ', '- ', '? ', '\t', '"', "'", '#', '|\n', '>\n', '<<: *a\n', 'app:\n  ', '%YAML 1.2\n', '...\n');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 30 }).map((parts) => parts.join('')), (text) => {
        onlyInputErrors(() => parseConfigText(text, 'junk.yaml', opts));
      }),
      { numRuns: runs(1000) },
    );
  });

  test('valid configs with values replaced by junk; what still loads also synthesizes or is refused cleanly', () => {
    // Junk of every kind, and plausible values of the wrong kind for where they land.
    const plausible = fc.constantFrom<unknown>(true, false, 0, 1, 3, 101, -1, '', 'x', '1Gi', 'INFO', 'production', 'saplings:1.0.0', null, {}, []);
    const edit = fc.record({
      pick: fc.nat(),
      depth: fc.nat({ max: 4 }),
      junk: fc.oneof({ arbitrary: plausible, weight: 2 }, fc.jsonValue(), fc.anything({ maxDepth: 2 })),
    });
    let loaded = 0;
    fc.assert(
      fc.property(stackInput, fc.array(edit, { minLength: 1, maxLength: 4 }), (input, edits) => {
        const text = yamlOf(mutate(input as Record<string, unknown>, edits));
        fc.pre(text !== undefined);
        const result = onlyInputErrors(() => parseConfigText(text as string, 'mutant.yaml', opts));
        if (result instanceof InputError) {
          expect(result.problems.length).toBeGreaterThan(0);
          for (const p of result.problems) expect(p.message).not.toBe('');
          return;
        }
        loaded++;
        try {
          synthesize(result as StackConfig[], { source: 'mutant.yaml' });
        } catch (err) {
          if (!(err instanceof InputError || err instanceof FindingsError)) throw err;
        }
      }),
      { numRuns: runs(300) },
    );
    // Some mutants replace a value by one of the same kind and still load.
    expect(loaded).toBeGreaterThan(0);
  });

  test.each([
    ['an alias of a value', 'environment: production\nimage: *img\n'],
    ['a merge key', '<<: *base\nenvironment: production\nimage: saplings:1.0.0\n'],
    ['a lone alias', '*a\n'],
  ])('an alias to a missing anchor (%s) is an InputError with line:col', (_what, text) => {
    let thrown: unknown;
    try {
      parseConfigText(text, 'alias.yaml');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).problems[0].position).toStrictEqual({ line: expect.any(Number), column: expect.any(Number) });
  });

  test('the CLI refuses junk files with exit 1 and no stack trace', () => {
    const cwd = tempDir();
    const junk: Array<[string, string | Uint8Array]> = [
      ['strings.yaml', fc.sample(fc.string({ unit: 'binary', minLength: 50, maxLength: 200 }), { numRuns: 1, seed: 7 })[0]],
      ['bytes.yaml', fc.sample(fc.uint8Array({ minLength: 64, maxLength: 256 }), { numRuns: 1, seed: 11 })[0]],
      ['anything.yaml', yamlOf(fc.sample(fc.anything({ maxDepth: 3 }).filter((v) => yamlOf(v) !== undefined), { numRuns: 1, seed: 13 })[0]) ?? '!'],
      ['tokens.yaml', '&a [*a, {: }\n--- !!binary\n? - |\n  :\n%YAML 1.2\n...\n\t"\n'],
      ['json.json', `{"environment": "production", "image": ${JSON.stringify('\u0000'.repeat(3))}, "app": [1, {"port": -1}]}`],
    ];
    for (const [file, content] of junk) {
      fs.writeFileSync(path.join(cwd, file), content);
      const run = runCli(['synth', '--config', file], cwd);
      expect({ file, status: run.status, trace: hasStackTrace(run.stderr), crashed: run.stderr.includes('--debug') }).toStrictEqual({
        file,
        status: 1,
        trace: false,
        crashed: false,
      });
      expect(run.stderr).toMatch(/^\d+ problems?; nothing was written\.$/m);
    }
    expect(fs.existsSync(path.join(cwd, 'dist'))).toBe(false);
  });
});
