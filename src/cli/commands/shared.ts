import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENVIRONMENTS, Environment } from '../../conventions/defaults';
import { Problem, formatProblem } from '../../config/errors';
import { DEFAULT_MAX_CONFIG_BYTES, defaultStacks, loadConfig } from '../../config/load';
import { StackConfig } from '../../config/types';
import { CliIO, UsageError } from '../context';

/** The config file commands pick up from the working directory when `--config` is not given. */
export const DEFAULT_CONFIG_FILE = 'saplings.yaml';

/** `saplings.yaml` in `cwd`, if it exists. */
export function findDefaultConfig(cwd: string): string | undefined {
  return fs.existsSync(path.join(cwd, DEFAULT_CONFIG_FILE)) ? DEFAULT_CONFIG_FILE : undefined;
}

/** Validates an `--env` value. */
export function parseEnvironment(value: string | undefined): Environment | undefined {
  if (value === undefined) return undefined;
  if (!(ENVIRONMENTS as readonly string[]).includes(value)) {
    throw new UsageError(`--env must be one of ${ENVIRONMENTS.join(', ')}, got "${value}"`);
  }
  return value as Environment;
}

/** The `--max-config-size` option, shared by the commands that read a config. */
export const MAX_CONFIG_SIZE_OPTION = { 'max-config-size': { type: 'string' } } as const;

/** The options `synth` and `diff` share: which config, where its output is, for which environment, layout and targets. */
export const RENDER_OPTIONS = {
  config: { type: 'string', short: 'c' },
  out: { type: 'string', short: 'o' },
  env: { type: 'string', short: 'e' },
  layout: { type: 'string', short: 'l' },
  target: { type: 'string', short: 't', multiple: true },
  'no-cache': { type: 'boolean' },
  ...MAX_CONFIG_SIZE_OPTION,
} as const;

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
    throw new UsageError(`--max-config-size must be a size such as 20MiB or 5000000, got "${value}"`);
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

/** The config file a command reads (`--config`, else ./saplings.yaml), or undefined for the built-in default. */
export function configFileOf(configFlag: string | undefined, io: CliIO): string | undefined {
  return configFlag ?? findDefaultConfig(io.cwd);
}

/** What synthesizeToDirectory reads for a command: the config file, or the built-in default's stacks. */
export function configInput(
  configFlag: string | undefined,
  io: CliIO,
  environment: Environment | undefined,
): { configFile: string } | { stacks: StackConfig[]; source: string } {
  const file = configFileOf(configFlag, io);
  if (file !== undefined) return { configFile: file };
  return { stacks: defaultStacks({ environment, onWarning: (p) => io.stderr(`⚠ ${formatProblem(p)}\n`) }), source: 'the built-in default config' };
}

/** Loads the stacks a command works on, and names where they came from for provenance. */
export function loadStacks(configFlag: string | undefined, io: CliIO, { environment, maxConfigBytes, requireInlineValues }: StackLoadOptions = {}): CommandStacks {
  const file = configFileOf(configFlag, io);
  if (file === undefined) {
    return {
      stacks: defaultStacks({ environment, onWarning: (p) => io.stderr(`⚠ ${formatProblem(p)}\n`) }),
      source: 'the built-in default config',
      locate: (problems) => [...problems],
    };
  }
  const onWarning = (problem: Problem) => io.stderr(`⚠ ${formatProblem(problem)}\n`);
  const config = loadConfig(file, { environment, cwd: io.cwd, env: io.env, onWarning, maxConfigBytes, requireInlineValues });
  return { stacks: config.stacks, source: file, locate: (problems) => config.locate(problems) };
}

