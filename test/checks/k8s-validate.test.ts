import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { defaultStacks } from '../../src/config/load';
import { StackConfigSchema } from '../../src/config/schema';
import { Finding } from '../../src/checks/findings';
import { validateObjects } from '../../src/checks/k8s-validate';
import { renderStack } from '../../src/targets/kubernetes/render';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'manifests');

function fixture(name: string): unknown[] {
  return YAML.parseAllDocuments(fs.readFileSync(path.join(FIXTURES, name), 'utf8')).map((d) => d.toJS());
}

function errors(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'error');
}

/** `text` as a regular expression that matches it literally. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The findings without their messages, for exact comparison. */
function located(findings: readonly Finding[]): Array<Omit<Finding, 'message'>> {
  return findings.map(({ message: _message, ...rest }) => rest);
}

/** A small Deployment that Kubernetes 1.28 accepts, to break one field at a time. */
function deployment(): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'web:1.2.3',
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: 8080 }],
              resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } },
            },
          ],
        },
      },
    },
  };
}

describe('rendered stacks', () => {
  test('GIVEN the default stack WHEN validated THEN there are no errors and every object was checked', () => {
    const objects = renderStack(defaultStacks()[0]).objects;

    const findings = validateObjects(objects);

    expect(findings).toStrictEqual([]);
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['Deployment', 'Service', 'Ingress', 'ServiceMonitor']));
  });

  test.each(['pgvector', 'qdrant'] as const)('GIVEN a stack with the %s vector DB WHEN validated THEN there are no errors', (engine) => {
    const config = StackConfigSchema.parse({ environment: 'production', image: 'saplings:1.0.0', vectorDb: { enabled: true, engine } });
    const objects = renderStack(config).objects;

    const findings = validateObjects(objects);

    expect(objects.some((o) => o.kind === 'Deployment' && o.metadata.name.startsWith(engine))).toBe(true);
    expect(findings).toStrictEqual([]);
  });

  test('GIVEN the default stack WHEN one field is broken THEN only that field is reported', () => {
    const objects = structuredClone(renderStack(defaultStacks()[0]).objects) as any[];
    const app = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'saplings-app');
    app.spec.template.spec.containers[0].resources.limits.memory = '2GB';

    const findings = validateObjects(objects, { file: 'saplings.k8s.yaml' });

    expect(located(findings)).toStrictEqual([
      {
        severity: 'error',
        rule: 'invalid-value',
        file: 'saplings.k8s.yaml',
        object: 'Deployment/saplings-app',
        path: 'spec.template.spec.containers[0].resources.limits.memory',
      },
    ]);
  });
});

describe('hand-written manifests', () => {
  test('GIVEN a valid hand-written stack WHEN validated THEN there are no findings', () => {
    expect(validateObjects(fixture('valid-stack.yaml'))).toStrictEqual([]);
  });

  // Each broken fixture yields exactly these errors, each with a message that names the problem and the fix.
  const cases: Array<[file: string, expected: Array<{ rule: string; object: string; path: string; message: RegExp }>]> = [
    [
      'unknown-field-spec.yaml',
      [{ rule: 'unknown-field', object: 'Deployment/web', path: 'spec.replicaz', message: /^unknown field "replicaz": DeploymentSpec has no such field in Kubernetes 1\.28; did you mean "replicas"\?$/ }],
    ],
    [
      'unknown-field-container.yaml',
      [
        {
          rule: 'unknown-field',
          object: 'Deployment/web',
          path: 'spec.template.spec.containers[0].resource',
          message: /^unknown field "resource": Container has no such field in Kubernetes 1\.28; did you mean "resources"\?$/,
        },
      ],
    ],
    [
      'wrong-type-replicas.yaml',
      [{ rule: 'invalid-type', object: 'Deployment/web', path: 'spec.replicas', message: /^must be an integer, got string "three"$/ }],
    ],
    [
      'bad-enum-service-type.yaml',
      [{ rule: 'invalid-value', object: 'Service/web', path: 'spec.type', message: /^must be one of "ClusterIP", "ExternalName", "LoadBalancer", "NodePort", got string "Foo"$/ }],
    ],
    [
      'bad-quantity.yaml',
      [
        {
          rule: 'invalid-value',
          object: 'Deployment/web',
          path: 'spec.template.spec.containers[0].resources.limits.memory',
          message: /^"2GB" is not a valid quantity \(did you mean 2Gi or 2G\?\): .*512Mi/,
        },
      ],
    ],
    [
      'missing-container-name.yaml',
      [{ rule: 'required-field', object: 'Deployment/web', path: 'spec.template.spec.containers[0].name', message: /^missing required field "name" of Container$/ }],
    ],
    [
      'missing-container-image.yaml',
      [{ rule: 'required-field', object: 'Deployment/web', path: 'spec.template.spec.containers[0].image', message: /^a container needs an image/ }],
    ],
    [
      'bad-name.yaml',
      [
        {
          rule: 'invalid-name',
          object: 'ConfigMap/Upper_Case',
          path: 'metadata.name',
          message: /^invalid ConfigMap name: "Upper_Case" is not a valid DNS-1123 subdomain: use lowercase letters, digits, '-' and '\.'/,
        },
      ],
    ],
    [
      'bad-labels.yaml',
      [
        {
          rule: 'field-label',
          object: 'ConfigMap/web-config',
          path: 'metadata.labels["example.com/-team"]',
          // The API server's message (apimachinery IsQualifiedName), word for word.
          message: new RegExp(
            `^${escape(
              `Invalid value: "example.com/-team": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
            )}$`,
          ),
        },
        {
          rule: 'field-label',
          object: 'ConfigMap/web-config',
          path: 'metadata.labels.owner',
          // The API server's message (apimachinery IsValidLabelValue), word for word.
          message: new RegExp(
            `^${escape(
              `Invalid value: "the platform team": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
            )}$`,
          ),
        },
      ],
    ],
    [
      'selector-mismatch.yaml',
      [
        {
          rule: 'selector-mismatch',
          object: 'Deployment/web',
          path: 'spec.template.metadata.labels',
          message: /^the pod template's labels \{app=website\} are not selected by spec\.selector \(matchLabels \{app=web\}\)/,
        },
      ],
    ],
    [
      'duplicate-container-names.yaml',
      [
        {
          rule: 'duplicate-name',
          object: 'Deployment/web',
          path: 'spec.template.spec.containers[0].name',
          message: /^container name "web" is already used by initContainers\[0\]; names must be unique/,
        },
      ],
    ],
    [
      'duplicate-port-names.yaml',
      [
        {
          rule: 'duplicate-name',
          object: 'Deployment/web',
          path: 'spec.template.spec.containers[0].ports[1].name',
          message: /^port name "http" is already used by ports\[0\]; port names must be unique in a container$/,
        },
      ],
    ],
    [
      'volume-mount-without-volume.yaml',
      [
        {
          rule: 'volume-not-found',
          object: 'Deployment/web',
          path: 'spec.template.spec.containers[0].volumeMounts[0].name',
          message: /^no volume named "data" in the pod spec; the pod's volumes are "cache": add it to volumes or fix the name$/,
        },
      ],
    ],
    [
      'non-object.yaml',
      [
        { rule: 'invalid-type', object: 'document #2', path: '', message: /^must be a Kubernetes object \(a mapping with apiVersion, kind and metadata\.name\), got a list$/ },
        { rule: 'required-field', object: 'Object/no-kind', path: 'kind', message: /^missing kind; every object needs apiVersion and kind/ },
      ],
    ],
    [
      'duplicate-objects.yaml',
      [
        {
          rule: 'duplicate-name',
          object: 'ConfigMap/web-config',
          path: 'metadata.name',
          message: /^another ConfigMap named "web-config" in namespace "shop" comes earlier \(document #1\)/,
        },
      ],
    ],
    [
      'custom-resources.yaml',
      [
        {
          rule: 'unknown-field',
          object: 'ExternalSecret/web-secrets',
          path: 'spec.target.creationPolicey',
          message: /^unknown field "creationPolicey": this part of an ExternalSecret has no such field in the CRD; did you mean "creationPolicy"\?$/,
        },
        {
          rule: 'unknown-field',
          object: 'ServiceMonitor/web',
          path: 'spec.endpoints[0].intervall',
          message: /^unknown field "intervall": .*ServiceMonitor has no such field in the CRD; did you mean "interval"\?$/,
        },
      ],
    ],
  ];

  test.each(cases)('GIVEN %s WHEN validated THEN exactly the expected errors are found', (file, expected) => {
    const findings = errors(validateObjects(fixture(file), { file }));

    expect(located(findings)).toStrictEqual(expected.map(({ rule, object, path: p }) => ({ severity: 'error', rule, file, object, path: p })));
    findings.forEach((f, i) => expect(f.message).toMatch(expected[i].message));
  });

  test('GIVEN a custom resource without bindings WHEN validated THEN it is an info finding, not an error', () => {
    const findings = validateObjects(fixture('custom-resources.yaml'));

    expect(findings.filter((f) => f.severity !== 'error')).toStrictEqual([
      {
        severity: 'info',
        rule: 'unknown-kind',
        object: 'Certificate/web-tls',
        path: '',
        message: 'cert-manager.io/v1 Certificate is not a built-in kind of Kubernetes 1.28 (a custom resource?); only its metadata was checked',
      },
    ]);
  });

  test('GIVEN an ExternalSecret with a typo WHEN validated THEN its CRD bindings find the unknown field', () => {
    expect(located(validateObjects(fixture('custom-resources.yaml')).filter((f) => f.object === 'ExternalSecret/web-secrets'))).toStrictEqual([
      { severity: 'error', rule: 'unknown-field', object: 'ExternalSecret/web-secrets', path: 'spec.target.creationPolicey' },
    ]);
  });
});

describe('Kubernetes 1.28 specifics', () => {
  test('GIVEN fields that only later Kubernetes versions have WHEN validated THEN they are unknown fields', () => {
    const d = deployment();
    d.spec.template.spec.resources = { limits: { cpu: '1' } }; // PodSpec.resources: 1.32
    d.spec.template.spec.containers[0].securityContext = { appArmorProfile: { type: 'RuntimeDefault' } }; // 1.30

    expect(located(validateObjects([d]))).toStrictEqual([
      { severity: 'error', rule: 'unknown-field', object: 'Deployment/web', path: 'spec.template.spec.containers[0].securityContext.appArmorProfile' },
      { severity: 'error', rule: 'unknown-field', object: 'Deployment/web', path: 'spec.template.spec.resources' },
    ]);
  });

  test('GIVEN JSON names that differ from the TypeScript names WHEN validated THEN they are accepted', () => {
    const d = deployment();
    d.spec.template.spec.setHostnameAsFQDN = false;
    d.spec.template.spec.hostIPC = false;
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { clusterIP: 'None', selector: { app: 'web' } } };

    expect(validateObjects([d, service])).toStrictEqual([]);
  });

  test.each([
    ['an unknown enum value', (d: any) => (d.spec.template.spec.containers[0].imagePullPolicy = 'Sometimes'), 'spec.template.spec.containers[0].imagePullPolicy', 'invalid-value', /^must be one of "Always", "IfNotPresent", "Never", got string "Sometimes"$/],
    ['a fractional integer', (d: any) => (d.spec.replicas = 1.5), 'spec.replicas', 'invalid-type', /^must be an integer, got number 1\.5$/],
    ['a number for a string', (d: any) => (d.spec.template.spec.containers[0].image = 7), 'spec.template.spec.containers[0].image', 'invalid-type', /^must be a string, got number 7$/],
    ['an object for a list', (d: any) => (d.spec.template.spec.containers = { name: 'web' }), 'spec.template.spec.containers', 'invalid-type', /^must be a list of Container objects, got an object$/],
    ['a boolean for an int-or-string', (d: any) => (d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: true } }), 'spec.strategy.rollingUpdate.maxSurge', 'invalid-type', /^must be an integer or a string, got boolean true$/],
    ['a request above its limit', (d: any) => (d.spec.template.spec.containers[0].resources.requests.memory = '2Gi'), 'spec.template.spec.containers[0].resources.requests.memory', 'invalid-value', /^request 2Gi is more than the limit 1Gi/],
    ['an invalid port name', (d: any) => (d.spec.template.spec.containers[0].ports[0].name = 'HTTP_PORT'), 'spec.template.spec.containers[0].ports[0].name', 'field-port-name', /^Invalid value: "HTTP_PORT": must contain only alpha-numeric characters \(a-z, 0-9\), and hyphens \(-\); must contain at least one letter \(a-z\)$/],
    ['an empty selector', (d: any) => (d.spec.selector = {}), 'spec.selector', 'invalid-value', /^an empty selector is invalid for a Deployment/],
    ['a too long label value in its template', (d: any) => (d.spec.template.metadata.labels.team = 'a'.repeat(64)), 'spec.template.metadata.labels.team', 'field-label', /^Invalid value: "a{64}": must be no more than 63 characters$/],
    ['an invalid namespace', (d: any) => (d.metadata.namespace = 'Shop'), 'metadata.namespace', 'invalid-name', /^invalid namespace: "Shop" is not a valid DNS-1123 label/],
  ])('GIVEN a Deployment with %s WHEN validated THEN it is reported', (_what, mutate, fieldPath, rule, message) => {
    const d = deployment();
    mutate(d);

    const findings = validateObjects([d]);

    expect(located(findings)).toStrictEqual([{ severity: 'error', rule, object: 'Deployment/web', path: fieldPath }]);
    expect(findings[0].message).toMatch(message);
  });

  test('GIVEN names WHEN validated THEN each kind uses its own rule', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web.config' } }, // subdomain: dots are fine
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web.svc' }, spec: { ports: [{ port: 80 }] } }, // label: no dots
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:web' } }, // path segment
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a'.repeat(64) } }, // label: at most 63
    ];

    expect(located(validateObjects(objects))).toStrictEqual([
      { severity: 'error', rule: 'invalid-name', object: 'Service/web.svc', path: 'metadata.name' },
      { severity: 'error', rule: 'invalid-name', object: `Namespace/${'a'.repeat(64)}`, path: 'metadata.name' },
    ]);
  });

  test('GIVEN a Secret with data that is not base64 WHEN validated THEN it is reported', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { TOKEN: 'plain text' } };

    const [finding] = validateObjects([secret]);

    expect(finding).toMatchObject({ rule: 'invalid-value', path: 'data.TOKEN' });
    expect(finding.message).toMatch(/^must be base64-encoded \(use stringData for plain text\)/);
  });

  test('GIVEN kinds of built-in groups that 1.28 does not serve WHEN validated THEN they are errors that name the served version', () => {
    const objects = [
      { apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'a' } },
      { apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'b' } },
    ];

    const findings = validateObjects(objects);

    expect(located(findings)).toStrictEqual([
      { severity: 'error', rule: 'unknown-kind', object: 'Deploymnet/a', path: 'kind' },
      { severity: 'error', rule: 'unknown-kind', object: 'Ingress/b', path: 'kind' },
    ]);
    expect(findings[0].message).toMatch(/did you mean "Deployment"\?/);
    expect(findings[1].message).toMatch(/it is served as networking\.k8s\.io\/v1$/);
  });
});

describe('robustness', () => {
  test('GIVEN any JSON-like input WHEN validated THEN it never throws and every finding is well formed', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.anything(), fc.constant(deployment()))), (objects) => {
        for (const f of validateObjects(objects)) {
          expect(['error', 'warning', 'info']).toContain(f.severity);
          expect(typeof f.object).toBe('string');
          expect(f.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('GIVEN any key that a type does not have WHEN it is added THEN it is an unknown field at that path', () => {
    const known = new Set(['replicas', 'selector', 'template', 'strategy', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds']);
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((k) => !known.has(k) && k !== '__proto__'),
        fc.jsonValue(),
        (key, value) => {
          const d = deployment();
          d.spec[key] = value;

          expect(located(validateObjects([d]))).toStrictEqual([{ severity: 'error', rule: 'unknown-field', object: 'Deployment/web', path: `spec${pathOf(key)}` }]);
        },
      ),
    );
  });

  test('GIVEN a selector with an unknown operator THEN only the operator is reported: the rest of the selector still selects the template', () => {
    const d = deployment();
    d.spec.selector.matchExpressions = [{ key: 'tier', operator: 'Has' }];

    expect(located(validateObjects([d]))).toStrictEqual([
      { severity: 'error', rule: 'invalid-value', object: 'Deployment/web', path: 'spec.selector.matchExpressions[0].operator' },
    ]);
  });

  test('GIVEN a selector value 1 and a template label "1" THEN they differ as the API server parses them: a selector mismatch too', () => {
    const d = deployment();
    d.spec.selector.matchLabels.version = 1;
    d.spec.template.metadata.labels.version = '1';

    expect(located(validateObjects([d])).map((f) => [f.rule, f.path])).toStrictEqual([
      ['invalid-type', 'spec.selector.matchLabels.version'],
      ['selector-mismatch', 'spec.template.metadata.labels'],
    ]);
  });
});

// How a key is rendered in a path (the rule of zod's toDotPath).
function pathOf(key: string): string {
  return /[^\w$]/.test(key) ? `[${JSON.stringify(key)}]` : `.${key}`;
}
