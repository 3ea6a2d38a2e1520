import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Autoscaler, AutoscalerProps, SaplingsApp } from '../../src';
import { Manifest, onlyOfKind } from '../helpers/objects';

/** Synthesizes a default SaplingsApp scaled by an Autoscaler with `props`. */
function synthScaledApp(props: Partial<AutoscalerProps> = {}): Manifest[] {
  const chart = Testing.chart();
  const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0' });
  new Autoscaler(chart, 'Scale', { target: app, ...props });
  return Testing.synth(chart);
}

describe('Autoscaler', () => {
  test('defaults', () => {
    const chart = Testing.chart();
    const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0' });
    new Autoscaler(chart, 'Scale', { target: app });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  describe('GIVEN a SaplingsApp and no other props', () => {
    const manifests = synthScaledApp();
    const hpa = onlyOfKind(manifests, 'HorizontalPodAutoscaler');

    test('THEN it is the guide\'s autoscaling/v2 saplings-hpa on Deployment saplings-app', () => {
      expect(hpa).toMatchObject({ apiVersion: 'autoscaling/v2', metadata: { name: 'saplings-hpa' } });
      expect(hpa.spec.scaleTargetRef).toStrictEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'saplings-app' });
    });

    test('THEN it scales between 3 and 20 replicas', () => {
      expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 20 });
    });

    test('THEN it holds CPU at 70% and memory at 80% utilization', () => {
      expect(hpa.spec.metrics).toStrictEqual([
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      ]);
    });

    test('THEN it scales down by at most 10% per minute after 5 minutes, and up by 50% per minute after 1', () => {
      expect(hpa.spec.behavior).toMatchObject({
        scaleDown: { stabilizationWindowSeconds: 300 },
        scaleUp: { stabilizationWindowSeconds: 60 },
      });
      expect(hpa.spec.behavior.scaleDown.policies).toStrictEqual([{ type: 'Percent', value: 10, periodSeconds: 60 }]);
      expect(hpa.spec.behavior.scaleUp.policies).toStrictEqual([{ type: 'Percent', value: 50, periodSeconds: 60 }]);
    });

    test('THEN the target Deployment leaves replicas to the HPA', () => {
      // A fixed count would reset the HPA's choice on every `kubectl apply`.
      expect(onlyOfKind(manifests, 'Deployment').spec).not.toHaveProperty('replicas');
    });

    test('THEN the HPA carries the app label', () => {
      expect(hpa.metadata.labels).toStrictEqual({ app: 'saplings' });
    });
  });

  test('GIVEN the Autoscaler is created THEN minReplicas and maxReplicas are public', () => {
    const chart = Testing.chart();
    const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0' });
    const scaler = new Autoscaler(chart, 'Scale', { target: app, minReplicas: 4 });
    expect([scaler.minReplicas, scaler.maxReplicas]).toStrictEqual([4, 20]);
  });

  test('GIVEN limits, targets and behavior THEN the HPA uses them', () => {
    const hpa = onlyOfKind(
      synthScaledApp({
        minReplicas: 2,
        maxReplicas: 6,
        targetCPUUtilization: 60,
        targetMemoryUtilization: 75,
        scaleUp: { stabilizationWindowSeconds: 0, percent: 100, periodSeconds: 15 },
        scaleDown: { stabilizationWindowSeconds: 600, percent: 5, periodSeconds: 120 },
        name: 'agents-autoscaler',
      }),
      'HorizontalPodAutoscaler',
    );
    expect(hpa.metadata.name).toBe('agents-autoscaler');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
    expect(hpa.spec.metrics.map((m: Manifest) => m.resource.target.averageUtilization)).toStrictEqual([60, 75]);
    expect(hpa.spec.behavior).toMatchObject({
      scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: 'Percent', value: 5, periodSeconds: 120 }] },
    });
  });

  test('GIVEN a SaplingsApp with a custom name THEN the HPA is <name>-hpa on <name>-app', () => {
    const chart = Testing.chart();
    const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', name: 'agents' });
    new Autoscaler(chart, 'Scale', { target: app });
    const hpa = onlyOfKind(Testing.synth(chart), 'HorizontalPodAutoscaler');
    expect(hpa.metadata.name).toBe('agents-hpa');
    expect(hpa.spec.scaleTargetRef.name).toBe('agents-app');
  });

  describe('GIVEN a plain cdk8s-plus Deployment', () => {
    const chart = Testing.chart();
    const worker = new kplus.Deployment(chart, 'Worker', {
      metadata: { name: 'worker' },
      containers: [{ image: 'saplings-worker:1.0.0' }],
    });
    new Autoscaler(chart, 'Scale', { target: worker });
    const manifests = Testing.synth(chart);
    const hpa = onlyOfKind(manifests, 'HorizontalPodAutoscaler');

    test('THEN the HPA is <deployment>-hpa and targets that Deployment', () => {
      expect(hpa.metadata.name).toBe('worker-hpa');
      expect(hpa.spec.scaleTargetRef).toStrictEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'worker' });
      expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 20 });
    });

    test('THEN the Deployment leaves replicas to the HPA', () => {
      expect(onlyOfKind(manifests, 'Deployment').spec).not.toHaveProperty('replicas');
    });
  });
});
