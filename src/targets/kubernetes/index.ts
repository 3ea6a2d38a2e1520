import { InputError, Problem } from '../../config/errors';
import { StackConfig } from '../../config/types';
import { Target } from '../target';
import { fileOf, rootFiles, stackFiles } from './layout';
import { KubeObject, StackRenderer, toYaml } from './render';
import { APPLICATION_SET_FILE, GITOPS_FOLDER, applicationSet, fluxKustomization, fluxKustomizationFile } from './gitops';

// One per process (and per fleet worker thread): a fleet's stacks of one shape share a template.
const renderer = new StackRenderer();

/**
 * The Kubernetes target: the stack's objects (SaplingsStack) in apply order,
 * split into files by the layout, every object checked against the API, its
 * CRDs and the policy.
 */
export const kubernetesTarget: Target = {
  name: 'kubernetes',
  requires: [],

  render(stack, options) {
    const problems: Problem[] = [];
    if (options.gitops && stack.name === GITOPS_FOLDER) {
      problems.push({ ...options.location, path: 'name', message: `is the folder the GitOps objects (--gitops) are written to; choose another stack name` });
    }
    const objects = renderOrExplain(stack, options.location, problems);
    if (!objects || problems.length) throw new InputError(problems);
    // Findings point at the file each object is written to, whatever the layout.
    const objectFiles = new Map(objects.map((o) => [`${o.kind}/${o.metadata.name}`, fileOf(stack.name, o, options.layout)]));
    const files = stackFiles({ name: stack.name, objects }, options.layout, options.header);
    const checks = [{ objects, kubernetes: true, file: fileOf(stack.name, objects[0], 'file-per-stack'), objectFiles }];
    // A stack's Flux Kustomization is rendered with the stack: its health checks name the stack's workloads.
    if (options.gitops?.flux) {
      const file = fluxKustomizationFile(stack.name);
      const kustomization = fluxKustomization(options.gitops.flux, stack.name, objects);
      files.push({ path: file, content: toYaml([kustomization], options.header) });
      checks.push({ objects: [kustomization], kubernetes: true, file, objectFiles: new Map() });
    }
    return { files, checks };
  },

  rootFiles(stackNames, options) {
    const argocd = options.gitops?.argocd;
    return [
      ...rootFiles(stackNames, options.layout, options.header),
      ...(argocd ? [{ path: APPLICATION_SET_FILE, content: toYaml([applicationSet(argocd)], options.header) }] : []),
    ];
  },
};

/**
 * Renders a stack; construct validation errors (props that conflict in a way
 * the schema cannot see) become input problems, not crashes.
 */
function renderOrExplain(
  stack: StackConfig,
  location: Pick<Problem, 'file' | 'document'>,
  problems: Problem[],
): KubeObject[] | undefined {
  try {
    return renderer.render(stack).objects;
  } catch (err) {
    // Anything but a construct validation error is a bug and keeps its trace.
    // Loaded here, not at the top: rendering loaded it (with cdk8s) already, and loading this target must not.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SaplingsValidationError } = require('../../constructs/errors') as typeof import('../../constructs/errors');
    if (!(err instanceof SaplingsValidationError)) throw err;
    problems.push(...err.problems.map((p) => ({ ...location, path: '', message: `[${p.path}] ${p.message}` })));
    return undefined;
  }
}
