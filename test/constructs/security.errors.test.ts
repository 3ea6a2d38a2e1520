import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { SaplingsValidationError } from '../../src';
import { mountScratch } from '../../src/constructs/security';

describe('mountScratch errors', () => {
  test('GIVEN two paths that map to one volume name THEN it refuses them, naming both and the name', () => {
    const mount = () => {
      const chart = new Chart(new App(), 'test');
      const deployment = new kplus.Deployment(chart, 'Worker', { containers: [{ image: 'worker:1.0.0' }] });
      mountScratch(chart, deployment.containers[0], ['/a/b', '/a-b']);
    };
    expect(mount).toThrow(SaplingsValidationError);
    expect(mount).toThrow(
      new Error('[test] scratch paths "/a/b" and "/a-b" both map to volume name "scratch-a-b"; use paths that differ in letters or digits'),
    );
  });
});
