import {
  annotationKeyError,
  annotationsSizeError,
  cidrError,
  dataSizeError,
  dnsLabelError,
  envVarNameError,
  fieldRuleViolations,
  hostnameError,
  ipBlockExceptError,
  labelKeyError,
  labelValueError,
  portNameError,
} from '../../src/conventions/field-rules';

/*
 * Each expected message is what the Kubernetes 1.28 API server prints after
 * the field path for the same value (`kubectl apply` shows
 * `<field>: Invalid value: "<value>": <detail>`). The details are built by
 * k8s.io/apimachinery/pkg/util/validation/validation.go (IsDNS1123Label,
 * IsDNS1123Subdomain, IsWildcardDNS1123Subdomain, IsQualifiedName,
 * IsValidLabelValue, IsValidPortName, IsEnvVarName, with RegexError and
 * MaxLenError), by field.TooLong in .../validation/field/errors.go, and by
 * pkg/apis/networking/validation (Ingress hosts, ValidateIPBlock).
 */

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_NAME =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const ENV_NAME =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

describe('hostnames (Ingress rules and TLS hosts)', () => {
  test.each(['example.com', 'api.saplings.example.com', '*.example.com', 'localhost'])('GIVEN %s THEN it is accepted', (host) => {
    expect(hostnameError(host)).toBeUndefined();
    expect(hostnameError(host, 'tls')).toBeUndefined();
  });

  test('GIVEN "Not A Host!" THEN the API server message for a subdomain', () => {
    expect(hostnameError('Not A Host!')).toBe(`Invalid value: "Not A Host!": ${SUBDOMAIN}`);
  });

  test('GIVEN a wildcard that is not only a leading "*." THEN the API server message for a wildcard subdomain', () => {
    expect(hostnameError('*.*.example.com')).toBe(
      `Invalid value: "*.*.example.com": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
  });

  test('GIVEN an IP address as a rule host THEN it is refused as the API server does, but not as a TLS host', () => {
    expect(hostnameError('10.0.0.1')).toBe('Invalid value: "10.0.0.1": must be a DNS name, not an IP address');
    expect(hostnameError('10.0.0.1', 'tls')).toBeUndefined();
  });

  test('GIVEN a host longer than 253 characters THEN MaxLenError', () => {
    const host = `${'a'.repeat(63)}.`.repeat(4) + 'com';
    expect(hostnameError(host)).toBe(`Invalid value: ${JSON.stringify(host)}: must be no more than 253 characters`);
  });
});

describe('CIDRs (NetworkPolicy ipBlock)', () => {
  test.each(['10.0.0.0/8', '0.0.0.0/0', '192.168.1.0/32', '10.1.2.3/8', '::/0', '2001:db8::/32', 'fd00::1/128', '::ffff:10.0.0.0/104'])(
    'GIVEN %s THEN it is accepted',
    (cidr) => expect(cidrError(cidr)).toBeUndefined(),
  );

  test.each(['10.0.0.0/33', '2001:db8::/129', '10.0.0.0', '10.0.0.256/8', '10.0.0/8', 'fd00:::1/64', '1:2:3:4:5:6:7:8:9/64', 'example.com/8', '10.0.0.0/-1'])(
    'GIVEN %s THEN "not a valid CIDR", as ValidateIPBlock says',
    (cidr) => expect(cidrError(cidr)).toBe(`Invalid value: ${JSON.stringify(cidr)}: not a valid CIDR`),
  );

  test('GIVEN except ranges THEN each must be a strict subset of cidr, in the API server words', () => {
    expect(ipBlockExceptError('10.0.0.0/8', '10.1.0.0/16')).toBeUndefined();
    expect(ipBlockExceptError('2001:db8::/32', '2001:db8:1::/48')).toBeUndefined();
    expect(ipBlockExceptError('10.0.0.0/8', '10.0.0.0/8')).toBe('Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`');
    expect(ipBlockExceptError('10.0.0.0/8', '11.0.0.0/16')).toBe('Invalid value: "11.0.0.0/16": must be a strict subset of `cidr`');
    expect(ipBlockExceptError('10.0.0.0/8', '10.0.0.0/40')).toBe('Invalid value: "10.0.0.0/40": not a valid CIDR');
  });
});

describe('label keys and values', () => {
  test.each(['app', 'app.kubernetes.io/name', 'Example_Key.1', `example.com/${'a'.repeat(63)}`])('GIVEN key %s THEN it is accepted', (key) => {
    expect(labelKeyError(key)).toBeUndefined();
  });

  test('GIVEN a key with a bad name part THEN IsQualifiedName', () => {
    expect(labelKeyError('example.com/-team')).toBe(`Invalid value: "example.com/-team": name part ${QUALIFIED_NAME}`);
  });

  test('GIVEN a key with a bad prefix THEN "prefix part" and the subdomain message', () => {
    expect(labelKeyError('Example.com/team')).toBe(`Invalid value: "Example.com/team": prefix part ${SUBDOMAIN}`);
  });

  test('GIVEN a key with two slashes THEN the qualified-name message', () => {
    expect(labelKeyError('a/b/c')).toBe(
      `Invalid value: "a/b/c": a qualified name ${QUALIFIED_NAME} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    );
  });

  test('GIVEN a key with an empty prefix or name THEN "must be non-empty", with the regex for an empty name', () => {
    expect(labelKeyError('/team')).toBe('Invalid value: "/team": prefix part must be non-empty');
    expect(labelKeyError('example.com/')).toBe(`Invalid value: "example.com/": name part must be non-empty; name part ${QUALIFIED_NAME}`);
  });

  test('GIVEN a key name of 64 characters THEN MaxLenError', () => {
    const key = `example.com/${'a'.repeat(64)}`;
    expect(labelKeyError(key)).toBe(`Invalid value: "${key}": name part must be no more than 63 characters`);
  });

  test.each(['', 'web', 'v1.2.3', 'My_Value', 'a'.repeat(63)])('GIVEN value %j THEN it is accepted', (value) => {
    expect(labelValueError(value)).toBeUndefined();
  });

  test('GIVEN a value with spaces THEN IsValidLabelValue', () => {
    expect(labelValueError('the platform team')).toBe(
      `Invalid value: "the platform team": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    );
  });

  test('GIVEN a value of 64 characters THEN MaxLenError', () => {
    expect(labelValueError('a'.repeat(64))).toBe(`Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`);
  });
});

describe('annotations', () => {
  test('GIVEN an annotation key in upper case THEN it is accepted: the API server lower-cases it first', () => {
    expect(annotationKeyError('Example.COM/Owner')).toBeUndefined();
  });

  test('GIVEN an annotation key with a space THEN IsQualifiedName, quoting the key as written', () => {
    expect(annotationKeyError('Bad Key')).toBe(`Invalid value: "Bad Key": name part ${QUALIFIED_NAME}`);
  });

  test('GIVEN annotations of exactly 256 KiB THEN they fit; one byte more THEN field.TooLong', () => {
    const fits = { k: 'v'.repeat(256 * 1024 - 1) };
    expect(annotationsSizeError(fits)).toBeUndefined();
    expect(annotationsSizeError({ ...fits, x: '' })).toBe('Too long: must have at most 262144 bytes');
  });

  test('GIVEN non-ASCII values THEN they count in UTF-8 bytes, as Go len() does', () => {
    // "é" is 2 bytes: 131,072 of them are 262,144 bytes, plus the key's byte.
    expect(annotationsSizeError({ k: 'é'.repeat(128 * 1024) })).toBe('Too long: must have at most 262144 bytes');
  });
});

describe('port names', () => {
  test.each(['http', 'metrics', 'h2c', 'a-b-c', 'abcdefghijklmno'])('GIVEN %s THEN it is accepted', (name) => {
    expect(portNameError(name)).toBeUndefined();
  });

  test.each([
    ['abcdefghijklmnop', ['must be no more than 15 characters']],
    ['HTTP', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']],
    ['8080', ['must contain at least one letter (a-z)']],
    ['a--b', ['must not contain consecutive hyphens']],
    ['-http', ['must not begin or end with a hyphen']],
    ['http_port', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']],
  ])('GIVEN %s THEN IsValidPortName says %j', (name, details) => {
    expect(portNameError(name)).toBe(`Invalid value: "${name}": ${details.join('; ')}`);
  });
});

describe('container, volume and Service port names (DNS-1123 label)', () => {
  test.each(['web', 'redis-0', '0abc'])('GIVEN %s THEN it is accepted', (name) => expect(dnsLabelError(name)).toBeUndefined());

  test('GIVEN a name with a dot THEN IsDNS1123Label', () => {
    expect(dnsLabelError('web.app')).toBe(`Invalid value: "web.app": ${LABEL}`);
  });

  test('GIVEN a name of 64 characters THEN MaxLenError', () => {
    expect(dnsLabelError('a'.repeat(64))).toBe(`Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`);
  });
});

describe('env var names and envFrom prefixes', () => {
  test.each(['PATH', 'my.env-name', '_X', 'MyEnvName1', '-dash'])('GIVEN %s THEN it is accepted', (name) => {
    expect(envVarNameError(name)).toBeUndefined();
  });

  test('GIVEN a name starting with a digit THEN IsEnvVarName', () => {
    expect(envVarNameError('1PASSWORD')).toBe(`Invalid value: "1PASSWORD": ${ENV_NAME}`);
  });

  test("GIVEN '..' and a name starting with '..' THEN the chdir rules", () => {
    expect(envVarNameError('..')).toBe('Invalid value: "..": must not be \'..\'');
    expect(envVarNameError('..X')).toBe('Invalid value: "..X": must not start with \'..\'');
  });
});

describe('ConfigMap and Secret data size', () => {
  const MiB = 1024 * 1024;

  test('GIVEN a ConfigMap of exactly 1 MiB THEN it fits; one byte more THEN field.TooLong', () => {
    expect(dataSizeError('ConfigMap', { data: { a: 'x'.repeat(MiB) } })).toBeUndefined();
    expect(dataSizeError('ConfigMap', { data: { a: 'x'.repeat(MiB) }, binaryData: { b: 'eA==' } })).toBe('Too long: must have at most 1048576 bytes');
  });

  test('GIVEN a Secret THEN data counts decoded, and stringData replaces data of the same key', () => {
    const base64Of = (bytes: number) => Buffer.alloc(bytes, 'x').toString('base64');
    expect(dataSizeError('Secret', { data: { a: base64Of(MiB) } })).toBeUndefined();
    expect(dataSizeError('Secret', { data: { a: base64Of(MiB), b: base64Of(1) } })).toBe('Too long: must have at most 1048576 bytes');
    expect(dataSizeError('Secret', { data: { a: base64Of(MiB) }, stringData: { a: 'short', b: 'y' } })).toBeUndefined();
    expect(dataSizeError('Secret', { data: { a: base64Of(MiB) }, stringData: { b: 'y' } })).toBe('Too long: must have at most 1048576 bytes');
  });
});

describe('fieldRuleViolations', () => {
  test('GIVEN a Deployment with one bad value in each place THEN each is found at its path', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { 'bad key': 'web' }, annotations: { 'Bad Key': 'x' } },
      spec: {
        selector: { matchLabels: { app: 'has space' } },
        template: {
          metadata: { labels: { app: 'has space' } },
          spec: {
            volumes: [{ name: 'Data', emptyDir: {} }],
            containers: [
              {
                name: 'web_1',
                image: 'web:1',
                ports: [{ name: 'HTTP', containerPort: 80 }],
                env: [{ name: '1X', value: '' }],
                envFrom: [{ prefix: '9_', configMapRef: { name: 'c' } }],
              },
            ],
          },
        },
      },
    };

    expect(fieldRuleViolations(deployment).map(({ rule, path }) => ({ rule, path }))).toStrictEqual([
      { rule: 'field-label', path: ['metadata', 'labels', 'bad key'] },
      { rule: 'field-annotation-key', path: ['metadata', 'annotations', 'Bad Key'] },
      { rule: 'field-label', path: ['spec', 'template', 'metadata', 'labels', 'app'] },
      { rule: 'field-label', path: ['spec', 'selector', 'matchLabels', 'app'] },
      { rule: 'field-name', path: ['spec', 'template', 'spec', 'volumes', 0, 'name'] },
      { rule: 'field-name', path: ['spec', 'template', 'spec', 'containers', 0, 'name'] },
      { rule: 'field-port-name', path: ['spec', 'template', 'spec', 'containers', 0, 'ports', 0, 'name'] },
      { rule: 'field-env-name', path: ['spec', 'template', 'spec', 'containers', 0, 'env', 0, 'name'] },
      { rule: 'field-env-name', path: ['spec', 'template', 'spec', 'containers', 0, 'envFrom', 0, 'prefix'] },
    ]);
  });

  test('GIVEN a Service, an Ingress and a NetworkPolicy with bad values THEN each is found', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'a b' }, ports: [{ name: 'Web', port: 80 }] } },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'i' },
        spec: { rules: [{ host: 'Not A Host!' }], tls: [{ hosts: ['ok.example.com', 'bad_host'] }] },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'n' },
        spec: {
          podSelector: { matchLabels: { app: 'a b' } },
          egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/33' } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }] }],
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': '-x' } } }] }],
        },
      },
    ];

    expect(objects.flatMap((o) => fieldRuleViolations(o)).map(({ rule, path }) => ({ rule, path }))).toStrictEqual([
      { rule: 'field-label', path: ['spec', 'selector', 'app'] },
      { rule: 'field-port-name', path: ['spec', 'ports', 0, 'name'] },
      { rule: 'field-hostname', path: ['spec', 'rules', 0, 'host'] },
      { rule: 'field-hostname', path: ['spec', 'tls', 0, 'hosts', 1] },
      { rule: 'field-label', path: ['spec', 'podSelector', 'matchLabels', 'app'] },
      { rule: 'field-label', path: ['spec', 'ingress', 0, 'from', 0, 'namespaceSelector', 'matchLabels', 'kubernetes.io/metadata.name'] },
      { rule: 'field-cidr', path: ['spec', 'egress', 0, 'to', 0, 'ipBlock', 'cidr'] },
      { rule: 'field-cidr', path: ['spec', 'egress', 0, 'to', 1, 'ipBlock', 'except', 0] },
    ]);
  });

  test('GIVEN a Service port name of 16 characters THEN it is accepted: the API server checks Service port names as DNS-1123 labels', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ name: 'abcdefghijklmnop', port: 80 }] } };
    expect(fieldRuleViolations(service)).toStrictEqual([]);
  });

  test('GIVEN values of the wrong shape THEN nothing is found and nothing throws: the shape is another check', () => {
    const odd = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { labels: [1] }, spec: { template: { spec: { containers: 'x' } } } };
    expect(fieldRuleViolations(odd)).toStrictEqual([]);
    expect(fieldRuleViolations(null)).toStrictEqual([]);
    expect(fieldRuleViolations([])).toStrictEqual([]);
  });
});
