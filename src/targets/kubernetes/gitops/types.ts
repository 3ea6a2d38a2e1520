// The GitOps settings as plain interfaces: the options of `synthesize` and
// `synthesizeToDirectory` name them, and `saplings-k8s/config`'s declarations
// must name no zod type (they compile under a stock cdk8s tsconfig). The
// schema in ./settings.ts checks, at compile time, that it produces exactly these.

/** Argo CD: one ApplicationSet that creates an Application per stack folder. */
export interface ArgoSettings {
  /** Name of the ApplicationSet, and prefix of each stack's Application (`<name>-<stack>`). */
  readonly name: string;
  /** Namespace of Argo CD, where the ApplicationSet and its Applications live. */
  readonly namespace: string;
  /** Argo CD project of the Applications. */
  readonly project: string;
  /** URL of the Git repository the output is committed to. */
  readonly repoURL: string;
  /** Branch, tag or commit Argo CD deploys. */
  readonly targetRevision: string;
  /** Folder of the repository that holds the output (the stack folders). */
  readonly path: string;
  /** Cluster the Applications deploy to: `server` or `name`, and a default namespace. */
  readonly destination: { readonly server?: string; readonly name?: string; readonly namespace?: string };
  /** Sync automatically when the repository changes. */
  readonly automated: boolean;
  /** With automated: delete objects that are no longer in the repository. */
  readonly prune: boolean;
  /** With automated: undo changes made in the cluster. */
  readonly selfHeal: boolean;
  /** Keep a stack's objects when its folder, and so its Application, goes away. */
  readonly preserveResourcesOnDeletion: boolean;
}

/** Flux: one Kustomization per stack folder. */
export interface FluxSettings {
  /** Prefix of each stack's Kustomization (`<name>-<stack>`). */
  readonly name: string;
  /** Namespace of the Kustomizations, where Flux runs. */
  readonly namespace: string;
  /** The Flux source that holds the output. */
  readonly sourceRef: { readonly kind: 'GitRepository' | 'OCIRepository' | 'Bucket' | 'ExternalArtifact'; readonly name: string; readonly namespace?: string };
  /** Folder of the source that holds the output (the stack folders). */
  readonly path: string;
  /** How often Flux reconciles each stack (a Go duration). */
  readonly interval: string;
  /** How long Flux waits for a stack to apply and become healthy. */
  readonly timeout?: string;
  /** Delete objects that are no longer in the source. */
  readonly prune: boolean;
  /** Wait for every object of a stack to be ready, not only its workloads. */
  readonly wait: boolean;
  /** Kustomizations every stack waits for. */
  readonly dependsOn: { readonly name: string; readonly namespace?: string }[];
}

/** A fleet's validated GitOps settings (`synth --gitops FILE`). */
export interface GitopsSettings {
  readonly argocd?: ArgoSettings;
  readonly flux?: FluxSettings;
}
