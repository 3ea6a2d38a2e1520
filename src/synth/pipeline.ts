import * as path from 'node:path';
import { Environment } from '../conventions/defaults';
import { Problem, inputError, inputProblems } from '../config/errors';
import type { KubeVersion } from '../conventions/kube-version';
import { KnownStack, LoadOptions, loadConfig } from '../config/load';
import { StackConfig } from '../config/types';
import { Finding } from '../checks/findings';
import type { DiffLayout } from '../diff/compare';
import { ALL_TARGETS, DEFAULT_TARGET, SkippedTarget, TargetEntry, applicableTargets, findTarget } from '../targets';
import { Layout } from '../targets/kubernetes/layout';
import { TargetOptions } from '../targets/target';
import type { GitopsSettings } from '../targets/kubernetes/gitops/types';
import { FleetWorkers, PARALLEL_THRESHOLD, synthesizeFleet } from './fleet';
import { hasInterruptedRun } from './journal';
import { OutputDiff, OutputFile, StagedOutput, WriteOptions, diffOutput, outputLockFree } from './output';
import { Synthesized, SynthesizeOptions, targetDirectory, targetOptions } from './synthesize';
import { builtCodeDigest, documentDigester, knownFiles, recordedSource, reusableFiles, stackInputDigest, verifiedFilesOf } from './incremental';
import { OutputRecord, RECORD_FORMAT, readRecord } from './record';

/** Options for {@link synthesizeToDirectory}. Give `configFile` or `stacks`. */
export interface SynthesizeToDirectoryOptions {
  /** The config file to read (YAML or JSON, one stack per document), relative to `cwd`. @default - `stacks` */
  readonly configFile?: string;
  /** Stacks already validated, instead of a file. @default - read from `configFile` */
  readonly stacks?: readonly StackConfig[];
  /** Where the config came from, for the provenance header and messages. @default - `configFile`, else 'the library' */
  readonly source?: string;
  /** The output directory, relative to `cwd`. */
  readonly outDir: string;
  /** Overrides `environment` in every stack of `configFile`. @default - as each stack says */
  readonly environment?: Environment;
  /** Target names, or `all` for every target whose keys the config sets. @default ['kubernetes'] */
  readonly targets?: readonly string[];
  /** How Kubernetes objects are split into files. @default 'file-per-stack' */
  readonly layout?: Layout;
  /** Each target's own options, keyed by target name (see {@link SynthesizeOptions.targetOptions}). @default - none */
  readonly targetOptions?: Readonly<Record<string, unknown>>;
  /** The Kubernetes version the manifests are for: checked against its API, named in the Pod Security labels. @default '1.28' */
  readonly kubeVersion?: KubeVersion;
  /** The fleet's Argo CD and Flux settings, for their objects (`synth --gitops`). @default - none are written */
  readonly gitops?: GitopsSettings;
  /** Write nothing; compare the output directory with what would be written ({@link SynthesizeToDirectoryResult.diff}). @default false */
  readonly check?: boolean;
  /** Replace files at generated paths that saplings-k8s did not write. @default false */
  readonly force?: boolean;
  /** Also remove recorded files of targets this run does not render. @default false */
  readonly prune?: boolean;
  /** Largest config file read, in bytes. @default 10 MiB */
  readonly maxConfigBytes?: number;
  /** The directory relative paths start from. @default process.cwd() */
  readonly cwd?: string;
  /** The environment that `${VAR}` secrets of the config are read from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Called with each warning about the config as it is read. @default - warnings are only returned */
  readonly onWarning?: (problem: Problem) => void;
  /** Called after each stack is rendered and checked. @default - no progress */
  readonly onProgress?: (done: number, total: number) => void;
  /** Stops the run; the output directory then holds what it had (see {@link StagedOutput}). @default - never stopped */
  readonly signal?: AbortSignal;
  /** Worker threads for a fleet. @default - the machine's available parallelism, at most 8 */
  readonly workers?: number;
  /** How the output's lock waits, and the file-system layer (tests inject faults through it). @default - see {@link WriteOptions} */
  readonly output?: Pick<WriteOptions, 'fsOps' | 'lock'>;
  /** Called once the files are in place, before the run returns: a signal after it no longer undoes them. @default - nothing */
  readonly onCommitted?: () => void;
  /**
   * Reuse the files of stacks whose inputs (config document, built code,
   * target, options) are those the output's record lists, and whose files
   * still have the recorded sha256, instead of rendering and checking them
   * again; false renders everything (`--no-cache`), and records their inputs
   * all the same.
   * @default true
   */
  readonly cache?: boolean;
  /**
   * The digest of the code the input digests are made with.
   * @default - the digest `npm run build` recorded (lib/code-digest); none when running from the sources, so nothing is reused
   */
  readonly codeDigest?: string;
}

/** What {@link synthesizeToDirectory} did, or with `check`, would do. */
export interface SynthesizeToDirectoryResult {
  /** Every file of the run, as written (or as it would be). */
  readonly files: readonly OutputFile[];
  /** Warnings and notes of the checks; errors are thrown instead. */
  readonly findings: readonly Finding[];
  /** Warnings about the config. */
  readonly warnings: readonly Problem[];
  /** Targets that `all` left out, and why. */
  readonly skipped: readonly SkippedTarget[];
  /** Where the config came from. */
  readonly source: string;
  /** The names of the stacks, in config order. */
  readonly stacks: readonly string[];
  /** The names of the targets rendered, in order. */
  readonly targets: readonly string[];
  /** How the files are laid out, for `saplings-k8s diff`'s comparison. */
  readonly layout: DiffLayout;
  /**
   * The files added, changed and removed (written, or with `check` that would
   * be); undefined only with `check` when {@link interruptedRun}.
   */
  readonly diff?: OutputDiff;
  /** With `check`: the output holds a run stopped while writing, so it was not compared. @default false */
  readonly interruptedRun?: boolean;
  /** How many stacks were rendered and checked; the others' files were reused from the output (see `cache`). */
  readonly rendered: number;
}

/**
 * Reads a config, renders every stack for every selected target, checks
 * everything, and writes the files into `outDir` all at once: what
 * `saplings-k8s synth` does (and, with `check`, `synth --check` and
 * `saplings-k8s diff`). A fleet (a config of {@link PARALLEL_THRESHOLD}
 * stacks or more) renders on worker threads, and its files are staged while
 * they render, so the library is as fast as the CLI.
 *
 * Kubernetes writes into `outDir` itself and every other target into
 * `outDir/<target>/`, whichever targets are selected.
 *
 * @throws InputError for an invalid config, with positions in its file
 * @throws FindingsError for objects that fail a check
 * @throws OutputError for an I/O error; the output directory then holds what it had
 */
export async function synthesizeToDirectory(options: SynthesizeToDirectoryOptions): Promise<SynthesizeToDirectoryResult> {
  const cwd = options.cwd ?? process.cwd();
  const outDir = path.resolve(cwd, options.outDir);
  const requested = options.targets?.length ? [...new Set(options.targets)] : [DEFAULT_TARGET];
  const warnings: Problem[] = [];
  const onWarning = (problem: Problem) => {
    warnings.push(problem);
    options.onWarning?.(problem);
  };
  // Another run into the output holds its lock: wait without blocking the thread, where the signal still stops this one.
  if (!options.check) await outputLockFree(outDir, options.output, options.signal);

  // --no-cache still records the input digests, so the next run can reuse what this one rendered.
  const codeDigest = options.codeDigest ?? builtCodeDigest();
  const source = options.source ?? options.configFile ?? 'the library';
  // What each target renders with; the input digests cover all of it, so a changed option renders everything.
  const renderOptions: SynthesizeOptions = {
    source,
    layout: options.layout,
    targetOptions: options.targetOptions,
    kubeVersion: options.kubeVersion,
    gitops: options.gitops,
  };
  const base = targetOptions(renderOptions);
  const record = codeDigest === undefined || options.cache === false ? undefined : usableRecord(outDir);
  // `all` picks targets from every stack's keys, so it needs every document validated.
  const knownTargets = requested.includes(ALL_TARGETS) ? undefined : requested;
  const reused = new Map<string, OutputFile[]>();
  // Always given, so that documents are read one by one as in a run with a cache, with the same messages.
  const digesters = new Map<string, (text: string) => string>();
  const digestOf = (target: string, text: string) => {
    let digester = digesters.get(target);
    if (!digester) digesters.set(target, (digester = documentDigester(codeDigest!, target, base, options.environment)));
    return digester(text);
  };
  const known = knownStacks(outDir, record, knownTargets, codeDigest === undefined ? undefined : digestOf, reused);
  const { stacks, all, texts, locate } = readStacks(options, requested, cwd, onWarning, known);
  const { targets, skipped } = resolveTargets(requested, stacks, source);
  const names = targets.map((t) => t.name);
  const layout: DiffLayout = {
    targets: names,
    targetDirectories: true,
    rootTarget: names.find((name) => targetDirectory(name) === ''),
    stacks: all.map((s) => s.name),
  };
  if (record) for (const [name, files] of reusableStacks(outDir, record, stacks, names, base, codeDigest!)) reused.set(name, files);
  const toRender = reused.size === 0 ? stacks : stacks.filter((s) => !reused.has(s.name));
  // Whether threads pay is decided from the parsed documents to render: one worker's start-up (~0.3 s) outweighs a few stacks.
  const pool = toRender.length >= PARALLEL_THRESHOLD && (options.workers ?? 2) >= 2 ? FleetWorkers.start(options.workers) : undefined;
  // A fleet's files are staged as its workers finish them, so the disk works while they render; nothing reaches the
  // output before everything is checked.
  const staging = options.check ? undefined : new StagedOutput(outDir, { force: options.force, ...options.output });
  try {
    let synthesized: Synthesized;
    const fleetOptions = {
      ...renderOptions,
      targets,
      codeDigest,
      onProgress: options.onProgress,
      workers: options.workers,
      signal: options.signal,
    };
    try {
      synthesized = await synthesizeFleet(toRender, {
        ...fleetOptions,
        pool,
        onFiles: staging && pool ? (batch) => staging.stage(batch) : undefined,
        reused: reused.size > 0 ? { allStacks: all, files: reused } : undefined,
      }).catch((err: unknown) => {
        // Problems name their stack by its document among the stacks rendered: number them among all stacks. The
        // reused stacks have none, as they had none when their files were rendered from the same inputs.
        const problems = inputProblems(err);
        if (!problems || reused.size === 0) throw err;
        const order = new Map(all.map((s, i) => [s.name, i + 1]));
        throw inputError(problems.map((p) => ({ ...p, document: all.length > 1 ? order.get(toRender[(p.document ?? 1) - 1]?.name ?? '') : undefined })));
      });
    } catch (err) {
      // A target's problems name config keys; find them in the file, as the schema's problems are.
      const problems = inputProblems(err);
      throw problems ? inputError(locate(problems)) : err;
    } finally {
      pool?.close();
    }
    // A signal that came while this thread rendered is handled now, before anything in the output changes.
    await nextTurn();
    options.signal?.throwIfAborted();
    const { findings } = synthesized;
    const files = texts ? withDocumentDigests(synthesized.files, all, texts, warnings, codeDigest === undefined ? undefined : digestOf) : synthesized.files;
    const result = { files, findings, warnings, skipped, source, stacks: layout.stacks, targets: names, layout, rendered: toRender.length };
    // The reused files were read and verified against the record moments ago: the write compares them by that.
    const writeOptions = { force: options.force, prune: options.prune, targets: names, source, verified: record ? verifiedFilesOf(record) : undefined };
    if (options.check) {
      // Writing nothing, a check cannot roll a stopped run back; comparing a half-changed directory would mislead.
      if (hasInterruptedRun(outDir)) return { ...result, interruptedRun: true };
      return { ...result, diff: diffOutput(outDir, files, writeOptions) };
    }
    if (!staging!.locked) await outputLockFree(outDir, options.output, options.signal);
    const diff = staging!.commit(files, writeOptions);
    options.onCommitted?.();
    return { ...result, diff };
  } finally {
    staging?.close();
  }
}

/** The output's record, if one of this format can be read: one that cannot is no cache, and the write reports it. */
function usableRecord(outDir: string): OutputRecord | undefined {
  try {
    const record = readRecord(outDir);
    return record.format < RECORD_FORMAT ? undefined : record;
  } catch {
    return undefined;
  }
}

/**
 * The files of the stacks whose every selected target's files can be reused
 * from `outDir` (see reusableFiles), by stack name.
 */
function reusableStacks(
  outDir: string,
  record: OutputRecord,
  stacks: readonly StackConfig[],
  targets: readonly string[],
  base: TargetOptions,
  codeDigest: string,
): Map<string, OutputFile[]> {
  const reused = new Map<string, OutputFile[]>();
  for (const stack of stacks) {
    const files: OutputFile[] = [];
    for (const target of targets) {
      const input = stackInputDigest(codeDigest, stack, target, base);
      const found = input === undefined ? undefined : reusableFiles(outDir, record, stack.name, target, input);
      if (found === undefined) break;
      files.push(...found);
    }
    if (files.length > 0 && new Set(files.map((f) => f.target)).size === targets.length) reused.set(stack.name, files);
  }
  return reused;
}

/**
 * The config loader's {@link LoadOptions.known}: a document whose exact text
 * the record lists for every target (see documentDigest), with files that
 * still have their recorded sha256, is its recorded stack, and its files go
 * into `reused`. Never a document that may hold inline secrets, whose values
 * can come from the environment.
 */
function knownStacks(
  outDir: string,
  record: OutputRecord | undefined,
  targets: readonly string[] | undefined,
  digestOf: ((target: string, text: string) => string) | undefined,
  reused: Map<string, OutputFile[]>,
): (text: string) => KnownStack | undefined {
  const bySource = new Map<string, KnownStack>();
  for (const entry of record?.entries.values() ?? []) {
    if (entry.source !== undefined) bySource.set(`${entry.target}\0${entry.source.slice(0, 32)}`, { name: entry.stack, namespace: entry.namespace! });
  }
  return (text) => {
    if (digestOf === undefined || bySource.size === 0 || targets === undefined || /inline|fromEnv/.test(text)) return undefined;
    let stack: KnownStack | undefined;
    const files: OutputFile[] = [];
    for (const target of targets) {
      const digest = digestOf(target, text);
      const found = bySource.get(`${target}\0${digest.slice(0, 32)}`);
      if (found === undefined || (stack !== undefined && found.name !== stack.name)) return undefined;
      const verified = knownFiles(outDir, record!, found.name, target, digest);
      if (verified === undefined) return undefined;
      stack = found;
      files.push(...verified);
    }
    if (stack) reused.set(stack.name, files);
    return stack;
  };
}

/**
 * `files` with the digest of their stack's document (and its namespace), so
 * a later run with the same document text skips validating it: only files
 * with an input digest, of stacks that gave no warning.
 */
function withDocumentDigests(
  files: readonly OutputFile[],
  stacks: readonly (StackConfig | KnownStack)[],
  texts: readonly string[],
  warnings: readonly Problem[],
  digestOf: ((target: string, text: string) => string) | undefined,
): OutputFile[] {
  if (digestOf === undefined) return [...files];
  // A warning without a document number cannot be placed: then no stack is recorded as known.
  if (warnings.some((w) => w.document === undefined)) return [...files];
  const warned = new Set(warnings.map((w) => w.document! - 1));
  const documents = new Map<string, { text: string; namespace: string }>();
  stacks.forEach((stack, i) => {
    if (!warned.has(i)) documents.set(stack.name, { text: texts[i], namespace: stack.namespace ?? stack.name });
  });
  return files.map((file) => {
    const document = file.input && file.stack && file.target ? documents.get(file.stack) : undefined;
    return document ? { ...file, source: recordedSource(digestOf(file.target!, document.text), file.input!), namespace: document.namespace } : file;
  });
}

/** One turn of the event loop, in which Node delivers a signal that came during synchronous work. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The stacks to render, where they came from, and how to position problems found in them later. */
function readStacks(
  options: SynthesizeToDirectoryOptions,
  requested: readonly string[],
  cwd: string,
  onWarning: (problem: Problem) => void,
  known: LoadOptions['known'],
): {
  stacks: readonly StackConfig[];
  all: readonly (StackConfig | KnownStack)[];
  texts?: readonly string[];
  locate: (problems: readonly Problem[]) => Problem[];
} {
  if (options.configFile === undefined) {
    if (options.stacks === undefined) throw new TypeError('synthesizeToDirectory needs configFile or stacks');
    return { stacks: options.stacks, all: options.stacks, locate: (problems) => [...problems] };
  }
  // Inline Secret values are needed only by a target that writes them (`all` includes Kubernetes).
  const requireInlineValues = requested.some((name) => name === ALL_TARGETS || findTarget(name)?.writesInlineSecrets === true);
  const config = loadConfig(options.configFile, {
    environment: options.environment,
    cwd,
    env: options.env ?? process.env,
    onWarning,
    maxConfigBytes: options.maxConfigBytes,
    requireInlineValues,
    known,
  });
  return { stacks: config.stacks, all: config.known ?? config.stacks, texts: config.texts, locate: (problems) => config.locate(problems) };
}

/**
 * The targets for the requested names: each a target's name or `all`, every
 * target whose keys the config sets (and the ones it skips).
 *
 * @throws InputError for a name no target has, or when `all` finds no target
 */
export function resolveTargets(requested: readonly string[], stacks: readonly StackConfig[], source: string): { targets: TargetEntry[]; skipped: SkippedTarget[] } {
  const unknown = requested.filter((name) => name !== ALL_TARGETS && findTarget(name) === undefined);
  if (unknown.length) throw inputError(unknown.map((name) => ({ file: source, path: 'targets', message: `no target is called "${name}"` })));
  if (!requested.includes(ALL_TARGETS)) return { targets: requested.map((name) => findTarget(name)!), skipped: [] };
  const { selected, skipped } = applicableTargets(stacks);
  if (selected.length === 0) throw inputError([{ file: source, path: 'targets', message: `${ALL_TARGETS}: the config sets the keys of no target` }]);
  return { targets: selected, skipped };
}
