import { App, Chart } from 'cdk8s';
import { SaplingsValidationError, TrafficPolicy } from '../../src';

describe('TrafficPolicy errors', () => {
  test.each(['allowFrom', 'allowTo'] as const)('GIVEN %s with no ports THEN it throws, since a NetworkPolicy reads that as every port', (method) => {
    const policy = new TrafficPolicy(new Chart(new App(), 'test'), 'Traffic', { name: 'worker', podLabels: { app: 'worker' } });
    const allow = () => policy[method]({ podLabels: { app: 'client' } }, []);
    expect(allow).toThrow(SaplingsValidationError);
    expect(allow).toThrow(
      new Error(`[test/Traffic] ${method}() got no ports, which a NetworkPolicy reads as every port; list the ports to allow`),
    );
  });
});
