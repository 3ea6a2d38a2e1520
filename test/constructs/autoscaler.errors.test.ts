import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Autoscaler, SaplingsApp } from '../../src';

// A SaplingsApp with a fixed `replicas` under an Autoscaler is in saplings-app.errors.test.ts.
describe('Autoscaler errors', () => {
  test('GIVEN minReplicas above maxReplicas THEN the constructor throws', () => {
    const chart = Testing.chart();
    const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0' });
    expect(() => new Autoscaler(chart, 'Scale', { target: app, minReplicas: 5, maxReplicas: 2 })).toThrow(
      new Error("'minReplicas' (5) must be less than or equal to 'maxReplicas' (2) in order for HorizontalPodAutoscaler to scale."),
    );
  });

  test('GIVEN a plain Deployment with explicit replicas WHEN an Autoscaler targets it THEN synthesis fails naming the count', () => {
    const chart = Testing.chart();
    const worker = new kplus.Deployment(chart, 'Worker', { replicas: 2, containers: [{ image: 'saplings-worker:1.0.0' }] });
    new Autoscaler(chart, 'Scale', { target: worker });
    expect(() => Testing.synth(chart)).toThrow(
      new Error(
        'Validation failed with the following errors:\n' +
          '  [test/Scale/Hpa] HorizontalPodAutoscaler target cannot have a fixed number of replicas (2).',
      ),
    );
  });
});
