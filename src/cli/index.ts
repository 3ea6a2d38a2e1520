import { SaplingsError } from '../conventions/diagnostic';
import { packageVersion } from '../synth/provenance';
import { CliIO, Command, usageError } from './context';
import { PROBLEM_FORMATS, ProblemFormat, reportError } from './problem-formats';

/* eslint-disable @typescript-eslint/no-require-imports */
/** Every command, in the order `--help` lists them; each module loads when its command runs, so a run loads only its own. */
const COMMANDS: readonly { readonly name: string; readonly load: () => Command }[] = [
  { name: 'synth', load: () => (require('./commands/synth') as typeof import('./commands/synth')).synthCommand },
  { name: 'diff', load: () => (require('./commands/diff') as typeof import('./commands/diff')).diffCommand },
  { name: 'validate', load: () => (require('./commands/validate') as typeof import('./commands/validate')).validateCommand },
  { name: 'diagram', load: () => (require('./commands/diagram') as typeof import('./commands/diagram')).diagramCommand },
  { name: 'schema', load: () => (require('./commands/schema') as typeof import('./commands/schema')).schemaCommand },
  { name: 'init', load: () => (require('./commands/init') as typeof import('./commands/init')).initCommand },
];
/* eslint-enable @typescript-eslint/no-require-imports */

const EXIT = { ok: 0, invalidInput: 1, usage: 2 } as const;

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `saplings-k8s ${packageVersion()}: production Kubernetes manifests for Saplings, from one config file

Usage: saplings-k8s <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.load().summary}`).join('\n')}

Options:
  -h, --help         Show help (also: saplings-k8s <command> --help)
  -v, --version      Print the version
      --format FMT   synth, validate: how problems are reported: text (default,
                     FILE:LINE:COL: key: message on stderr), github (::error
                     annotations on stdout) or json (on stdout)
      --debug        Show stack traces for unexpected errors

Exit status: 0 ok, 1 invalid input, 2 usage error (diff: 0 no changes, 1 changes,
2 or more an error, as kubectl diff).
`;
}

/** Runs the CLI on `argv` (without node and script) and resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const debug = argv.includes('--debug');
  let format: ProblemFormat = 'text';
  let args: string[];
  try {
    const withoutDebug = argv.filter((a) => a !== '--debug');
    // `diagram --format` and `diff --format` choose the command's own output format, so problems are text there.
    ({ format, args } = withoutDebug[0] === 'diagram' || withoutDebug[0] === 'diff' ? { format, args: withoutDebug } : takeFormat(withoutDebug));
  } catch (err) {
    return report(err, io, debug, format);
  }
  const [name, ...rest] = args;
  try {
    if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      (name === undefined ? io.stderr : io.stdout)(usage());
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    if (name === '-v' || name === '--version') {
      io.stdout(`${packageVersion()}\n`);
      return EXIT.ok;
    }
    const command = COMMANDS.find((c) => c.name === name)?.load();
    if (!command) throw usageError(`unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
    if (rest.includes('-h') || rest.includes('--help')) {
      io.stdout(`${command.usage}\n`);
      return EXIT.ok;
    }
    return await command.run(rest, io);
  } catch (err) {
    const status = report(err, io, debug, format);
    // `diff` follows kubectl diff, where 1 means "changes found": its errors, invalid input included, exit 2.
    return name === 'diff' && status === EXIT.invalidInput ? EXIT.usage : status;
  }
}

/** Takes the global `--format FMT` (or `--format=FMT`) out of the arguments. */
function takeFormat(argv: readonly string[]): { format: ProblemFormat; args: string[] } {
  const args: string[] = [];
  let format: ProblemFormat = 'text';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg !== '--format' && !arg.startsWith('--format=')) {
      args.push(arg);
      continue;
    }
    const value = arg === '--format' ? argv[++i] : arg.slice('--format='.length);
    if (!(PROBLEM_FORMATS as readonly (string | undefined)[]).includes(value)) {
      throw usageError(`--format must be one of ${PROBLEM_FORMATS.join(', ')}, got ${value === undefined ? 'nothing' : `"${value}"`}`);
    }
    format = value as ProblemFormat;
  }
  return { format, args };
}

function report(err: unknown, io: CliIO, debug: boolean, format: ProblemFormat): number {
  const color = io.env.NO_COLOR === undefined && io.env.FORCE_COLOR !== '0' && process.stderr.isTTY === true;
  const mark = color ? '\u001b[31m✖\u001b[0m' : '✖';
  // A construct error is a bug of the target that rendered it (the Kubernetes target turns the ones config can cause into input problems): it keeps its trace.
  if (SaplingsError.isSaplingsError(err) && err.kind !== 'construct') return reportError(err, format, io, mark);
  // node:util parseArgs reports unknown or malformed flags with these codes.
  const code = (err as { code?: string }).code;
  if (code?.startsWith('ERR_PARSE_ARGS_')) return reportError(usageError((err as Error).message), format, io, mark);
  const message = err instanceof Error ? err.message : String(err);
  io.stderr(`${mark} ${message}\n`);
  if (debug && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
  else io.stderr('Run again with --debug for a stack trace.\n');
  return EXIT.invalidInput;
}
