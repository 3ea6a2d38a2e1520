import * as YAML from 'yaml';
import { OutputFile } from './output';
import { RenderedStack, toYaml } from './render';

/** How synthesized objects are split into files. */
export const LAYOUTS = ['file-per-stack', 'file-per-resource'] as const;

/** One of {@link LAYOUTS}. */
export type Layout = (typeof LAYOUTS)[number];

/**
 * The files of one stack.
 *
 * - `file-per-stack`: `<stack>.k8s.yaml`, every object in apply order.
 * - `file-per-resource`: `<stack>/<NN>-<kind>-<name>.yaml`, numbered in apply
 *   order, plus `<stack>/kustomization.yaml` listing them, so a reviewer sees
 *   one object per diff and `kubectl apply -k` works.
 */
export function stackFiles(stack: RenderedStack, layout: Layout, header: string): OutputFile[] {
  if (layout === 'file-per-stack') return [{ path: `${stack.name}.k8s.yaml`, content: toYaml(stack.objects, header) }];
  const width = Math.max(2, String(stack.objects.length).length);
  const files = stack.objects.map((object, index) => ({
    path: `${stack.name}/${String(index + 1).padStart(width, '0')}-${object.kind.toLowerCase()}-${object.metadata.name}.yaml`,
    content: toYaml([object], header),
  }));
  const resources = files.map((f) => f.path.slice(stack.name.length + 1));
  return [...files, { path: `${stack.name}/kustomization.yaml`, content: kustomization(resources, header) }];
}

/** Files that tie the stacks together: a root kustomization for `file-per-resource`. */
export function rootFiles(stackNames: readonly string[], layout: Layout, header: string): OutputFile[] {
  return layout === 'file-per-resource' ? [{ path: 'kustomization.yaml', content: kustomization(stackNames, header) }] : [];
}

function kustomization(resources: readonly string[], header: string): string {
  return `${header}${YAML.stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources })}`;
}
