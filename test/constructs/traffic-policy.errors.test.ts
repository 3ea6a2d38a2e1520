import { App, Chart } from 'cdk8s';
import { SaplingsValidationError, TrafficPolicy, TrafficPeer, validateConstructs } from '../../src';

describe('TrafficPolicy errors', () => {
  test.each(['allowFrom', 'allowTo'] as const)('GIVEN %s with no ports THEN it throws, since a NetworkPolicy reads that as every port', (method) => {
    const policy = new TrafficPolicy(new Chart(new App(), 'test'), 'Traffic', { name: 'worker', podLabels: { app: 'worker' } });
    const allow = () => policy[method]({ podLabels: { app: 'client' } }, []);
    expect(allow).toThrow(SaplingsValidationError);
    expect(allow).toThrow(
      new Error(`[test/Traffic] ${method}() got no ports, which a NetworkPolicy reads as every port; list the ports to allow`),
    );
  });

  function policy(): TrafficPolicy {
    return new TrafficPolicy(new Chart(new App(), 'test'), 'Traffic', { name: 'worker', podLabels: { app: 'worker' } });
  }

  test.each([
    [{ cidr: '10.0.0.0/8', namespace: 'monitoring' }, 'namespace "monitoring"', 'namespace'],
    [{ cidr: '10.0.0.0/8', podLabels: { app: 'db' } }, 'podLabels {"app":"db"}', 'podLabels'],
  ] as Array<[TrafficPeer, string, string]>)('GIVEN allowTo(%j) THEN it throws naming both props: a peer is a range or pods, never both', (peer, shown, prop) => {
    const allow = () => policy().allowTo(peer, [{ port: 443 }]);

    expect(allow).toThrow(SaplingsValidationError);
    expect(allow).toThrow(
      new Error(
        `[test/Traffic] allowTo() got both cidr "10.0.0.0/8" and ${shown}, but a peer is either an IP range or pods: call allowTo() once with cidr and once with ${prop}`,
      ),
    );
  });

  test('GIVEN a CIDR with a prefix longer than 32 THEN it throws at once, quoting the API server', () => {
    const allow = () => policy().allowTo({ cidr: '10.0.0.0/33' }, [{ port: 443 }]);

    expect(allow).toThrow(SaplingsValidationError);
    expect(allow).toThrow(
      new Error(
        '[test/Traffic] allowTo() got cidr "10.0.0.0/33", which the API server refuses (Invalid value: "10.0.0.0/33": not a valid CIDR); use an IPv4 or IPv6 range such as "10.0.0.0/8"',
      ),
    );
  });

  test('GIVEN an except range outside the cidr THEN it throws, quoting the API server', () => {
    const allow = () => policy().allowFrom({ cidr: '10.0.0.0/8', except: ['192.168.0.0/16'] }, [{ port: 443 }]);

    expect(allow).toThrow(
      new Error(
        '[test/Traffic] allowFrom() got except "192.168.0.0/16", which the API server refuses (Invalid value: "192.168.0.0/16": must be a strict subset of `cidr`); each except range must lie strictly inside cidr "10.0.0.0/8"',
      ),
    );
  });

  test('GIVEN except without cidr THEN it throws: it would be dropped', () => {
    const allow = () => policy().allowTo({ namespace: 'db', except: ['10.0.0.0/8'] }, [{ port: 5432 }]);

    expect(allow).toThrow(new Error('[test/Traffic] allowTo() got except ["10.0.0.0/8"] without cidr; except only carves ranges out of a cidr peer'));
  });

  test.each(['10.0.0.0/8', '2001:db8::/32'])('GIVEN cidr %s THEN the peer is accepted', (cidr) => {
    const traffic = policy();
    traffic.allowTo({ cidr }, [{ port: 443 }]);

    expect(traffic.egressPolicy?.rules).toStrictEqual([{ peer: { cidr }, ports: [{ port: 443 }] }]);
  });

  test('GIVEN a namespace the API server refuses as a label value THEN validateConstructs reports it with the API server message, and app.synth() fails too', () => {
    const app = new App();
    const traffic = new TrafficPolicy(new Chart(app, 'test'), 'Traffic', { name: 'worker', podLabels: { app: 'worker' } });
    traffic.allowTo({ namespace: 'Data Stores' }, [{ port: 5432 }]);

    const message =
      '[test/Traffic/Egress] NetworkPolicy/worker-netpol-egress: spec.egress[0].to[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]: ' +
      `Invalid value: "Data Stores": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`;
    expect(() => validateConstructs(app)).toThrow(SaplingsValidationError);
    expect(() => validateConstructs(app)).toThrow(new Error(message));
    expect(() => app.synth()).toThrow(/Invalid value: "Data Stores": a valid label must be an empty string/);
  });
});
