import { kubernetesTarget } from '../../../src/targets/kubernetes';
import { renderStack, toYaml } from '../../../src/targets/kubernetes/render';
import { RenderOptions } from '../../../src/targets/target';
import { stackConfig } from '../../helpers/manifests';

const options = (layout: RenderOptions['layout']): RenderOptions => ({
  source: 'saplings.yaml',
  header: '# header\n',
  layout,
  location: { file: 'saplings.yaml', document: 2 },
});

describe('the kubernetes target', () => {
  const stack = stackConfig({ name: 'web' });
  const objects = renderStack(stack).objects;

  test('requires no config key', () => {
    expect(kubernetesTarget.requires).toStrictEqual([]);
  });

  test('file-per-stack: one <name>.k8s.yaml in apply order, every object checked as Kubernetes', () => {
    const output = kubernetesTarget.render(stack, options('file-per-stack'));
    expect(output.files).toStrictEqual([{ path: 'web.k8s.yaml', content: toYaml(objects, '# header\n') }]);
    expect(output.checks).toHaveLength(1);
    expect(output.checks[0]).toMatchObject({ objects, kubernetes: true, file: 'web.k8s.yaml' });
    expect(new Set(output.checks[0].objectFiles?.values())).toStrictEqual(new Set(['web.k8s.yaml']));
    expect(kubernetesTarget.rootFiles?.(['web'], options('file-per-stack'))).toStrictEqual([]);
  });

  test('file-per-resource: findings on an object point at its own file, and a root kustomization ties the stacks', () => {
    const output = kubernetesTarget.render(stack, options('file-per-resource'));
    expect(output.files.map((f) => f.path)).toContain('web/06-deployment-web-app.yaml');
    expect(output.checks[0].objectFiles?.get('Deployment/web-app')).toBe('web/06-deployment-web-app.yaml');
    expect(kubernetesTarget.rootFiles?.(['web', 'api'], options('file-per-resource'))).toStrictEqual([
      { path: 'kustomization.yaml', content: '# header\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - web\n  - api\n' },
    ]);
  });
});
