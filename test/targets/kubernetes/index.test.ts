import { KubernetesTargetOptions, kubernetesTarget } from '../../../src/targets/kubernetes';
import { renderStack, toYaml } from '../../../src/targets/kubernetes/render';
import { RenderOptions } from '../../../src/targets/target';
import { synthesize } from '../../../src/synth/synthesize';
import { stackConfig } from '../../helpers/manifests';

const options = (layout: KubernetesTargetOptions['layout']): RenderOptions => ({
  source: 'saplings.yaml',
  header: '# header\n',
  targetOptions: { kubernetes: { layout } },
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

  test('the layout is its own option: without one it writes a file per stack, and other targets\' options are not its', () => {
    const withoutOwn: RenderOptions = { source: 'saplings.yaml', header: '# header\n', location: { file: 'saplings.yaml' }, targetOptions: { compose: { layout: 'file-per-resource' } } };
    expect(kubernetesTarget.render(stack, withoutOwn).files.map((f) => f.path)).toStrictEqual(['web.k8s.yaml']);
    expect(kubernetesTarget.rootFiles?.(['web'], withoutOwn)).toStrictEqual([]);
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

describe('synthesize with the kubernetes target', () => {
  const stacks = [stackConfig({ name: 'web' })];
  const paths = (options: Parameters<typeof synthesize>[1]) => synthesize(stacks, options).files.map((f) => f.path);

  test('takes the layout as the target\'s own option, or as the layout shorthand, which wins', () => {
    const own = paths({ source: 's.yaml', targetOptions: { kubernetes: { layout: 'file-per-resource' } } });
    expect(own).toContain('web/06-deployment-web-app.yaml');
    expect(own).toContain('kustomization.yaml');
    expect(paths({ source: 's.yaml', layout: 'file-per-resource' })).toStrictEqual(own);
    expect(paths({ source: 's.yaml', layout: 'file-per-stack', targetOptions: { kubernetes: { layout: 'file-per-resource' } } })).toStrictEqual(['web.k8s.yaml']);
  });
});
