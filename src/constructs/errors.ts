import { IConstruct } from 'constructs';

/** One thing wrong with a construct: where it is in the tree, and what is wrong. */
export interface ConstructProblem {
  /** The construct's path, e.g. `saplings/App/Secret`. */
  readonly path: string;
  /** What is wrong, naming the props and values involved and what to do instead. */
  readonly message: string;
}

/**
 * The one error constructs raise for props that conflict, thrown at once by a
 * constructor or gathered from `node.addValidation()` rules by
 * {@link validateConstructs}. Catch it by type and read {@link problems};
 * the message lists each problem as `[path] message`.
 */
export class SaplingsValidationError extends Error {
  /** Every problem found, in construct-tree order. */
  public readonly problems: readonly ConstructProblem[];

  constructor(problems: readonly ConstructProblem[]) {
    super(problems.map((p) => `[${p.path}] ${p.message}`).join('\n'));
    this.name = 'SaplingsValidationError';
    this.problems = problems;
  }

  /** The error for one construct whose props conflict. */
  public static of(scope: IConstruct, message: string): SaplingsValidationError {
    return new SaplingsValidationError([{ path: scope.node.path, message }]);
  }
}

/**
 * Runs every `node.addValidation()` rule under `scope` (cdk8s-plus' own
 * included) and throws one {@link SaplingsValidationError} listing every
 * problem. cdk8s runs the same rules at synth, but wraps them in a plain
 * `Error`; calling this first lets callers catch them by type.
 */
export function validateConstructs(scope: IConstruct): void {
  const problems = scope.node
    .findAll()
    .flatMap((c) => c.node.validate().map((message) => ({ path: c.node.path, message })));
  if (problems.length > 0) throw new SaplingsValidationError(problems);
}
