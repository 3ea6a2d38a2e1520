import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { Problem, inputError } from '../../../config/errors';
import { SaplingsError } from '../../../conventions/diagnostic';
import { parseYamlStream } from '../../../config/yaml';
import { problemsFromZod } from '../../../config/zod-problems';
import type { GitopsSettings } from './types';

/*
 * The fleet's GitOps settings: one small document (`synth --gitops FILE`)
 * that says where the output lives in Git and how Argo CD or Flux deploy it.
 * They are the same for every stack, so they are not a key of the stacks'
 * config (whose `gitops.syncWaves` is per stack, as it changes the stack's own objects).
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A prefix of generated object names: `<prefix>-<stack>` must stay a DNS label in practice. */
const namePrefix = z
  .string()
  .max(30, { error: 'must be at most 30 characters, so <prefix>-<stack> stays short' })
  .regex(DNS_LABEL, { error: 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit' });

const namespace = z
  .string()
  .max(63, { error: 'must be at most 63 characters' })
  .regex(DNS_LABEL, { error: 'must be a namespace name: lowercase letters, digits and "-", starting and ending with a letter or digit' });

/**
 * A folder of the repository (or artifact), relative to its root: `deploy/dist`, or `.` for the root.
 * No glob characters, since Argo CD's directory generator reads the path as a glob.
 */
const repoFolder = z
  .string()
  .regex(/^(\.|\.?\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*\/?)$/, {
    error: 'must be a folder relative to the repository root, such as deploy/dist or . (letters, digits, ".", "_", "-" and "/"; no globs)',
  })
  .refine((p) => !p.split('/').includes('..'), { error: 'must stay inside the repository: no ".." segments' });

/** Flux's duration format, from the Kustomization CRD's `interval` pattern. */
const fluxDuration = z.string().regex(/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/, { error: 'must be a Go duration such as 30s, 10m or 1h' });

const argocdSchema = z
  .strictObject({
    name: namePrefix.default('saplings').describe('Name of the ApplicationSet, and prefix of the Application of each stack (<name>-<stack>)'),
    namespace: namespace.default('argocd').describe('Namespace of Argo CD, where the ApplicationSet and its Applications live'),
    project: z.string().min(1).default('default').describe('Argo CD project of the Applications'),
    repoURL: z.string().min(1, { error: 'must be the URL of the Git repository that holds the output' }).describe('URL of the Git repository the output is committed to'),
    targetRevision: z.string().min(1).default('HEAD').describe('Branch, tag or commit Argo CD deploys'),
    path: repoFolder.describe('Folder of the repository that holds the output (the stack folders), e.g. deploy/dist'),
    destination: z
      .strictObject({
        server: z.url({ error: 'must be the URL of a cluster API server, e.g. https://kubernetes.default.svc' }).optional().describe('API server URL of the cluster to deploy to'),
        name: z.string().min(1).optional().describe('Name of a cluster registered in Argo CD to deploy to (instead of server)'),
        namespace: namespace.optional().describe('Namespace for objects that name none; every object saplings-k8s writes names its stack namespace'),
      })
      .prefault({})
      .describe('Cluster the Applications deploy to; defaults to the cluster Argo CD runs in'),
    automated: z.boolean().default(false).describe('Sync automatically when the repository changes (syncPolicy.automated); off: sync by hand'),
    prune: z.boolean().default(true).describe('With automated: delete objects that are no longer in the repository'),
    selfHeal: z.boolean().default(true).describe('With automated: undo changes made in the cluster'),
    preserveResourcesOnDeletion: z
      .boolean()
      .default(false)
      .describe("Keep a stack's objects (and its volumes' data) in the cluster when its folder, and so its Application, goes away; off: Argo CD deletes them"),
  })
  .superRefine((argocd, ctx) => {
    const { server, name } = argocd.destination;
    if (server !== undefined && name !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['destination', 'name'], input: name, message: 'is set with destination.server; Argo CD takes one of them: remove one' });
    }
  })
  .describe('Argo CD: one ApplicationSet that creates an Application per stack folder');

const fluxSchema = z
  .strictObject({
    name: namePrefix.default('saplings').describe('Prefix of the Kustomization of each stack (<name>-<stack>)'),
    namespace: namespace.default('flux-system').describe('Namespace of the Kustomizations, where Flux runs'),
    sourceRef: z
      .strictObject({
        kind: z.enum(['GitRepository', 'OCIRepository', 'Bucket', 'ExternalArtifact']).default('GitRepository').describe('Kind of the Flux source'),
        name: z.string().min(1).default('flux-system').describe('Name of the Flux source (flux bootstrap creates flux-system)'),
        namespace: namespace.optional().describe('Namespace of the source; defaults to the Kustomizations\' namespace'),
      })
      .prefault({})
      .describe('The Flux source that holds the output'),
    path: repoFolder.describe('Folder of the source that holds the output (the stack folders), e.g. ./deploy/dist'),
    interval: fluxDuration.default('10m').describe('How often Flux reconciles each stack'),
    timeout: fluxDuration.optional().describe('How long Flux waits for a stack to apply and become healthy; defaults to interval'),
    prune: z.boolean().default(true).describe('Delete objects that are no longer in the source'),
    wait: z
      .boolean()
      .default(false)
      .describe("Wait for every object of a stack to be ready; off: wait for the stack's workloads only (healthChecks)"),
    dependsOn: z
      .array(z.strictObject({ name: z.string().min(1).describe('Kustomization name'), namespace: namespace.optional().describe('Its namespace; defaults to the namespace of the Kustomizations') }))
      .default([])
      .describe('Kustomizations every stack waits for, e.g. the one that installs the CRDs the stacks use (prometheus-operator, External Secrets)'),
  })
  .describe('Flux: one Kustomization per stack folder');

/** The schema of a fleet's GitOps settings file (`synth --gitops FILE`). */
export const GitopsSettingsSchema = z
  .strictObject({
    argocd: argocdSchema.optional(),
    flux: fluxSchema.optional(),
  })
  .superRefine((settings, ctx) => {
    if (!settings.argocd && !settings.flux) {
      ctx.addIssue({ code: 'custom', path: [], input: settings, message: 'sets neither argocd nor flux; set one of them (or both)' });
    }
  });

export type { ArgoSettings, FluxSettings, GitopsSettings } from './types';

// The schema gives exactly the plain interfaces the options name (both ways), or this fails to compile.
type Parsed = z.infer<typeof GitopsSettingsSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesTypes: Same<Parsed, GitopsSettings> = true;
void schemaMatchesTypes;

/** Largest settings file read: it holds a dozen keys. */
const MAX_SETTINGS_BYTES = 64 * 1024;

/** Reads and validates a GitOps settings file. Throws {@link InputError} with positioned problems. */
export function loadGitopsSettings(file: string, cwd: string): GitopsSettings {
  const text = readSettings(file, path.resolve(cwd, file));
  const parsed = parseYamlStream(text);
  if (parsed.problems.length) throw inputError(parsed.problems.map((p) => ({ file, position: p.position, path: '', message: p.message })));
  if (parsed.values.length !== 1) {
    throw inputError([{ file, path: '', message: `holds ${parsed.values.length} YAML documents; the GitOps settings are one document with argocd and/or flux` }]);
  }
  const { document, value } = parsed.values[0];
  const result = GitopsSettingsSchema.safeParse(value);
  if (result.success) return result.data;
  const problems: Problem[] = problemsFromZod(result.error, value, GitopsSettingsSchema, { file }, (keyPath, target) => parsed.locate(document, keyPath, target));
  throw inputError(problems);
}

function readSettings(file: string, resolved: string): string {
  try {
    const stat = fs.statSync(resolved);
    if (!stat.isFile()) throw inputError([{ file, path: '', message: 'is not a regular file; --gitops takes a YAML file of GitOps settings' }]);
    if (stat.size > MAX_SETTINGS_BYTES) throw inputError([{ file, path: '', message: `is over ${MAX_SETTINGS_BYTES / 1024} KiB; GitOps settings are a few keys` }]);
    return fs.readFileSync(resolved, 'utf8');
  } catch (err) {
    if (SaplingsError.isSaplingsError(err)) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw inputError([{ file, path: '', message: code === 'ENOENT' ? 'file not found; --gitops takes a YAML file with argocd and/or flux settings' : `cannot be read (${code ?? String(err)})` }]);
  }
}
