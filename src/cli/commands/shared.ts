import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENVIRONMENTS, Environment } from '../../conventions/defaults';
import { Problem, inputError } from '../../config/errors';
import { DEFAULT_MAX_CONFIG_BYTES, defaultStacks, loadConfig } from '../../config/load';
import { StackConfig } from '../../config/types';
import { KUBERNETES_VERSION, KUBE_VERSIONS, KubeVersion, isKubeVersion } from '../../conventions/kube-version';
import { CliIO, usageError } from '../context';
import { warningLine } from '../problem-formats';
import type { Layout } from '../../targets/kubernetes/layout';
import type { GitopsSettings } from '../../targets/kubernetes/gitops/types';

/** The config file commands pick up from the working directory when `--config` is not given. */
export const DEFAULT_CONFIG_FILE = 'saplings.yaml';

/** The files looked for, in order, when `--config` is not given; `init` writes the first. */
export const DEFAULT_CONFIG_FILES: readonly string[] = [DEFAULT_CONFIG_FILE, 'saplings.yml'];

/** The first of {@link DEFAULT_CONFIG_FILES} in `cwd`, if any exists. */
export function findDefaultConfig(cwd: string): string | undefined {
  return DEFAULT_CONFIG_FILES.find((file) => fs.existsSync(path.join(cwd, file)));
}

/** The flag that asks for the built-in example stack instead of a config file. */
export const EXAMPLE_OPTION = { example: { type: 'boolean' } } as const;

/** Help text for {@link EXAMPLE_OPTION}. */
export const EXAMPLE_HELP = `      --example      Use the built-in example: the deployment guide's production
                     stack (image saplings:1.0.0, host api.your-domain.com),
                     instead of a config file`;

/** Where output made from the built-in example says it came from (its provenance header). */
export const EXAMPLE_SOURCE = 'the built-in example config (--example)';

/** Validates an `--env` value. */
export function parseEnvironment(value: string | undefined): Environment | undefined {
  if (value === undefined) return undefined;
  if (!(ENVIRONMENTS as readonly string[]).includes(value)) {
    throw usageError(`--env must be one of ${ENVIRONMENTS.join(', ')}, got "${value}"`);
  }
  return value as Environment;
}

/** The `--max-config-size` option, shared by the commands that read a config. */
export const MAX_CONFIG_SIZE_OPTION = { 'max-config-size': { type: 'string' } } as const;

/** The `--kube-version` option, shared by the commands that check Kubernetes objects. */
export const KUBE_VERSION_OPTION = { 'kube-version': { type: 'string' } } as const;

/** Help text for {@link KUBE_VERSION_OPTION}. */
export const KUBE_VERSION_HELP = `      --kube-version V  Kubernetes version to check against and name in the Pod
                        Security labels: ${KUBE_VERSIONS.join(', ')}. Default: ${KUBERNETES_VERSION}`;

/** Validates a `--kube-version` value (a leading `v` is allowed: v1.34). */
export function parseKubeVersion(value: string | undefined): KubeVersion | undefined {
  if (value === undefined) return undefined;
  const version = value.replace(/^v/, '');
  if (!isKubeVersion(version)) throw usageError(`--kube-version must be one of ${KUBE_VERSIONS.join(', ')}, got "${value}"`);
  return version;
}

/** The options `synth` and `diff` share: which config, where its output is, for which environment, layout, targets and Kubernetes version. */
export const RENDER_OPTIONS = {
  config: { type: 'string', short: 'c' },
  out: { type: 'string', short: 'o' },
  env: { type: 'string', short: 'e' },
  layout: { type: 'string', short: 'l' },
  target: { type: 'string', short: 't', multiple: true },
  ...KUBE_VERSION_OPTION,
  gitops: { type: 'string' },
  'no-cache': { type: 'boolean' },
  ...MAX_CONFIG_SIZE_OPTION,
  ...EXAMPLE_OPTION,
} as const;

/** Help text for the `--gitops` option of synth and diff. */
export const GITOPS_HELP = `      --gitops FILE  Also write an Argo CD ApplicationSet and/or a Flux
                     Kustomization per stack into DIR/gitops/, from the
                     fleet's settings in FILE (argocd:, flux:); needs
                     --layout file-per-resource (a folder per stack)`;

/**
 * Reads the `--gitops` settings file. Argo CD and Flux address a stack by
 * its folder, which only the file-per-resource layout gives it: Flux's
 * `path` is a folder, and kustomize, which both run, refuses files outside
 * the folder it builds, so a folder cannot point at a `<stack>.k8s.yaml` beside it.
 * https://fluxcd.io/flux/components/kustomize/kustomizations/#path
 * https://kubectl.docs.kubernetes.io/references/kustomize/cmd/build/ (--load-restrictor)
 */
export function loadGitops(file: string | undefined, layout: Layout, io: CliIO): GitopsSettings | undefined {
  if (file === undefined) return undefined;
  if (layout !== 'file-per-resource') {
    throw usageError(`--gitops needs --layout file-per-resource: Argo CD and Flux deploy each stack from its own folder`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadGitopsSettings } = require('../../targets/kubernetes/gitops/settings') as typeof import('../../targets/kubernetes/gitops/settings');
  return loadGitopsSettings(file, io.cwd);
}

/** Help text for `--no-cache`. */
export const NO_CACHE_HELP = `      --no-cache     Render and check every stack; by default a stack whose
                     config, options and saplings-k8s build are those DIR's
                     record lists, and whose files are unchanged, is reused`;

/** Help text for {@link MAX_CONFIG_SIZE_OPTION}. */
export const MAX_CONFIG_SIZE_HELP = `      --max-config-size N  Refuse a config file larger than N bytes (units: KiB, MiB,
                           GiB, K, M, G). Default: 10MiB`;

const BYTE_UNITS: Readonly<Record<string, number>> = { '': 1, K: 1e3, M: 1e6, G: 1e9, KI: 1024, MI: 1024 ** 2, GI: 1024 ** 3 };

/** Validates a `--max-config-size` value: a number of bytes with an optional unit. */
export function parseByteSize(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_CONFIG_BYTES;
  const match = /^(\d+(?:\.\d+)?)\s*([KMG]i?)?B?$/i.exec(value.trim());
  const bytes = match ? Math.floor(Number(match[1]) * BYTE_UNITS[(match[2] ?? '').toUpperCase()]) : NaN;
  if (!Number.isFinite(bytes) || bytes < 1) {
    throw usageError(`--max-config-size must be a size such as 20MiB or 5000000, got "${value}"`);
  }
  return bytes;
}

/** How a command reads its config: `--env` and the size limit. */
export interface StackLoadOptions {
  /** Overrides `environment` in every stack. @default - as each stack says */
  readonly environment?: Environment;
  /** Largest config file read. @default 10 MiB */
  readonly maxConfigBytes?: number;
  /** Refuse an inline Secret that lacks a value. @default true */
  readonly requireInlineValues?: boolean;
  /** Use the built-in example stack (`--example`) instead of a config file. @default false */
  readonly example?: boolean;
}

/** The stacks a command works on. */
export interface CommandStacks {
  /** The validated stacks. */
  readonly stacks: StackConfig[];
  /** Where they came from, for provenance and messages. */
  readonly source: string;
  /** Positions problems found in the stacks after loading (see LoadedConfig.locate). */
  readonly locate: (problems: readonly Problem[]) => Problem[];
}

/**
 * The config file a command reads: `--config`, else ./saplings.yaml, else
 * ./saplings.yml; undefined for `--example`. Without any of them it throws:
 * a command run in the wrong directory must not quietly render the example.
 */
export function configFileOf(configFlag: string | undefined, io: CliIO, example = false): string | undefined {
  if (example) {
    if (configFlag !== undefined) throw usageError(`--example and --config ${configFlag} exclude each other; pass one`);
    return undefined;
  }
  const file = configFlag ?? findDefaultConfig(io.cwd);
  if (file === undefined) throw inputError([noConfigProblem(io.cwd)]);
  return file;
}

/** The problem of a command that found no config to read. */
function noConfigProblem(cwd: string): Problem {
  const looked = DEFAULT_CONFIG_FILES.map((file) => `./${file}`).join(' or ');
  return {
    file: cwd,
    path: '',
    message:
      `has no ${looked}; run \`saplings-k8s init\` to write one, pass --config FILE, ` +
      'or pass --example to render the built-in example stack (the guide\'s production stack for api.your-domain.com)',
  };
}

/** What synthesizeToDirectory reads for a command: the config file, or the built-in default's stacks. */
export function configInput(
  configFlag: string | undefined,
  io: CliIO,
  environment: Environment | undefined,
  example = false,
): { configFile: string } | { stacks: StackConfig[]; source: string } {
  const file = configFileOf(configFlag, io, example);
  if (file !== undefined) return { configFile: file };
  return { stacks: defaultStacks({ environment, onWarning: (p) => io.stderr(warningLine(p)) }), source: EXAMPLE_SOURCE };
}

/** Loads the stacks a command works on, and names where they came from for provenance. */
export function loadStacks(configFlag: string | undefined, io: CliIO, { environment, maxConfigBytes, requireInlineValues, example }: StackLoadOptions = {}): CommandStacks {
  const file = configFileOf(configFlag, io, example);
  if (file === undefined) {
    return {
      stacks: defaultStacks({ environment, onWarning: (p) => io.stderr(warningLine(p)) }),
      source: EXAMPLE_SOURCE,
      locate: (problems) => [...problems],
    };
  }
  const onWarning = (problem: Problem) => io.stderr(warningLine(problem));
  const config = loadConfig(file, { environment, cwd: io.cwd, env: io.env, onWarning, maxConfigBytes, requireInlineValues });
  return { stacks: config.stacks, source: file, locate: (problems) => config.locate(problems) };
}

