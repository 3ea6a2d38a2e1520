import { checkPolicy } from '../../src/checks/policy';
import { podTemplateLocation, workloadTemplateLocation } from '../../src/checks/pod-templates';

describe('pod template locations', () => {
  test('the API validator finds a template by API group and kind, a PodTemplate included', () => {
    expect(podTemplateLocation('apps', 'Deployment')?.path).toStrictEqual(['spec', 'template']);
    expect(podTemplateLocation('batch', 'CronJob')?.path).toStrictEqual(['spec', 'jobTemplate', 'spec', 'template']);
    expect(podTemplateLocation('', 'PodTemplate')?.path).toStrictEqual(['template']);
    expect(podTemplateLocation('', 'Deployment')).toBeUndefined();
    expect(podTemplateLocation('example.com', 'Deployment')).toBeUndefined();
  });

  test('the policy finds a template by kind alone, only for kinds that run pods, and knows which run until replaced', () => {
    expect(workloadTemplateLocation('Deployment')).toMatchObject({ path: ['spec', 'template'], longRunning: true });
    expect(workloadTemplateLocation('ReplicationController')).toMatchObject({ path: ['spec', 'template'], longRunning: true });
    expect(workloadTemplateLocation('Job')).toMatchObject({ path: ['spec', 'template'], longRunning: false });
    expect(workloadTemplateLocation('PodTemplate')).toBeUndefined();
  });

  test.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('kind %p is no workload, and the policy does not throw on it', (kind) => {
    expect(workloadTemplateLocation(kind)).toBeUndefined();
    expect(podTemplateLocation('apps', kind)).toBeUndefined();
    expect(() => checkPolicy([{ apiVersion: 'v1', kind, metadata: { name: 'x' }, spec: { template: { spec: {} } } }])).not.toThrow();
  });
});
