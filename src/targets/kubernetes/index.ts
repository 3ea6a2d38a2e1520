import { Problem, inputError } from '../../config/errors';
import { StackConfig } from '../../config/types';
import { KubeVersion } from '../../conventions/kube-version';
import { RenderOptions, Target, TargetOptions } from '../target';
import { Layout, fileOf, rootFiles, stackFiles } from './layout';
import { KubeObject, StackRenderer, toYaml } from './render';
import { APPLICATION_SET_FILE, GITOPS_FOLDER, applicationSet, fluxKustomization, fluxKustomizationFile } from './gitops';
import type { GitopsSettings } from './gitops/types';

// One per process (and per fleet worker thread) and Kubernetes version: a fleet's stacks of one shape share a template.
const renderers = new Map<KubeVersion | undefined, StackRenderer>();
function rendererFor(kubeVersion: KubeVersion | undefined): StackRenderer {
  let renderer = renderers.get(kubeVersion);
  if (!renderer) renderers.set(kubeVersion, (renderer = new StackRenderer(kubeVersion)));
  return renderer;
}

/**
 * The Kubernetes target: the stack's objects (SaplingsStack) in apply order,
 * split into files by the layout, every object checked against the API, its
 * CRDs and the policy.
 */
export const kubernetesTarget: Target = {
  name: 'kubernetes',
  requires: [],

  render(stack, options) {
    const layout = layoutOf(options);
    const problems: Problem[] = [];
    const gitops = ownOptions(options).gitops;
    if (gitops && stack.name === GITOPS_FOLDER) {
      problems.push({ ...options.location, path: 'name', message: `is the folder the GitOps objects (--gitops) are written to; choose another stack name` });
    }
    const objects = renderOrExplain(stack, options, problems);
    if (!objects || problems.length) throw inputError(problems);
    // Findings point at the file each object is written to, whatever the layout.
    const objectFiles = new Map(objects.map((o) => [`${o.kind}/${o.metadata.name}`, fileOf(stack.name, o, layout)]));
    const files = stackFiles({ name: stack.name, objects }, layout, options.header);
    const checks = [{ objects, kubernetes: true, file: fileOf(stack.name, objects[0], 'file-per-stack'), objectFiles }];
    // A stack's Flux Kustomization is rendered with the stack: its health checks name the stack's workloads.
    if (gitops?.flux) {
      const file = fluxKustomizationFile(stack.name);
      const kustomization = fluxKustomization(gitops.flux, stack.name, objects);
      files.push({ path: file, content: toYaml([kustomization], options.header) });
      checks.push({ objects: [kustomization], kubernetes: true, file, objectFiles: new Map() });
    }
    return { files, checks };
  },

  rootFiles(stackNames, options) {
    const argocd = ownOptions(options).gitops?.argocd;
    return [
      ...rootFiles(stackNames, layoutOf(options), options.header),
      ...(argocd ? [{ path: APPLICATION_SET_FILE, content: toYaml([applicationSet(argocd, otherTargetFolders(stackNames))], options.header) }] : []),
    ];
  },
};

/** The Kubernetes target's own options: `targetOptions.kubernetes` of {@link TargetOptions}. */
export interface KubernetesTargetOptions {
  /** How objects are split into files (`synth --layout`). @default 'file-per-stack' */
  readonly layout?: Layout;
  /** Argo CD and Flux objects to write for the fleet (`synth --gitops FILE`). @default - none */
  readonly gitops?: GitopsSettings;
}

/** This target's own options of a run. */
function ownOptions(options: TargetOptions): KubernetesTargetOptions {
  return (options.targetOptions?.kubernetes as KubernetesTargetOptions | undefined) ?? {};
}

/** The layout a run asks for, defaulted here and nowhere else. */
function layoutOf(options: TargetOptions): Layout {
  return ownOptions(options).layout ?? 'file-per-stack';
}

/**
 * Renders a stack; construct validation errors (props that conflict in a way
 * the schema cannot see) become input problems, not crashes.
 */
function renderOrExplain(stack: StackConfig, { location, kubeVersion }: RenderOptions, problems: Problem[]): KubeObject[] | undefined {
  try {
    return rendererFor(kubeVersion).render(stack).objects;
  } catch (err) {
    // Anything but a construct validation error is a bug and keeps its trace.
    // Loaded here, not at the top: rendering loaded it (with cdk8s) already, and loading this target must not.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SaplingsError } = require('../../conventions/diagnostic') as typeof import('../../conventions/diagnostic');
    if (!SaplingsError.isSaplingsError(err, 'construct')) throw err;
    problems.push(...err.diagnostics.map((p) => ({ ...location, path: '', message: `[${p.constructPath}] ${p.message}` })));
    return undefined;
  }
}

/**
 * The folders every other target writes into beside the stack folders
 * (`compose/`, `ecs/`: Kubernetes keeps the root, see synth's targetDirectory),
 * which the ApplicationSet must not take for stacks; a stack of that name
 * keeps its folder (synth refuses the two together).
 */
function otherTargetFolders(stackNames: readonly string[]): string[] {
  // Loaded here, not at the top: the registry requires this module.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { targetEntries } = require('..') as typeof import('..');
  return targetEntries()
    .map((entry) => entry.name)
    .filter((name) => name !== kubernetesTarget.name && !stackNames.includes(name));
}
