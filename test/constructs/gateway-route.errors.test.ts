import { Testing } from 'cdk8s';
import { GatewayRoute, GatewayRouteProps, GatewayWithTls, SaplingsApp, SaplingsValidationError } from '../../src';

// A fresh chart on each call: a constructor that throws has already added its id to the tree.
function route(props: Partial<GatewayRouteProps>) {
  const chart = Testing.chart();
  const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0' });
  return new GatewayRoute(chart, 'Route', { gateway: { name: 'public', namespace: 'gw' }, ...props, app });
}

describe('GatewayRoute errors', () => {
  test('GIVEN a GatewayReference and no host THEN it throws at once, naming the Gateway', () => {
    const create = () => route({});
    expect(create).toThrow(SaplingsValidationError);
    expect(create).toThrow(new Error('[test/Route] host is required with a GatewayReference (gateway "public"); pass the public host name, such as "api.example.com"'));
  });

  test('GIVEN an IP address as the host THEN it throws with the API server rule', () => {
    expect(() => route({ host: '203.0.113.7' })).toThrow(
      new Error(
        '[test/Route] host "203.0.113.7" is not a host name an HTTPRoute accepts (Invalid value: "203.0.113.7": must be a DNS name, not an IP address); ' +
          'use a DNS name such as "api.example.com", optionally with one leading "*."',
      ),
    );
  });

  test('GIVEN policy settings without an implementation THEN it throws, naming them: nothing would enforce them', () => {
    expect(() => route({ host: 'api.example.com', rateLimitRps: 5, metricsAllowCidrs: ['10.0.0.0/8'] })).toThrow(
      new Error(
        "[test/Route] rateLimitRps, metricsAllowCidrs need an implementation's policies (Gateway API has no portable API for them), but implementation is unset; " +
          "set implementation: 'envoy-gateway', or leave them out",
      ),
    );
  });

  test('GIVEN a maxBodySize that is not a size THEN it throws, saying what a size is', () => {
    expect(() => route({ host: 'api.example.com', implementation: 'envoy-gateway', maxBodySize: '10MB' })).toThrow(
      new Error('[test/Route] maxBodySize "10MB" is not a size; use a number of bytes, optionally with k, m or g (KiB, MiB, GiB), such as "10m"'),
    );
  });

  test('GIVEN a GatewayWithTls host that is not a DNS name THEN it throws at once', () => {
    const chart = Testing.chart();
    expect(() => new GatewayWithTls(chart, 'Gateway', { name: 'web', host: 'Not A Host', className: 'eg' })).toThrow(SaplingsValidationError);
  });
});
