import type { KubeObject } from '../../../conventions/kube-object';
import type { GitopsSettings } from './types';

/*
 * The objects that make Argo CD or Flux deploy a fleet: each stack is
 * addressed by its own folder (`<stack>/`, with its kustomization.yaml, of the
 * file-per-resource layout), so each becomes one Argo CD Application or one
 * Flux Kustomization, synced, pruned and health-checked on its own.
 *
 * They are written under `gitops/` beside the stack folders; that folder is
 * not a stack: the ApplicationSet excludes it, and no stack may be named so.
 */

/** The folder of the output that holds the GitOps objects. */
export const GITOPS_FOLDER = 'gitops';

/** Where the ApplicationSet is written, relative to the Kubernetes output folder. */
export const APPLICATION_SET_FILE = `${GITOPS_FOLDER}/argocd/applicationset.yaml`;

/** Where a stack's Flux Kustomization is written, relative to the Kubernetes output folder. */
export function fluxKustomizationFile(stackName: string): string {
  return `${GITOPS_FOLDER}/flux/${stackName}.yaml`;
}

/** A repository folder without `./` or a trailing `/`; '' for the root. */
function folderOf(repoPath: string): string {
  const trimmed = repoPath.replace(/^\.\//, '').replace(/\/+$/, '');
  return trimmed === '.' ? '' : trimmed;
}

const within = (folder: string, child: string) => (folder ? `${folder}/${child}` : child);

type ArgoSettings = NonNullable<GitopsSettings['argocd']>;
type FluxSettings = NonNullable<GitopsSettings['flux']>;

/**
 * One ApplicationSet for the output folder, whose git directory generator
 * makes an Application of each stack folder.
 *
 * The directory generator, not a list of stacks: it reads the folders of the
 * repository at `revision` each time it reconciles, so a stack added to the
 * config (a new folder after synth and commit) gets its Application, and a
 * removed one loses it, without the ApplicationSet changing. Paths are globs,
 * and an `exclude: true` entry removes the matching folders (here the GitOps
 * folder itself, and the folders other targets write beside the stacks); `{{.path.path}}` is the matched folder and
 * `{{.path.basename}}` its last segment, the stack name.
 * https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Git/#git-generator-directories
 *
 * Go templates with `missingkey=error`, so a mistyped parameter fails instead of rendering as "<no value>".
 * https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/GoTemplate/
 *
 * The objects keep their `argocd.argoproj.io/sync-wave` annotations
 * (`gitops.syncWaves: true`): the Application renders the stack folder's
 * kustomization.yaml, which passes annotations through, and Argo CD applies
 * each wave after the previous one is healthy.
 * https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/
 */
export function applicationSet(argocd: ArgoSettings, otherFolders: readonly string[] = []): KubeObject {
  const folder = folderOf(argocd.path);
  const excluded = [GITOPS_FOLDER, ...otherFolders];
  const { server, name, namespace } = argocd.destination;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: argocd.name, namespace: argocd.namespace },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      // An Application the generator no longer yields is deleted, and with it (through the finalizer the controller
      // adds) every object it deployed, unless this is set.
      // https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Application-Deletion/
      ...(argocd.preserveResourcesOnDeletion ? { syncPolicy: { preserveResourcesOnDeletion: true } } : {}),
      generators: [
        {
          git: {
            repoURL: argocd.repoURL,
            revision: argocd.targetRevision,
            directories: [{ path: within(folder, '*') }, ...excluded.map((name) => ({ path: within(folder, name), exclude: true }))],
          },
        },
      ],
      template: {
        metadata: { name: `${argocd.name}-{{.path.basename}}` },
        spec: {
          project: argocd.project,
          source: { repoURL: argocd.repoURL, targetRevision: argocd.targetRevision, path: '{{.path.path}}' },
          // Without server or name, Argo CD deploys to the cluster it runs in.
          destination: { ...(name === undefined ? { server: server ?? IN_CLUSTER } : { name }), ...(namespace ? { namespace } : {}) },
          // https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/
          ...(argocd.automated ? { syncPolicy: { automated: { prune: argocd.prune, selfHeal: argocd.selfHeal } } } : {}),
        },
      },
    },
  };
}

/** The API server address of the cluster Argo CD runs in. */
const IN_CLUSTER = 'https://kubernetes.default.svc';

/** Kinds whose readiness a stack's health rests on. */
const WORKLOAD_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet'];

/**
 * The Flux Kustomization of one stack: it applies the stack folder, prunes
 * what left it, and is Ready only once the stack's workloads are.
 *
 * - `wait: true` checks every applied object, and then Flux ignores
 *   `healthChecks`, so they are written only without it; they name the
 *   stack's workloads (the app's Deployment, and its Redis and vector
 *   database), which kstatus counts ready when their rollout is complete.
 * - `dependsOn`: Flux reconciles the stack only after each named
 *   Kustomization is Ready, e.g. the one that installs the CRDs of the
 *   ServiceMonitor and ExternalSecret a stack holds. Stacks do not depend on
 *   one another: each lives in its own namespace with its own backing services.
 * https://fluxcd.io/flux/components/kustomize/kustomizations/#wait
 * https://fluxcd.io/flux/components/kustomize/kustomizations/#health-checks
 * https://fluxcd.io/flux/components/kustomize/kustomizations/#dependencies
 */
export function fluxKustomization(flux: FluxSettings, stackName: string, objects: readonly KubeObject[]): KubeObject {
  const healthChecks = objects
    .filter((o) => WORKLOAD_KINDS.includes(o.kind))
    .map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace }));
  const { kind, name, namespace } = flux.sourceRef;
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: `${flux.name}-${stackName}`, namespace: flux.namespace },
    spec: {
      interval: flux.interval,
      ...(flux.timeout ? { timeout: flux.timeout } : {}),
      sourceRef: { kind, name, ...(namespace ? { namespace } : {}) },
      // Flux paths are relative to the source's root.
      path: `./${within(folderOf(flux.path), stackName)}`,
      prune: flux.prune,
      wait: flux.wait,
      ...(flux.dependsOn.length > 0 ? { dependsOn: flux.dependsOn.map((d) => ({ name: d.name, ...(d.namespace ? { namespace: d.namespace } : {}) })) } : {}),
      ...(!flux.wait && healthChecks.length > 0 ? { healthChecks } : {}),
    },
  };
}
