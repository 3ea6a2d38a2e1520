import { Finding } from '../../src/checks/findings';
import { validateObjects } from '../../src/checks/k8s-validate';

/*
 * validateObjects reports the API server's field rules (src/conventions/field-rules.ts)
 * with the API server's own message for the same value: the text `kubectl
 * apply` prints after `<field>: `. Sources: k8s.io/apimachinery
 * pkg/util/validation/validation.go and pkg/util/validation/field/errors.go;
 * k8s.io/kubernetes pkg/apis/core/validation and pkg/apis/networking/validation (1.28).
 */

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_NAME =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const ENV_NAME =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

function deployment(): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          volumes: [{ name: 'cache', emptyDir: {} }],
          containers: [
            {
              name: 'web',
              image: 'web:1.2.3',
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [{ name: 'MODE', value: 'x' }],
              envFrom: [{ prefix: 'APP_', configMapRef: { name: 'web-config' } }],
              volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
            },
          ],
        },
      },
    },
  };
}

function ingress(host: string): Record<string, any> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web' },
    spec: {
      tls: [{ hosts: [host], secretName: 'web-tls' }],
      rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
    },
  };
}

function networkPolicy(cidr: string, except?: string[]): Record<string, any> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web' },
    spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: except ? { cidr, except } : { cidr } }] }] },
  };
}

// rule, path and message of each finding, for exact comparison.
function reported(findings: readonly Finding[]): Array<Pick<Finding, 'rule' | 'path' | 'message'>> {
  return findings.map(({ rule, path, message }) => ({ rule, path, message }));
}

describe('validateObjects: the API server field rules', () => {
  test('GIVEN valid objects that carry every field THEN nothing is reported', () => {
    expect(validateObjects([deployment(), ingress('*.example.com'), networkPolicy('10.0.0.0/8', ['10.1.0.0/16'])])).toStrictEqual([]);
  });

  test('GIVEN an Ingress host "Not A Host!" THEN field-hostname on the rule and the TLS host', () => {
    expect(reported(validateObjects([ingress('Not A Host!')]))).toStrictEqual([
      { rule: 'field-hostname', path: 'spec.rules[0].host', message: `Invalid value: "Not A Host!": ${SUBDOMAIN}` },
      { rule: 'field-hostname', path: 'spec.tls[0].hosts[0]', message: `Invalid value: "Not A Host!": ${SUBDOMAIN}` },
    ]);
  });

  test('GIVEN a NetworkPolicy CIDR 10.0.0.0/33 THEN field-cidr', () => {
    expect(reported(validateObjects([networkPolicy('10.0.0.0/33')]))).toStrictEqual([
      { rule: 'field-cidr', path: 'spec.egress[0].to[0].ipBlock.cidr', message: 'Invalid value: "10.0.0.0/33": not a valid CIDR' },
    ]);
  });

  test('GIVEN an except range outside the cidr THEN field-cidr', () => {
    expect(reported(validateObjects([networkPolicy('fd00::/8', ['fe80::/16'])]))).toStrictEqual([
      { rule: 'field-cidr', path: 'spec.egress[0].to[0].ipBlock.except[0]', message: 'Invalid value: "fe80::/16": must be a strict subset of `cidr`' },
    ]);
  });

  test('GIVEN bad label keys and values on metadata, the template and the selector THEN field-label at each', () => {
    const d = deployment();
    d.metadata.labels['example.com/-team'] = 'web';
    d.spec.selector.matchLabels.app = 'the web';
    d.spec.template.metadata.labels.app = 'the web';

    expect(reported(validateObjects([d]))).toStrictEqual([
      { rule: 'field-label', path: 'metadata.labels["example.com/-team"]', message: `Invalid value: "example.com/-team": name part ${QUALIFIED_NAME}` },
      { rule: 'field-label', path: 'spec.selector.matchLabels.app', message: `Invalid value: "the web": ${LABEL_VALUE}` },
      { rule: 'field-label', path: 'spec.template.metadata.labels.app', message: `Invalid value: "the web": ${LABEL_VALUE}` },
    ]);
  });

  test('GIVEN annotations over 256 KiB and a bad annotation key THEN field-annotations-size and field-annotation-key', () => {
    const d = deployment();
    d.metadata.annotations = { big: 'x'.repeat(256 * 1024), 'Bad Key': '' };

    expect(reported(validateObjects([d]))).toStrictEqual([
      { rule: 'field-annotation-key', path: 'metadata.annotations["Bad Key"]', message: `Invalid value: "Bad Key": name part ${QUALIFIED_NAME}` },
      { rule: 'field-annotations-size', path: 'metadata.annotations', message: 'Too long: must have at most 262144 bytes' },
    ]);
  });

  test('GIVEN a container port name of 16 characters THEN field-port-name', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].ports[0].name = 'http-metrics-api';

    expect(reported(validateObjects([d]))).toStrictEqual([
      { rule: 'field-port-name', path: 'spec.template.spec.containers[0].ports[0].name', message: 'Invalid value: "http-metrics-api": must be no more than 15 characters' },
    ]);
  });

  test('GIVEN a Service port name with a dot THEN field-port-name with the DNS-1123 label message, as the API server checks Service ports', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'web.http', port: 80 }] } };

    expect(reported(validateObjects([service]))).toStrictEqual([
      { rule: 'field-port-name', path: 'spec.ports[0].name', message: `Invalid value: "web.http": ${LABEL}` },
    ]);
  });

  test('GIVEN bad container and volume names THEN field-name', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].name = 'Web';
    d.spec.template.spec.volumes[0].name = 'the_cache';
    d.spec.template.spec.containers[0].volumeMounts[0].name = 'the_cache';

    expect(reported(validateObjects([d]))).toStrictEqual([
      { rule: 'field-name', path: 'spec.template.spec.volumes[0].name', message: `Invalid value: "the_cache": ${LABEL}` },
      { rule: 'field-name', path: 'spec.template.spec.containers[0].name', message: `Invalid value: "Web": ${LABEL}` },
    ]);
  });

  test('GIVEN a bad env name and envFrom prefix THEN field-env-name', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].env[0].name = '1MODE';
    d.spec.template.spec.containers[0].envFrom[0].prefix = '2_';

    expect(reported(validateObjects([d]))).toStrictEqual([
      { rule: 'field-env-name', path: 'spec.template.spec.containers[0].env[0].name', message: `Invalid value: "1MODE": ${ENV_NAME}` },
      { rule: 'field-env-name', path: 'spec.template.spec.containers[0].envFrom[0].prefix', message: `Invalid value: "2_": ${ENV_NAME}` },
    ]);
  });

  test('GIVEN a ConfigMap and a Secret over 1 MiB THEN field-data-size: the whole ConfigMap, the Secret data', () => {
    const big = 'x'.repeat(1024 * 1024 + 1);
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { big } };
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { big } };

    expect(reported(validateObjects([configMap, secret]))).toStrictEqual([
      { rule: 'field-data-size', path: '', message: 'Too long: must have at most 1048576 bytes' },
      { rule: 'field-data-size', path: 'data', message: 'Too long: must have at most 1048576 bytes' },
    ]);
  });

  test('GIVEN the same kind, namespace and name twice THEN the later one is a duplicate', () => {
    const findings = validateObjects([deployment(), deployment()]);

    expect(findings).toStrictEqual([
      {
        severity: 'error',
        rule: 'duplicate-name',
        object: 'Deployment/web',
        path: 'metadata.name',
        message: 'another Deployment named "web" comes earlier (document #1); the later one would overwrite it: give each a unique name',
      },
    ]);
  });
});
