import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ENVIRONMENTS } from '../../conventions/defaults';
import { synthesizeToDirectory } from '../../synth/pipeline';
import { ALL_TARGETS, DEFAULT_TARGET, targetEntries } from '../../targets';
import { compareFiles } from '../../diff/compare';
import { DIFF_FORMATS, DiffFormat, formatDiff } from '../../diff/format';
import { filesAtRef, filesOnDisk } from '../../diff/sources';
import { CliIO, Command, usageError } from '../context';
import { warningLine } from '../problem-formats';
import { GITOPS_HELP, KUBE_VERSION_HELP, MAX_CONFIG_SIZE_HELP, NO_CACHE_HELP, RENDER_OPTIONS, EXAMPLE_HELP, configInput, loadGitops, parseKubeVersion, parseByteSize, parseEnvironment } from './shared';
import { parseLayout, parseTargets } from './synth';

export const diffCommand: Command = {
  name: 'diff',
  summary: 'Show what synth would change in DIR, object by object (exit 1 when it would)',
  get usage() {
    return `Usage: saplings-k8s diff [--config FILE | --example] [--out DIR] [--env NAME] [--target T]... [--layout L] [--kube-version V]
                         [--against GIT_REF] [--format text|markdown|json] [--show-noise] [--gitops FILE] [--no-cache]

Renders the config as synth would, in memory, and compares it with the
generated files in DIR, or with DIR as it was committed at GIT_REF (read
from git, no checkout). Writes nothing.

Kubernetes objects are listed as added, removed or changed by kind,
namespace and name, with the changed fields as key paths, old and new.
Compose, Cloud Run and ECS files are compared the same way, document by
document; nginx.conf line by line. A Secret's values, and values that look
like credentials, are never shown: "changed (value hidden)".

Provenance headers, the checksum/config and checksum/secret annotations and
the manifest of generated files only follow from other changes: they are
counted but not listed, and do not make the exit status 1.

Options:
  -c, --config FILE  Config file, as for synth. Default: ./saplings.yaml, else
                     ./saplings.yml; without either (or --example), diff fails
${EXAMPLE_HELP}
  -o, --out DIR      The generated files to compare with. Default: $CDK8S_OUTDIR or dist
  -e, --env NAME     Override environment in every stack: ${ENVIRONMENTS.join(', ')}
  -t, --target T     As for synth: ${targetEntries().map((e) => e.name).join(', ')}, or ${ALL_TARGETS}.
                     Default: ${DEFAULT_TARGET}
  -l, --layout L     As for synth: file-per-stack (default) or file-per-resource
${KUBE_VERSION_HELP}
      --against REF  Compare with DIR's files at this git commit, branch or tag
                     (git show REF:DIR) instead of the files on disk
      --format F     text (default; coloured on a terminal unless NO_COLOR is
                     set), markdown (a pull-request comment) or json (for tools)
      --show-noise   List the checksum annotations and provenance headers too
${GITOPS_HELP}
${NO_CACHE_HELP}
${MAX_CONFIG_SIZE_HELP}
      --debug        Show stack traces for unexpected errors
  -h, --help         Show this help

Exit status, as kubectl diff: 0 no changes, 1 changes, 2 or more an error,
invalid input included. This departs from the other commands, where 1 means
invalid input.`;
  },

  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseArgs({
      args,
      options: {
        ...RENDER_OPTIONS,
        against: { type: 'string' },
        format: { type: 'string' },
        'show-noise': { type: 'boolean' },
      },
      allowPositionals: false,
    });
    const format = parseDiffFormat(values.format);
    const environment = parseEnvironment(values.env);
    const layout = parseLayout(values.layout);
    const kubeVersion = parseKubeVersion(values['kube-version']);
    const gitops = loadGitops(values.gitops, layout, io);
    const maxConfigBytes = parseByteSize(values['max-config-size']);
    const against = values.against;
    if (against !== undefined && (against === '' || against.startsWith('-'))) {
      throw usageError(`--against must be a git ref such as main or HEAD~1, got "${against}"`);
    }
    const outDir = path.resolve(io.cwd, values.out ?? io.env.CDK8S_OUTDIR ?? 'dist');

    // The same call as synth --check, so what is compared is exactly what synth would write.
    const result = await synthesizeToDirectory({
      ...configInput(values.config, io, environment, values.example),
      outDir,
      environment,
      targets: parseTargets(values.target),
      layout,
      kubeVersion,
      gitops,
      check: true,
      maxConfigBytes,
      cache: !values['no-cache'],
      cwd: io.cwd,
      env: io.env,
      onWarning: (problem) => io.stderr(warningLine(problem)),
    });
    for (const s of result.skipped) io.stderr(`skipped target ${s.name}: stack ${s.stack} does not set ${s.missingKey}, which it requires\n`);
    for (const finding of result.findings) io.stderr(warningLine(finding));
    const { files } = result;

    const shown = path.relative(io.cwd, outDir) || '.';
    const before = against === undefined ? filesOnDisk(outDir, files, shown) : filesAtRef(outDir, against, files, { cwd: io.cwd, env: io.env });
    const comparison = compareFiles(before, new Map(files.map((f) => [f.path, f.content])), {
      against: against === undefined ? shown : `${shown} at ${against}`,
      layout: result.layout,
    });
    io.stdout(formatDiff(comparison, format, { color: format === 'text' && useColor(io), showNoise: values['show-noise'] }));
    // https://kubernetes.io/docs/reference/kubectl/generated/kubectl_diff/: 0 no differences, 1 differences, >1 an error
    // (src/cli/index.ts turns this command's errors into 2).
    return comparison.changed ? 1 : 0;
  },
};

/** Validates a `--format` value of diff. */
function parseDiffFormat(value: string | undefined): DiffFormat {
  if (value === undefined) return 'text';
  if (!(DIFF_FORMATS as readonly string[]).includes(value)) throw usageError(`--format must be one of ${DIFF_FORMATS.join(', ')}, got "${value}"`);
  return value as DiffFormat;
}

/** Colour on a terminal, as kubectl diff; never with NO_COLOR (https://no-color.org) or FORCE_COLOR=0. */
function useColor(io: CliIO): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined) return io.env.FORCE_COLOR !== '0';
  return process.stdout.isTTY === true;
}
