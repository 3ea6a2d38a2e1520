import { Testing } from 'cdk8s';
import { IngressWithTls, SaplingsApp, SaplingsValidationError, validateConstructs } from '../../src';

// The API server's message for an Ingress host (k8s.io/apimachinery IsDNS1123Subdomain, with RegexError).
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

// A fresh chart on each call: a constructor that throws has already added its id to the tree.
function expose(host: string) {
  const chart = Testing.chart();
  const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0' });
  return { chart, web: new IngressWithTls(chart, 'Web', { app, host }) };
}

describe('IngressWithTls errors', () => {
  test('GIVEN a host that is not a DNS name THEN it throws at once, quoting the API server', () => {
    const create = () => expose('Not A Host!');

    expect(create).toThrow(SaplingsValidationError);
    expect(create).toThrow(
      new Error(
        `[test/Web] host "Not A Host!" is not a host name the API server accepts (Invalid value: "Not A Host!": ${SUBDOMAIN}); ` +
          'use a DNS name such as "api.example.com", optionally with one leading "*."',
      ),
    );
  });

  test('GIVEN an IP address as the host THEN it throws: an Ingress rule host must be a DNS name', () => {
    const create = () => expose('203.0.113.7');

    expect(create).toThrow(
      new Error(
        '[test/Web] host "203.0.113.7" is not a host name the API server accepts (Invalid value: "203.0.113.7": must be a DNS name, not an IP address); ' +
          'use a DNS name such as "api.example.com", optionally with one leading "*."',
      ),
    );
  });

  test.each(['*.example.com', 'api.example.com'])('GIVEN host %s THEN it is accepted and validation passes', (host) => {
    const { chart } = expose(host);

    expect(() => validateConstructs(chart)).not.toThrow();
  });

  test('GIVEN an annotation the API server refuses on the Ingress THEN validateConstructs reports it with the API server message', () => {
    const { chart, web } = expose('api.example.com');
    web.ingress.metadata.addAnnotation('Bad Key', 'x');

    expect(() => validateConstructs(chart)).toThrow(SaplingsValidationError);
    expect(() => validateConstructs(chart)).toThrow(
      new Error(
        `[test/Web/Ingress/Resource] Ingress/${web.ingress.name}: metadata.annotations["Bad Key"]: Invalid value: "Bad Key": ` +
          "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
          "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ),
    );
  });
});
