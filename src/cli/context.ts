import { SaplingsError } from '../conventions/diagnostic';

/** Where a command writes, so tests can capture it and the bin can use the process streams. */
export interface CliIO {
  /** Results: manifests, schemas, diagrams. */
  readonly stdout: (text: string) => void;
  /** Messages: progress, warnings, errors. */
  readonly stderr: (text: string) => void;
  /** Working directory that relative paths resolve against. */
  readonly cwd: string;
  /** Environment variables. */
  readonly env: NodeJS.ProcessEnv;
  /** Whether stderr is a terminal, so a progress line may be redrawn. @default false */
  readonly stderrIsTTY?: boolean;
}

/** The {@link SaplingsError} (kind `usage`) for a command line the CLI cannot make sense of. Exit status 2. */
export function usageError(message: string): SaplingsError {
  return new SaplingsError('usage', message);
}

/** One `saplings-k8s` subcommand. */
export interface Command {
  /** The word that selects it. */
  readonly name: string;
  /** One line for `--help`. */
  readonly summary: string;
  /** Full usage text for `<command> --help`. */
  readonly usage: string;
  /** Runs the command; resolves to the exit status. */
  run(args: string[], io: CliIO): Promise<number>;
}
