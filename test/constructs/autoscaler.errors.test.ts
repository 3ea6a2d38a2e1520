import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Autoscaler, SaplingsApp, SaplingsValidationError, validateConstructs } from '../../src';

// A SaplingsApp with a fixed `replicas` under an Autoscaler is in saplings-app.errors.test.ts.
describe('Autoscaler errors', () => {
  test('GIVEN minReplicas above maxReplicas THEN the constructor throws naming both props', () => {
    const create = () => {
      const chart = new Chart(new App(), 'test');
      const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0' });
      return new Autoscaler(chart, 'Scale', { target: app, minReplicas: 5, maxReplicas: 2 });
    };
    expect(create).toThrow(SaplingsValidationError);
    expect(create).toThrow(
      new Error("[test/Scale] 'minReplicas' (5) must be less than or equal to 'maxReplicas' (2); raise maxReplicas or lower minReplicas"),
    );
  });

  test('GIVEN a plain Deployment with explicit replicas WHEN an Autoscaler targets it THEN validation fails naming the count', () => {
    const chart = Testing.chart();
    const worker = new kplus.Deployment(chart, 'Worker', { replicas: 2, containers: [{ image: 'saplings-worker:1.0.0' }] });
    new Autoscaler(chart, 'Scale', { target: worker });
    expect(() => validateConstructs(chart)).toThrow(SaplingsValidationError);
    expect(() => validateConstructs(chart)).toThrow(
      new Error('[test/Scale/Hpa] HorizontalPodAutoscaler target cannot have a fixed number of replicas (2).'),
    );
  });
});
