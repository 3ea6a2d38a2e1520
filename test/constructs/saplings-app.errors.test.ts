import { Testing } from 'cdk8s';
import { Autoscaler, SaplingsApp } from '../../src';

describe('SaplingsApp errors', () => {
  // SaplingsApp keeps an explicit `replicas` even under an HPA, so the conflict is
  // reported rather than one of the two settings being silently dropped.
  test('GIVEN an explicit replicas on the SaplingsApp WHEN an Autoscaler targets it THEN synthesis fails naming the count', () => {
    const chart = Testing.chart();
    const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', replicas: 5 });
    new Autoscaler(chart, 'Scale', { target: app });
    expect(() => Testing.synth(chart)).toThrow(
      new Error(
        'Validation failed with the following errors:\n' +
          '  [test/Scale/Hpa] HorizontalPodAutoscaler target cannot have a fixed number of replicas (5).',
      ),
    );
  });

  test('GIVEN no replicas WHEN an Autoscaler targets the app THEN synthesis succeeds', () => {
    const chart = Testing.chart();
    const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0' });
    new Autoscaler(chart, 'Scale', { target: app });
    expect(() => Testing.synth(chart)).not.toThrow();
  });
});
