import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ENVIRONMENTS } from '../../conventions/defaults';
import { StackConfig } from '../../config/types';
import { InputError } from '../../config/errors';
import { formatFinding } from '../../checks/findings';
import { OutputFile, StagedOutput, diffOutput, isEmptyDiff, withFilesManifest } from '../../synth/output';
import { ALL_TARGETS, DEFAULT_TARGET, TargetEntry, applicableTargets, findTarget, targetEntries } from '../../targets';
import { LAYOUTS, Layout } from '../../targets/kubernetes/layout';
import { FleetWorkers, PARALLEL_THRESHOLD, synthesizeFleet } from '../../synth/fleet';
import { Synthesized } from '../../synth/synthesize';
import { hasInterruptedRun } from '../../synth/journal';
import { CliIO, Command, UsageError } from '../context';
import { MAX_CONFIG_SIZE_HELP, MAX_CONFIG_SIZE_OPTION, configFileOf, loadStacks, parseByteSize, parseEnvironment } from './shared';

export const synthCommand: Command = {
  name: 'synth',
  summary: 'Write one <name>.k8s.yaml per stack of the config',
  get usage() {
    return `Usage: saplings-k8s synth [--config FILE] [--out DIR] [--env NAME] [--target T]... [--layout L] [--check] [--force]

Validates the config and writes <name>.k8s.yaml for each of its stacks, or
the files of the targets selected with --target. Every file is checked before
anything is written, and everything is written at once. Files in formats
without comments (JSON) are listed with their sha256 in DIR/.saplings-k8s-files,
which marks them as generated, as the header comment marks the others.

Options:
  -c, --config FILE  Config file (YAML or JSON, one stack per document).
                     Default: ./saplings.yaml if present, else the built-in
                     production stack from the deployment guide.
  -o, --out DIR      Output directory. Default: $CDK8S_OUTDIR or dist
  -e, --env NAME     Override environment in every stack: ${ENVIRONMENTS.join(', ')}
  -t, --target T     What to generate: ${targetEntries().map((e) => e.name).join(', ')}, or ${ALL_TARGETS}.
                     Default: ${DEFAULT_TARGET}. Repeat it for several targets:
                     each then writes into DIR/<target>/. "${ALL_TARGETS}" selects
                     every target whose keys the config sets, always into
                     DIR/<target>/, and names the ones it skips
  -l, --layout L     For kubernetes: file-per-stack (default): <name>.k8s.yaml
                     per stack; file-per-resource: <name>/<NN>-<kind>-<name>.yaml
                     plus a kustomization.yaml per stack and one at the root
      --check        Write nothing; exit 1 and list the files that would
                     change if DIR differs from what would be generated (CI)
      --force        Replace files at generated paths that saplings-k8s did
                     not write (no header comment, not in .saplings-k8s-files);
                     without it, synth refuses and changes nothing
${MAX_CONFIG_SIZE_HELP}
      --debug        Show stack traces for unexpected errors
  -h, --help         Show this help`;
  },

  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseArgs({
      args,
      options: {
        config: { type: 'string', short: 'c' },
        out: { type: 'string', short: 'o' },
        env: { type: 'string', short: 'e' },
        check: { type: 'boolean' },
        force: { type: 'boolean' },
        layout: { type: 'string', short: 'l' },
        target: { type: 'string', short: 't', multiple: true },
        ...MAX_CONFIG_SIZE_OPTION,
      },
      allowPositionals: false,
    });
    const environment = parseEnvironment(values.env);
    const outDir = path.resolve(io.cwd, values.out ?? io.env.CDK8S_OUTDIR ?? 'dist');
    const layout = parseLayout(values.layout);
    const requested = parseTargets(values.target);
    const maxConfigBytes = parseByteSize(values['max-config-size']);
    // Threads for a fleet start now, and load their modules while this one parses the config.
    const pool = looksLikeFleet(configFileOf(values.config, io), io, maxConfigBytes) ? FleetWorkers.start() : undefined;
    // A fleet's files are staged as its workers finish them, so the disk works while they render; nothing
    // reaches the output before everything is checked (see StagedOutput).
    const staging = values.check ? undefined : new StagedOutput(outDir, { force: values.force });
    const onFiles = staging && pool ? (batch: OutputFile[]) => staging.stage(batch) : undefined;
    try {
      let synthesized: Synthesized;
      let stackCount: number;
      try {
        // Inline Secret values are needed only by a target that writes them (`all` includes Kubernetes).
        const requireInlineValues = requested.some((name) => name === ALL_TARGETS || findTarget(name)?.writesInlineSecrets === true);
        const { stacks, source, locate } = loadStacks(values.config, io, { environment, maxConfigBytes, requireInlineValues });
        stackCount = stacks.length;
        const { targets, targetDirectories } = resolveTargets(requested, stacks, io);
        const progress = progressLine(io, stacks.length);
        synthesized = await synthesizeFleet(stacks, { source, layout, targets, targetDirectories, onProgress: progress.update, pool, onFiles })
          .catch((err: unknown) => {
            // A target's problems name config keys; find them in the file, as the schema's problems are.
            throw err instanceof InputError ? new InputError(locate(err.problems)) : err;
          })
          .finally(progress.clear);
      } finally {
        pool?.close();
      }
      const { findings } = synthesized;
      // The manifest of generated files is listed like any other file the run writes.
      const files = withFilesManifest(synthesized.files);
      for (const finding of findings) io.stderr(`⚠ ${formatFinding(finding)}\n`);
      const shown = path.relative(io.cwd, outDir) || '.';
      const show = (file: string) => path.join(shown, file);
      if (values.check) {
        // --check writes nothing, so it cannot roll a killed run back; comparing a half-changed directory would mislead.
        if (hasInterruptedRun(outDir)) {
          io.stderr(`${shown} holds a run that was stopped while writing; run saplings-k8s synth to restore it, then check again\n`);
          return 1;
        }
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

      const diff = staging!.commit(files);
      const written = new Set([...diff.added, ...diff.changed]);
      if (files.length <= LIST_FILES_UP_TO) {
        for (const file of files) io.stderr(`${written.has(file.path) ? 'wrote' : 'unchanged'} ${show(file.path)}\n`);
        for (const file of diff.removed) io.stderr(`removed ${show(file)} (no longer generated)\n`);
      } else {
        io.stderr(
          `${shown}: ${stackCount} stacks, ${files.length} files: ${written.size} written, ` +
            `${files.length - written.size} unchanged, ${diff.removed.length} removed\n`,
        );
      }
      return 0;
    } finally {
      staging?.close();
    }
  },
};

/**
 * Whether a config file holds enough stacks for worker threads: counted by
 * its `---` document markers, before it is parsed. Only a regular file within
 * the size limit is read (loading reports anything else).
 */
function looksLikeFleet(file: string | undefined, io: CliIO, maxConfigBytes: number): boolean {
  if (file === undefined) return false;
  try {
    const resolved = path.resolve(io.cwd, file);
    const stat = fs.statSync(resolved);
    if (!stat.isFile() || stat.size > maxConfigBytes || stat.size < PARALLEL_THRESHOLD * 20) return false;
    return (fs.readFileSync(resolved, 'utf8').match(/^---/gm)?.length ?? 0) + 1 >= PARALLEL_THRESHOLD;
  } catch {
    return false;
  }
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
      throw new UsageError(`--target must be one of ${[...names, ALL_TARGETS].join(', ')}, got "${value}"`);
    }
  }
  return values?.length ? [...new Set(values)] : [DEFAULT_TARGET];
}

/**
 * The targets to render for the requested names, and whether each writes
 * into a directory of its own. `all` always does, even when one target
 * applies, so the Kubernetes files do not move when a config later gains
 * another target's keys and a GitOps tool's path stays right.
 */
function resolveTargets(requested: readonly string[], stacks: readonly StackConfig[], io: CliIO): { targets: TargetEntry[]; targetDirectories: boolean } {
  if (!requested.includes(ALL_TARGETS)) {
    const targets = requested.map((name) => findTarget(name)!);
    return { targets, targetDirectories: targets.length > 1 };
  }
  const { selected, skipped } = applicableTargets(stacks);
  for (const s of skipped) {
    io.stderr(`skipped target ${s.name}: stack ${s.stack} does not set ${s.missingKey}, which it requires\n`);
  }
  if (selected.length === 0) throw new UsageError(`--target ${ALL_TARGETS}: the config sets the keys of no target`);
  return { targets: selected, targetDirectories: true };
}

/** Validates a `--layout` value. */
function parseLayout(value: string | undefined): Layout {
  if (value === undefined) return 'file-per-stack';
  if (!(LAYOUTS as readonly string[]).includes(value)) {
    throw new UsageError(`--layout must be one of ${LAYOUTS.join(', ')}, got "${value}"`);
  }
  return value as Layout;
}
