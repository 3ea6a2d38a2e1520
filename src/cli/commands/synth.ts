import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ENVIRONMENTS } from '../../conventions/defaults';
import { OutputDiff, isEmptyDiff } from '../../synth/output';
import { synthesizeToDirectory } from '../../synth/pipeline';
import { RECORD_FILE } from '../../synth/record';
import { ALL_TARGETS, DEFAULT_TARGET, targetEntries } from '../../targets';
import { LAYOUTS, Layout } from '../../targets/kubernetes/layout';
import { CliIO, Command, usageError } from '../context';
import { warningLine } from '../problem-formats';
import { GITOPS_HELP, KUBE_VERSION_HELP, MAX_CONFIG_SIZE_HELP, NO_CACHE_HELP, RENDER_OPTIONS, EXAMPLE_HELP, configInput, loadGitops, parseKubeVersion, parseByteSize, parseEnvironment } from './shared';

export const synthCommand: Command = {
  name: 'synth',
  summary: 'Write one <name>.k8s.yaml per stack of the config',
  get usage() {
    return `Usage: saplings-k8s synth [--config FILE | --example] [--out DIR] [--env NAME] [--target T]... [--layout L] [--kube-version V] [--check] [--force] [--prune] [--gitops FILE] [--no-cache]

Validates the config and writes <name>.k8s.yaml for each of its stacks, or
the files of the targets selected with --target. Every file is checked before
anything is written, and everything is written at once. Every file written is
recorded with its target, stack and sha256 in DIR/${RECORD_FILE}; a later
run removes only recorded files of the targets it renders that it no longer
writes, never another file. Ctrl-C (SIGINT) or SIGTERM leaves DIR as it was
(or, once the files are moving into place, finishes) and exits 130 or 143.

Options:
  -c, --config FILE  Config file (YAML or JSON, one stack per document).
                     Default: ./saplings.yaml, else ./saplings.yml; without
                     either (or --example), synth fails and writes nothing
${EXAMPLE_HELP}
  -o, --out DIR      Output directory. Default: $CDK8S_OUTDIR or dist
  -e, --env NAME     Override environment in every stack: ${ENVIRONMENTS.join(', ')}
  -t, --target T     What to generate: ${targetEntries().map((e) => e.name).join(', ')}, or ${ALL_TARGETS}.
                     Default: ${DEFAULT_TARGET}. Repeat it for several targets.
                     "${ALL_TARGETS}" selects every target whose keys the config
                     sets, and names the ones it skips. Kubernetes always
                     writes into DIR, every other target into DIR/<target>/
  -l, --layout L     For kubernetes: file-per-stack (default): <name>.k8s.yaml
                     per stack; file-per-resource: <name>/<NN>-<kind>-<name>.yaml
                     plus a kustomization.yaml per stack and one at the root
${KUBE_VERSION_HELP}
      --check        Write nothing; exit 1 and list the files that would
                     change if DIR differs from what would be generated (CI)
      --force        Replace files at generated paths that saplings-k8s did
                     not write (no header comment, not in ${RECORD_FILE});
                     without it, synth refuses and changes nothing
      --prune        Also remove recorded files of targets this run does not
                     render, and files an older version wrote, that this run
                     does not write
${GITOPS_HELP}
${NO_CACHE_HELP}
${MAX_CONFIG_SIZE_HELP}
      --debug        Show stack traces for unexpected errors
  -h, --help         Show this help`;
  },

  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseArgs({
      args,
      options: {
        ...RENDER_OPTIONS,
        check: { type: 'boolean' },
        force: { type: 'boolean' },
        prune: { type: 'boolean' },
      },
      allowPositionals: false,
    });
    const environment = parseEnvironment(values.env);
    const outDir = path.resolve(io.cwd, values.out ?? io.env.CDK8S_OUTDIR ?? 'dist');
    const layout = parseLayout(values.layout);
    const kubeVersion = parseKubeVersion(values['kube-version']);
    const gitops = loadGitops(values.gitops, layout, io);
    const targets = parseTargets(values.target);
    const maxConfigBytes = parseByteSize(values['max-config-size']);
    const shown = path.relative(io.cwd, outDir) || '.';
    const interrupt = onInterrupt();
    let progress: ReturnType<typeof progressLine> | undefined;
    try {
      const result = await synthesizeToDirectory({
        ...configInput(values.config, io, environment, values.example),
        outDir,
        environment,
        targets,
        layout,
        kubeVersion,
        gitops,
        check: values.check,
        force: values.force,
        prune: values.prune,
        maxConfigBytes,
        cache: !values['no-cache'],
        cwd: io.cwd,
        env: io.env,
        onWarning: (problem) => io.stderr(warningLine(problem)),
        onProgress: (done, total) => (progress ??= progressLine(io, total)).update(done),
        signal: interrupt.signal,
        onCommitted: interrupt.committed,
      }).finally(() => progress?.clear());
      for (const s of result.skipped) io.stderr(`skipped target ${s.name}: stack ${s.stack} does not set ${s.missingKey}, which it requires\n`);
      for (const finding of result.findings) io.stderr(warningLine(finding));
      const { files } = result;
      const show = (file: string) => path.join(shown, file);
      if (values.check) {
        if (result.interruptedRun) {
          io.stderr(`${shown} holds a run that was stopped while writing; run saplings-k8s synth to restore it, then check again\n`);
          return 1;
        }
        const diff = result.diff!;
        if (isEmptyDiff(diff)) {
          io.stderr(`${shown} is up to date (${files.length} file${files.length === 1 ? '' : 's'})\n`);
          return 0;
        }
        for (const file of diff.added) io.stdout(`would add ${show(file)}\n`);
        for (const file of diff.changed) io.stdout(`would change ${show(file)}\n`);
        for (const file of diff.removed) io.stdout(`would remove ${show(file)}\n`);
        // What changes in those files, object by object, as `saplings-k8s diff` ends with it; on stderr, so stdout stays the list.
        // diff's modules load only here, for --check with changes, never for a plain synth.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { outputChangeSummary } = require('../../diff/summary') as typeof import('../../diff/summary');
        io.stderr(outputChangeSummary(outDir, files, result.layout, shown));
        io.stderr(`${shown} differs from the config; run saplings-k8s synth to update it (saplings-k8s diff shows each change)\n`);
        return 1;
      }

      const diff = result.diff!;
      const written = new Set([...diff.added, ...diff.changed]);
      if (files.length <= LIST_FILES_UP_TO) {
        for (const file of files) io.stderr(`${written.has(file.path) ? 'wrote' : 'unchanged'} ${show(file.path)}\n`);
        for (const file of diff.removed) io.stderr(`removed ${show(file)} (${values.prune ? 'pruned' : 'no longer generated'})\n`);
      } else {
        io.stderr(
          `${shown}: ${result.stacks.length} stacks, ${files.length} files: ${written.size} written, ` +
            `${files.length - written.size} unchanged, ${diff.removed.length} ${values.prune ? 'pruned' : 'removed'}\n`,
        );
      }
      reportLeft(diff, show, io);
      // The commit ran to its end; a signal that came meanwhile still ends the run as a signal does.
      await interrupt.settle();
      interrupt.signal.throwIfAborted();
      return 0;
    } catch (err) {
      if (!(err instanceof Interrupted)) throw err;
      io.stderr(`✖ stopped by ${err.signal}: ${err.committed ? `${shown} holds the new files` : `${shown} still holds the files it had before`}\n`);
      return err.exitCode;
    } finally {
      interrupt.dispose();
    }
  },
};

/** Tells about recorded files this run left in place. */
function reportLeft(diff: OutputDiff, show: (file: string) => string, io: CliIO): void {
  for (const file of diff.left) io.stderr(`left ${show(file)}: edited since saplings-k8s wrote it, so it is no longer recorded; delete it if it is not needed\n`);
  if (diff.adopted.length > 0) {
    const n = diff.adopted.length;
    io.stderr(
      `adopted ${n} file${n === 1 ? '' : 's'} an older version wrote from this config that this run does not write, ` +
        `starting with ${show(diff.adopted[0])}; they stay until synth --prune removes them\n`,
    );
  }
}

/** SIGINT or SIGTERM stopped the run. */
class Interrupted extends Error {
  /** 128 + the signal's number, as a shell reports a process the signal ended. */
  public readonly exitCode: number;

  constructor(
    public readonly signal: 'SIGINT' | 'SIGTERM',
    /** Whether the new files were in place when the signal was handled. */
    public readonly committed = false,
  ) {
    super(`stopped by ${signal}`);
    this.exitCode = signal === 'SIGINT' ? 130 : 143;
  }
}

/**
 * Catches SIGINT and SIGTERM for the run: the signal aborts, and the run
 * stops at the next point where it can leave the output as it was (see the
 * synth help). Without the handlers, Node would exit at once, leaving the
 * staging folder and the lock token behind.
 */
function onInterrupt(): { signal: AbortSignal; settle: () => Promise<void>; committed: () => void; dispose: () => void } {
  const controller = new AbortController();
  let committed = false;
  const handler = (signal: 'SIGINT' | 'SIGTERM') => {
    if (!controller.signal.aborted) controller.abort(new Interrupted(signal, committed));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    // Node runs signal handlers from the event loop; one turn of it delivers a signal that came during synchronous work.
    settle: () => new Promise((resolve) => setImmediate(resolve)),
    committed: () => {
      committed = true;
    },
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

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

/**
 * Validates the `--target` values: each a target's name or `all`; none means
 * the default target. Duplicates collapse, keeping the first position.
 */
export function parseTargets(values: readonly string[] | undefined): string[] {
  const names = targetEntries().map((e) => e.name);
  for (const value of values ?? []) {
    if (value !== ALL_TARGETS && !names.includes(value)) {
      throw usageError(`--target must be one of ${[...names, ALL_TARGETS].join(', ')}, got "${value}"`);
    }
  }
  return values?.length ? [...new Set(values)] : [DEFAULT_TARGET];
}

/** Validates a `--layout` value. */
export function parseLayout(value: string | undefined): Layout {
  if (value === undefined) return 'file-per-stack';
  if (!(LAYOUTS as readonly string[]).includes(value)) {
    throw usageError(`--layout must be one of ${LAYOUTS.join(', ')}, got "${value}"`);
  }
  return value as Layout;
}
