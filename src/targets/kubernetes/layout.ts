import type { OutputFile } from '../target';
import { applyRank } from './apply-order';
import { KubeObject, RenderedStack, toYaml } from './render';
import { emitYaml } from '../yaml';

/** How synthesized objects are split into files. */
export const LAYOUTS = ['file-per-stack', 'file-per-resource'] as const;

/** One of {@link LAYOUTS}. */
export type Layout = (typeof LAYOUTS)[number];

/**
 * The files of one stack.
 *
 * - `file-per-stack`: `<stack>.k8s.yaml`, every object in apply order.
 * - `file-per-resource`: `<stack>/<NN>-<kind>-<name>.yaml`, where NN is the
 *   object's apply rank (01 Namespace … 10 ServiceMonitor), plus
 *   `<stack>/kustomization.yaml` listing them in apply order, so a reviewer
 *   sees one object per diff and `kubectl apply -k` works. Numbering by rank,
 *   not position, keeps every file name stable when another object comes or goes.
 */
export function stackFiles(stack: RenderedStack, layout: Layout, header: string): OutputFile[] {
  if (layout === 'file-per-stack') return [{ path: stackFile(stack.name), content: toYaml(stack.objects, header) }];
  const files = stack.objects.map((object) => ({ path: resourceFile(stack.name, object), content: toYaml([object], header) }));
  const resources = files.map((f) => f.path.slice(stack.name.length + 1));
  return [...files, { path: `${stack.name}/kustomization.yaml`, content: kustomization(resources, header) }];
}

/** The file an object of a stack is written to, for messages that point at it. */
export function fileOf(stackName: string, object: KubeObject, layout: Layout): string {
  return layout === 'file-per-stack' ? stackFile(stackName) : resourceFile(stackName, object);
}

function stackFile(stackName: string): string {
  return `${stackName}.k8s.yaml`;
}

function resourceFile(stackName: string, object: KubeObject): string {
  return `${stackName}/${String(applyRank(object.kind)).padStart(2, '0')}-${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
}

/** Files that tie the stacks together: a root kustomization for `file-per-resource`. */
export function rootFiles(stackNames: readonly string[], layout: Layout, header: string): OutputFile[] {
  return layout === 'file-per-resource' ? [{ path: 'kustomization.yaml', content: kustomization(stackNames, header) }] : [];
}

function kustomization(resources: readonly string[], header: string): string {
  return `${header}${emitYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources })}`;
}
