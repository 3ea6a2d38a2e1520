import { InputError, Problem } from '../config/errors';
import { StackConfig } from '../config/schema';
import { runChecks } from '../checks';
import { Finding, FindingsError } from '../checks/findings';
import { SaplingsValidationError } from '../constructs/errors';
import { OutputFile } from './output';
import { provenanceHeader } from './provenance';
import { KubeObject, renderStack } from '../targets/kubernetes/render';
import { Layout, fileOf, rootFiles, stackFiles } from '../targets/kubernetes/layout';

/** Options for {@link synthesize}. */
export interface SynthesizeOptions {
  /** Where the config came from, for the provenance header and messages. */
  readonly source: string;
  /** How objects are split into files. @default 'file-per-stack' */
  readonly layout?: Layout;
}

/** The files to write, and what the checks found that is not an error. */
export interface Synthesized {
  /** The files of every stack, in config order, then any root files. */
  readonly files: OutputFile[];
  /** Warnings and notes from the checks; errors are thrown instead. */
  readonly findings: Finding[];
}

/** What processing a run of stacks produced, as plain data a worker thread can send back. */
export interface StackResults {
  /** Files of the stacks that rendered. */
  readonly files: OutputFile[];
  /** Every finding of the checks, all severities. */
  readonly findings: Finding[];
  /** Props that conflict, found while rendering. */
  readonly problems: Problem[];
}

/**
 * Renders every stack and checks every object before anything is written:
 * against the Kubernetes 1.28 API always, and in staging and production also
 * against the security policy and the credential leak guard.
 *
 * Throws {@link InputError} for props that conflict and {@link FindingsError}
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
  const header = provenanceHeader(options.source);
  const layout = options.layout ?? 'file-per-stack';
  const results: StackResults = { files: [], findings: [], problems: [] };
  stacks.forEach((stack, index) => {
    const location = { file: options.source, document: total > 1 ? offset + index + 1 : undefined };
    const objects = renderOrExplain(stack, location, results.problems);
    if (objects) {
      // Findings point at the file each object is written to, whatever the layout.
      const files = new Map(objects.map((o) => [`${o.kind}/${o.metadata.name}`, fileOf(stack.name, o, layout)]));
      const findings = runChecks(objects, { file: fileOf(stack.name, objects[0], 'file-per-stack'), environment: stack.environment });
      results.findings.push(...findings.map((f) => ({ ...f, file: files.get(f.object) ?? f.file })));
      results.files.push(...stackFiles({ name: stack.name, objects }, layout, header));
    }
    onStack?.();
  });
  return results;
}

/** Merges the results of consecutive chunks of `stacks`, adds the root files, and throws on any error. */
export function finish(stacks: readonly StackConfig[], chunks: readonly StackResults[], options: SynthesizeOptions): Synthesized {
  const problems = chunks.flatMap((c) => c.problems);
  if (problems.length) throw new InputError(problems);
  const findings = chunks.flatMap((c) => c.findings);
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length) throw new FindingsError(errors);
  const layout = options.layout ?? 'file-per-stack';
  const files = [...chunks.flatMap((c) => c.files), ...rootFiles(stacks.map((s) => s.name), layout, provenanceHeader(options.source))];
  return { files, findings: findings.filter((f) => f.severity !== 'info') };
}

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
    return renderStack(stack).objects;
  } catch (err) {
    // Anything but a construct validation error is a bug and keeps its trace.
    if (!(err instanceof SaplingsValidationError)) throw err;
    problems.push(...err.problems.map((p) => ({ ...location, path: '', message: `[${p.path}] ${p.message}` })));
    return undefined;
  }
}
