import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ENVIRONMENTS, Environment } from '../../conventions/defaults';
import { Problem, formatProblem } from '../../config/errors';
import { defaultStacks, loadConfigFile } from '../../config/load';
import { StackConfig } from '../../config/schema';
import { formatFinding } from '../../checks/findings';
import { diffOutput, isEmptyDiff, writeOutput } from '../../synth/output';
import { LAYOUTS, Layout } from '../../targets/kubernetes/layout';
import { synthesizeFleet } from '../../synth/fleet';
import { CliIO, Command, UsageError } from '../context';
import { findDefaultConfig } from './shared';

export const synthCommand: Command = {
  name: 'synth',
  summary: 'Write one <name>.k8s.yaml per stack of the config',
  usage: `Usage: saplings-k8s synth [--config FILE] [--out DIR] [--env NAME] [--layout L] [--check]

Validates the config and writes <name>.k8s.yaml for each of its stacks.

Options:
  -c, --config FILE  Config file (YAML or JSON, one stack per document).
                     Default: ./saplings.yaml if present, else the built-in
                     production stack from the deployment guide.
  -o, --out DIR      Output directory. Default: $CDK8S_OUTDIR or dist
  -e, --env NAME     Override environment in every stack: ${ENVIRONMENTS.join(', ')}
  -l, --layout L     file-per-stack (default): <name>.k8s.yaml per stack;
                     file-per-resource: <name>/<NN>-<kind>-<name>.yaml plus a
                     kustomization.yaml per stack and one at the root
      --check        Write nothing; exit 1 and list the files that would
                     change if DIR differs from what would be generated (CI)
      --debug        Show stack traces for unexpected errors
  -h, --help         Show this help`,

  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseArgs({
      args,
      options: {
        config: { type: 'string', short: 'c' },
        out: { type: 'string', short: 'o' },
        env: { type: 'string', short: 'e' },
        check: { type: 'boolean' },
        layout: { type: 'string', short: 'l' },
      },
      allowPositionals: false,
    });
    const environment = parseEnvironment(values.env);
    const { stacks, source } = loadStacks(values.config, io, environment);
    const outDir = path.resolve(io.cwd, values.out ?? io.env.CDK8S_OUTDIR ?? 'dist');

    const progress = progressLine(io, stacks.length);
    const { files, findings } = await synthesizeFleet(stacks, { source, layout: parseLayout(values.layout), onProgress: progress.update }).finally(progress.clear);
    for (const finding of findings) io.stderr(`⚠ ${formatFinding(finding)}\n`);
    const shown = path.relative(io.cwd, outDir) || '.';
    const show = (file: string) => path.join(shown, file);
    if (values.check) {
      const diff = diffOutput(outDir, files);
      if (isEmptyDiff(diff)) {
        io.stderr(`${shown} is up to date (${files.length} file${files.length === 1 ? '' : 's'})\n`);
        return 0;
      }
      for (const file of diff.added) io.stdout(`would add ${show(file)}\n`);
      for (const file of diff.changed) io.stdout(`would change ${show(file)}\n`);
      for (const file of diff.removed) io.stdout(`would remove ${show(file)}\n`);
      io.stderr(`${shown} differs from the config; run saplings-k8s synth to update it\n`);
      return 1;
    }

    const diff = writeOutput(outDir, files);
    const written = new Set([...diff.added, ...diff.changed]);
    if (files.length <= LIST_FILES_UP_TO) {
      for (const file of files) io.stderr(`${written.has(file.path) ? 'wrote' : 'unchanged'} ${show(file.path)}\n`);
      for (const file of diff.removed) io.stderr(`removed ${show(file)} (no longer generated)\n`);
    } else {
      io.stderr(
        `${shown}: ${stacks.length} stacks, ${files.length} files: ${written.size} written, ` +
          `${files.length - written.size} unchanged, ${diff.removed.length} removed\n`,
      );
    }
    return 0;
  },
};

/** Beyond this many files, synth prints a summary instead of a line per file. */
const LIST_FILES_UP_TO = 25;

/** Fleets larger than this show a progress line, when stderr is a terminal. */
const PROGRESS_ABOVE = 50;

/** A redrawn `synthesizing N/M stacks` line on a terminal; nothing otherwise. */
function progressLine(io: CliIO, total: number): { update: (done: number) => void; clear: () => void } {
  if (!io.stderrIsTTY || total <= PROGRESS_ABOVE) return { update: () => undefined, clear: () => undefined };
  let last = 0;
  return {
    update: (done) => {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      io.stderr(`\rsynthesizing ${done}/${total} stacks`);
    },
    clear: () => io.stderr('\r\u001b[K'),
  };
}

/** Validates a `--layout` value. */
function parseLayout(value: string | undefined): Layout {
  if (value === undefined) return 'file-per-stack';
  if (!(LAYOUTS as readonly string[]).includes(value)) {
    throw new UsageError(`--layout must be one of ${LAYOUTS.join(', ')}, got "${value}"`);
  }
  return value as Layout;
}

/** Validates an `--env` value. */
export function parseEnvironment(value: string | undefined): Environment | undefined {
  if (value === undefined) return undefined;
  if (!(ENVIRONMENTS as readonly string[]).includes(value)) {
    throw new UsageError(`--env must be one of ${ENVIRONMENTS.join(', ')}, got "${value}"`);
  }
  return value as Environment;
}

/** Loads the stacks a command works on, and names where they came from for provenance. */
export function loadStacks(
  configFlag: string | undefined,
  io: CliIO,
  environment: Environment | undefined,
): { stacks: StackConfig[]; source: string } {
  const file = configFlag ?? findDefaultConfig(io.cwd);
  if (file === undefined) {
    return { stacks: defaultStacks({ environment, onWarning: (p) => io.stderr(`⚠ ${formatProblem(p)}\n`) }), source: 'the built-in default config' };
  }
  const onWarning = (problem: Problem) => io.stderr(`⚠ ${formatProblem(problem)}\n`);
  return { stacks: loadConfigFile(file, { environment, cwd: io.cwd, env: io.env, onWarning }), source: file };
}

