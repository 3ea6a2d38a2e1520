import { InputError, Problem } from '../config/errors';
import { StackConfig } from '../config/schema';
import { Finding, FindingsError } from './findings';
import { validateObjects } from './k8s-validate';
import { findLeaks } from './leak-guard';
import { OutputFile } from './output';
import { checkPolicy } from './policy';
import { provenanceHeader } from './provenance';
import { KubeObject, renderStack, toYaml } from './render';

/** Options for {@link synthesize}. */
export interface SynthesizeOptions {
  /** Where the config came from, for the provenance header and messages. */
  readonly source: string;
}

/** The files to write, and what the checks found that is not an error. */
export interface Synthesized {
  /** One file per stack, in config order. */
  readonly files: OutputFile[];
  /** Warnings and notes from the checks; errors are thrown instead. */
  readonly findings: Finding[];
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
  const header = provenanceHeader(options.source);
  const files: OutputFile[] = [];
  const findings: Finding[] = [];
  const problems: Problem[] = [];
  stacks.forEach((stack, index) => {
    const file = `${stack.name}.k8s.yaml`;
    const location = { file: options.source, document: stacks.length > 1 ? index + 1 : undefined };
    const objects = renderOrExplain(stack, location, problems);
    if (!objects) return;
    findings.push(...checkObjects(objects, stack, file));
    files.push({ path: file, content: toYaml(objects, header) });
  });
  if (problems.length) throw new InputError(problems);
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length) throw new FindingsError(errors);
  return { files, findings: findings.filter((f) => f.severity !== 'info') };
}

/** The checks a stack's objects must pass before they are written. */
export function checkObjects(objects: readonly KubeObject[], stack: StackConfig, file: string): Finding[] {
  const findings = validateObjects(objects, { file });
  if (stack.environment !== 'development') {
    findings.push(...checkPolicy(objects, { file }), ...findLeaks(objects, file));
  }
  return findings;
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
    const message = err instanceof Error ? err.message : '';
    // cdk8s gathers node.addValidation() results into one error; anything else is a bug and keeps its trace.
    if (!message.startsWith('Validation failed')) throw err;
    const lines = message.split('\n').slice(1).map((l) => l.trim()).filter((l) => l);
    problems.push(...lines.map((line) => ({ ...location, path: '', message: line })));
    return undefined;
  }
}
