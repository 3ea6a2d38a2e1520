import { Problem, inputError, inputProblems } from '../config/errors';
import { StackConfig } from '../config/types';
import { runChecks } from '../checks';
import { Finding, findingsError } from '../checks/findings';
import { OutputFile } from './output';
import { provenanceHeader } from './provenance';
import { stackInputDigest } from './incremental';
import { DEFAULT_TARGET, TargetEntry, findTarget, loadTarget } from '../targets';
import { RenderOptions, Target, TargetOptions, TargetOutput, hasConfigKey } from '../targets/target';
import { Layout } from '../targets/kubernetes/layout';
import { KubeVersion } from '../conventions/kube-version';
import type { GitopsSettings } from '../targets/kubernetes/gitops/types';

/** Options for {@link synthesize}. */
export interface SynthesizeOptions {
  /** Where the config came from, for the provenance header and messages. */
  readonly source: string;
  /**
   * How Kubernetes objects are split into files: shorthand for the Kubernetes
   * target's own option, `targetOptions.kubernetes.layout`, which it overrides.
   * @default 'file-per-stack'
   */
  readonly layout?: Layout;
  /**
   * Each target's own options, keyed by target name (`{ kubernetes: { layout: 'file-per-resource' } }`);
   * plain data, as a fleet's worker threads receive it.
   * @default - none
   */
  readonly targetOptions?: Readonly<Record<string, unknown>>;
  /**
   * The targets to render, in the order their files are listed. Kubernetes
   * writes into the output directory itself, every other target into
   * `<target>/`, whichever targets are selected (see {@link targetDirectory}).
   * @default - the kubernetes target
   */
  readonly targets?: readonly TargetEntry[];
  /**
   * The digest of the built code (see builtCodeDigest): files of a stack and
   * target whose checks found nothing then carry the digest of their inputs,
   * for the record, so a later run can reuse them.
   * @default - no input digests
   */
  readonly codeDigest?: string;
  /** The Kubernetes version the manifests are for: checked against its API, named in the Pod Security labels. @default '1.28' */
  readonly kubeVersion?: KubeVersion;
  /** The fleet's Argo CD and Flux settings, for their objects. @default - none are written */
  readonly gitops?: GitopsSettings;
}

/**
 * The directory a target's files go into, relative to the output directory:
 * '' for Kubernetes, `<name>/` for every other target. It depends on the
 * target alone, so adding or removing another target never moves a file
 * (issue 23): a GitOps tool's path and the files a user keeps beside the
 * output (Compose's saplings-secrets.env and ssl/) stay valid. Kubernetes
 * keeps the root because it is the default target, the one most outputs hold.
 */
export function targetDirectory(name: string): string {
  return name === DEFAULT_TARGET ? '' : `${name}/`;
}

/** The files to write, and what the checks found that is not an error. */
export interface Synthesized {
  /** The files of every target: each stack's, in config order, then any root files. */
  readonly files: OutputFile[];
  /** Warnings and notes from the checks; errors are thrown instead. */
  readonly findings: Finding[];
}

/** What processing a run of stacks produced, as plain data a worker thread can send back. */
export interface StackResults {
  /** Files of the stacks that rendered, one list per target in the order of {@link SynthesizeOptions.targets}. */
  readonly files: OutputFile[][];
  /** Every finding of the checks, all severities. */
  readonly findings: Finding[];
  /** Props that conflict, or keys a target requires, found while rendering. */
  readonly problems: Problem[];
}

/**
 * Renders every stack for every target and checks everything before anything
 * is written: Kubernetes-shaped objects against the Kubernetes API (of `kubeVersion`) and
 * its CRDs always, and in staging and production also against the security
 * policy; every target's output against the credential leak guard; and each
 * target's own checks.
 *
 * Throws {@link inputError} for props that conflict and {@link findingsError}
 * for objects that fail a check, with every problem of every stack at once.
 */
export function synthesize(stacks: readonly StackConfig[], options: SynthesizeOptions): Synthesized {
  return finish(stacks, [processStacks(stacks, options, 0, stacks.length)], options);
}

/**
 * Renders and checks `stacks`, which start at `offset` among `total` stacks
 * of the config (for document numbers in messages). Never throws for bad
 * input: problems and findings are returned, so chunks can be merged.
 */
export function processStacks(
  stacks: readonly StackConfig[],
  options: SynthesizeOptions,
  offset: number,
  total: number,
  onStack?: () => void,
): StackResults {
  const targets = selectedTargets(options);
  const base = targetOptions(options);
  const results: StackResults = { files: targets.map(() => []), findings: [], problems: [] };
  // A stack's folder of the file-per-resource layout sits beside the other targets' folders, at the root.
  const layout = options.layout ?? (options.targetOptions?.kubernetes as { layout?: Layout } | undefined)?.layout;
  const folders = layout === 'file-per-resource' && targets.some((t) => t.directory === '') ? targets.map((t) => t.directory.slice(0, -1)).filter(Boolean) : [];
  stacks.forEach((stack, index) => {
    const location = { file: options.source, document: total > 1 ? offset + index + 1 : undefined };
    if (folders.includes(stack.name)) {
      const message = `"${stack.name}" is the folder of --target ${stack.name}, which the Kubernetes files of the file-per-resource layout would share; rename the stack, or use --layout file-per-stack`;
      results.problems.push({ ...location, path: 'name', message });
      return;
    }
    targets.forEach(({ target, directory }, t) => {
      const missing = target.requires.filter((key) => !hasConfigKey(stack, key));
      if (missing.length) {
        const message = `is required by --target ${target.name}; set it, or leave ${target.name} out of --target`;
        results.problems.push(...missing.map((key) => ({ ...location, path: key, message })));
        return;
      }
      const output = renderOrCollect(target, stack, { ...base, location }, results.problems);
      if (!output) return;
      const inDirectory = (file: string) => directory + file;
      const found = checkOutput(target, output, stack, options.kubeVersion);
      results.findings.push(...found.map((f) => (f.file ? { ...f, file: inDirectory(f.file) } : f)));
      const secretFiles = filesWithSecretValues(output);
      // Only files a later run may reuse as they are carry their inputs: none that a warning or note of this run
      // would have to repeat, none with Secret values.
      const reusable = options.codeDigest !== undefined && secretFiles.size === 0 && found.every((f) => f.severity === 'info');
      const input = reusable ? stackInputDigest(options.codeDigest!, stack, target.name, base) : undefined;
      results.files[t].push(
        ...output.files.map((f) => ({
          path: inDirectory(f.path),
          content: f.content,
          ...(secretFiles.has(f.path) ? { secret: true } : {}),
          target: target.name,
          stack: stack.name,
          ...(input ? { input } : {}),
        })),
      );
    });
    onStack?.();
  });
  return results;
}

/**
 * Merges the results of consecutive chunks of `stacks`, adds the root files,
 * and throws on any error. With `reused`, the files of those stacks (by name)
 * come from there instead, and `stacks` are every stack of the config, in
 * order, of which the chunks rendered the others.
 */
export function finish(
  stacks: readonly Pick<StackConfig, 'name'>[],
  chunks: readonly StackResults[],
  options: SynthesizeOptions,
  reused?: ReadonlyMap<string, readonly OutputFile[]>,
): Synthesized {
  const problems = chunks.flatMap((c) => c.problems);
  if (problems.length) throw inputError(problems);
  const findings = chunks.flatMap((c) => c.findings);
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length) throw findingsError(errors);
  const base = targetOptions(options);
  const names = stacks.map((s) => s.name);
  const stackFiles = (t: number, targetName: string): OutputFile[] => {
    const rendered = chunks.flatMap((c) => c.files[t]);
    if (!reused?.size) return rendered;
    // In config order, as a full render lists them.
    const byStack = new Map<string, OutputFile[]>();
    for (const file of rendered) byStack.set(file.stack ?? '', [...(byStack.get(file.stack ?? '') ?? []), file]);
    return names.flatMap((stack) => byStack.get(stack) ?? (reused.get(stack) ?? []).filter((f) => f.target === targetName));
  };
  const files = selectedTargets(options).flatMap(({ target, directory }, t) => [
    ...stackFiles(t, target.name),
    ...(target.rootFiles?.(names, base) ?? []).map((f) => ({ path: directory + f.path, content: f.content, target: target.name })),
  ]);
  return { files, findings: findings.filter((f) => f.severity !== 'info') };
}

/** The options every target renders with. */
export function targetOptions(options: SynthesizeOptions): TargetOptions {
  const { layout, gitops, targetOptions } = options;
  const kubernetes = { ...(targetOptions?.kubernetes as object | undefined), ...(layout !== undefined ? { layout } : {}), ...(gitops !== undefined ? { gitops } : {}) };
  const ownOptions = layout === undefined && gitops === undefined ? targetOptions : { ...targetOptions, kubernetes };
  return {
    source: options.source,
    header: provenanceHeader(options.source),
    ...(ownOptions ? { targetOptions: ownOptions } : {}),
    ...(options.kubeVersion ? { kubeVersion: options.kubeVersion } : {}),
  };
}

/** The targets to render, each with the directory its files go into: '' or `<name>/`. */
export function selectedTargets(options: SynthesizeOptions): { target: Target; directory: string }[] {
  const entries = options.targets ?? [findTarget(DEFAULT_TARGET)!];
  return entries.map((entry) => ({ target: loadTarget(entry), directory: targetDirectory(entry.name) }));
}

/** Renders a stack for a target; input it refuses becomes problems, so every stack's are reported at once. */
function renderOrCollect(target: Target, stack: StackConfig, options: RenderOptions, problems: Problem[]): TargetOutput | undefined {
  try {
    return target.render(stack, options);
  } catch (err) {
    const found = inputProblems(err);
    if (!found) throw err;
    problems.push(...found);
    return undefined;
  }
}

/**
 * The files of `output` that hold a Secret with values (development's inline
 * secrets), which are written readable by their owner only. An ExternalSecret
 * holds references, not values.
 */
function filesWithSecretValues(output: TargetOutput): Set<string> {
  const files = new Set<string>();
  for (const subject of output.checks) {
    for (const object of subject.objects) {
      const { data, stringData } = object as { data?: object; stringData?: object };
      const hasValues = Object.keys(data ?? {}).length + Object.keys(stringData ?? {}).length > 0;
      if (object.kind === 'Secret' && hasValues) files.add(subject.objectFiles?.get(`Secret/${object.metadata.name}`) ?? subject.file);
    }
  }
  return files;
}

/** The shared checks of everything a target rendered for a stack, then the target's own. */
function checkOutput(target: Target, output: TargetOutput, stack: StackConfig, kubeVersion: KubeVersion | undefined): Finding[] {
  const shared = output.checks.flatMap((subject) =>
    runChecks(subject.objects, { file: subject.file, environment: stack.environment, kubernetes: subject.kubernetes, kubeVersion }).map((f) => ({
      ...f,
      file: subject.objectFiles?.get(f.object) ?? f.file,
    })),
  );
  return [...shared, ...(target.check?.(output, stack) ?? [])];
}
