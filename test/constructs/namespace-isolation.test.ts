import { ApiObject, Chart, Testing } from 'cdk8s';
import { NamespaceIsolation, NamespaceIsolationProps } from '../../src/constructs/namespace-isolation';

// Synthesized manifests are plain JSON; `any` keeps the assertions short.
type Manifest = Record<string, any>;

/** The NetworkPolicy named `name`; fails the test if there is none. */
function policyNamed(manifests: Manifest[], name: string): Manifest {
  const found = manifests.filter((m) => m.kind === 'NetworkPolicy' && m.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

function synthIsolation(props?: NamespaceIsolationProps): { isolation: NamespaceIsolation; manifests: Manifest[] } {
  const chart = Testing.chart();
  const isolation = new NamespaceIsolation(chart, 'Isolation', props);
  return { isolation, manifests: Testing.synth(chart) };
}

describe('NamespaceIsolation', () => {
  test('defaults', () => {
    expect(synthIsolation().manifests).toMatchSnapshot();
  });

  describe('GIVEN no props', () => {
    const { isolation, manifests } = synthIsolation();

    test('THEN it creates default-deny and allow-dns and nothing else', () => {
      expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toStrictEqual([
        'NetworkPolicy/default-deny',
        'NetworkPolicy/allow-dns',
      ]);
    });

    test('THEN default-deny selects every pod for ingress and egress and allows nothing', () => {
      // No ingress or egress list at all: an empty rule ({}) would allow everything instead.
      expect(policyNamed(manifests, 'default-deny')).toStrictEqual({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'default-deny' },
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      });
    });

    test('THEN allow-dns lets every pod reach kube-dns in kube-system and the node resolvers on 53 UDP and TCP, and nothing else', () => {
      expect(policyNamed(manifests, 'allow-dns').spec).toStrictEqual({
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [
              { port: 53, protocol: 'UDP' },
              { port: 53, protocol: 'TCP' },
            ],
          },
          // NodeLocal DNSCache and GKE's metadata server answer DNS but are not pods: port 53 only, so the metadata API stays closed.
          { to: [{ ipBlock: { cidr: '169.254.20.10/32' } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
          { to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
        ],
      });
    });

    test('THEN defaultDeny and allowDns are the synthesized objects', () => {
      expect(ApiObject.of(isolation.defaultDeny).toJson()).toStrictEqual(policyNamed(manifests, 'default-deny'));
      expect(isolation.allowDns?.toJson()).toStrictEqual(policyNamed(manifests, 'allow-dns'));
    });
  });

  test('GIVEN allowDns true THEN allow-dns is created', () => {
    expect(synthIsolation({ allowDns: true }).manifests.map((m) => m.metadata.name)).toStrictEqual(['default-deny', 'allow-dns']);
  });

  test('GIVEN allowDns false THEN only default-deny is created', () => {
    const { isolation, manifests } = synthIsolation({ allowDns: false });
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toStrictEqual(['NetworkPolicy/default-deny']);
    expect(isolation.allowDns).toBeUndefined();
  });

  test('GIVEN a chart namespace THEN both policies are in it', () => {
    const namespaced = new Chart(Testing.app(), 'team-a', { namespace: 'team-a' });
    new NamespaceIsolation(namespaced, 'Isolation');
    const manifests: Manifest[] = Testing.synth(namespaced);
    expect(manifests.map((m) => m.metadata.namespace)).toStrictEqual(['team-a', 'team-a']);
  });
});
