import type { StackConfig } from '../config/types';
import { Target, hasConfigKey } from './target';

/**
 * Where a target is found: the module that exports it, loaded only when the
 * target is used. Plain data, so a fleet's worker threads can be told which
 * targets to load.
 */
export interface TargetEntry {
  /** The name `synth --target` selects it by. */
  readonly name: string;
  /** The module to `require`: relative to this file for the built-in targets, else absolute. */
  readonly module: string;
  /** The export of that module that holds the {@link Target}. */
  readonly exportName: string;
  /**
   * The names of the files this target writes that are not Kubernetes
   * manifests (`compose.yaml`), so `validate` hands them to the target's
   * `checkFile` instead of the Kubernetes checks.
   * @default - none: every file it writes is a Kubernetes manifest
   */
  readonly files?: RegExp;
  /**
   * Writes a development stack's inline Secret values into its files (the
   * Kubernetes Secret), so they must all be set. Targets that read secrets
   * from their platform's store or an env file the user writes do not.
   * @default false
   */
  readonly writesInlineSecrets?: boolean;
  /**
   * Where the target's config fragment is ({@link TargetConfig}, its own
   * top-level key of the config file): a module with no render code, as every
   * config load reads it, and the export that holds it. The same rules as
   * {@link module}: relative to this file for the built-in targets, else absolute.
   * @default - the target has no config key of its own
   */
  readonly config?: { readonly module: string; readonly exportName: string };
}

/** The target `synth` renders when none is named. */
export const DEFAULT_TARGET = 'kubernetes';

/** The `--target` value that selects every target whose required config keys the config has. */
export const ALL_TARGETS = 'all';

// Built-in targets, in the order `--help` and `all` list them. Each is
// required on first use, so `require('saplings-k8s')` and a Kubernetes-only
// run never load Compose, Cloud Run or ECS code.
const BUILT_IN: readonly TargetEntry[] = [
  { name: 'kubernetes', module: './kubernetes', exportName: 'kubernetesTarget', writesInlineSecrets: true },
  {
    name: 'compose',
    module: './compose',
    exportName: 'composeTarget',
    files: /^(?:compose|docker-compose)(?:\.[\w-]+)?\.ya?ml$/,
    config: { module: './compose/config', exportName: 'composeConfig' },
  },
  // A Knative Service: validate checks it against its CRD as a manifest, and against Cloud Run's own rules.
  {
    name: 'cloudrun',
    module: './cloudrun',
    exportName: 'cloudRunTarget',
    files: /\.cloudrun\.ya?ml$/,
    config: { module: './cloudrun/config', exportName: 'cloudRunConfig' },
  },
  {
    name: 'ecs',
    module: './ecs',
    exportName: 'ecsTarget',
    files: /\.ecs-(?:task-definition|service)\.json$/,
    config: { module: './ecs/config', exportName: 'ecsConfig' },
  },
];

// The built-in targets' modules by static `require`, so a bundler (the CLI's esbuild bundle,
// scripts/bundle.js) takes them in; each still loads on first use.
/* eslint-disable @typescript-eslint/no-require-imports */
const BUILT_IN_MODULES: Readonly<Record<string, () => unknown>> = {
  './kubernetes': () => require('./kubernetes'),
  './compose': () => require('./compose'),
  './cloudrun': () => require('./cloudrun'),
  './ecs': () => require('./ecs'),
  './compose/config': () => require('./compose/config'),
  './cloudrun/config': () => require('./cloudrun/config'),
  './ecs/config': () => require('./ecs/config'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

const registered: TargetEntry[] = [...BUILT_IN];
const loaded = new Map<string, unknown>();

/** Every target's entry, built-in ones first. */
export function targetEntries(): readonly TargetEntry[] {
  return [...registered];
}

/** The entry of the target called `name`, if there is one. */
export function findTarget(name: string): TargetEntry | undefined {
  return registered.find((entry) => entry.name === name);
}

/**
 * Adds a target that lives outside this package (a library user's own, or a
 * test's), so `synth --target NAME` and `all` can select it. Its module must
 * be an absolute path, so a fleet's worker threads can load it too.
 *
 * @returns a function that removes it again
 */
export function registerTarget(entry: TargetEntry): () => void {
  if (findTarget(entry.name) || entry.name === ALL_TARGETS) throw new Error(`a target called "${entry.name}" is already registered`);
  registered.push(entry);
  return () => {
    const index = registered.indexOf(entry);
    if (index >= 0) registered.splice(index, 1);
  };
}

/** The target an entry names, loading its module on first use. */
export function loadTarget(entry: TargetEntry): Target {
  return loadExport<Target>(entry.module, entry.exportName, 'target');
}

/**
 * The config fragment of a target, if it has one, loading its module (never
 * the render code) on first use. It is a `TargetConfig` (./target-config.ts),
 * which config/schema.ts, its reader, types: that type names zod's, and this
 * registry is part of `saplings-k8s/config`, whose declarations must name
 * none, so they compile under a stock cdk8s tsconfig.
 */
export function loadTargetConfig(entry: TargetEntry): object | undefined {
  return entry.config && loadExport<object>(entry.config.module, entry.config.exportName, 'config fragment');
}

/**
 * The config fragments of the targets registered from outside the package,
 * in registry order: the stack schema adds their keys to the built-in ones
 * (config/schema.ts composes those, typed).
 */
export function registeredTargetConfigs(): object[] {
  return registered.filter((entry) => !BUILT_IN.includes(entry)).flatMap((entry) => loadTargetConfig(entry) ?? []);
}

function loadExport<T>(module: string, exportName: string, what: string): T {
  const key = `${module}#${exportName}`;
  let value = loaded.get(key) as T | undefined;
  if (value === undefined) {
    const load = Object.hasOwn(BUILT_IN_MODULES, module) ? BUILT_IN_MODULES[module] : () => require(module); // eslint-disable-line @typescript-eslint/no-require-imports
    value = (load() as Record<string, T | undefined>)[exportName];
    if (value === undefined) throw new Error(`${module} exports no ${what} "${exportName}"`);
    loaded.set(key, value);
  }
  return value;
}

/**
 * The target whose files are called like `basename` (`compose.yaml`), loaded,
 * if it checks such files itself; else `validate` reads the file as
 * Kubernetes manifests.
 */
export function targetForFile(basename: string): Target | undefined {
  const entry = registered.find((e) => e.files?.test(basename));
  const target = entry && loadTarget(entry);
  return target?.checkFile ? target : undefined;
}

/** A target `--target all` left out, and why. */
export interface SkippedTarget {
  /** The target's name. */
  readonly name: string;
  /** The config key it requires that a stack lacks. */
  readonly missingKey: string;
  /** The first stack that lacks it. */
  readonly stack: string;
}

/** The first required config key of `target` that one of `stacks` lacks, if any. */
export function missingRequirement(target: Target, stacks: readonly StackConfig[]): Omit<SkippedTarget, 'name'> | undefined {
  for (const key of target.requires) {
    const stack = stacks.find((s) => !hasConfigKey(s, key));
    if (stack) return { missingKey: key, stack: stack.name };
  }
  return undefined;
}

/**
 * Every target whose required config keys all of `stacks` set, in registry
 * order, and the ones left out. A target is rendered for every stack or for
 * none, so the output's layout does not depend on which stack is which.
 */
export function applicableTargets(stacks: readonly StackConfig[]): { selected: TargetEntry[]; skipped: SkippedTarget[] } {
  const selected: TargetEntry[] = [];
  const skipped: SkippedTarget[] = [];
  for (const entry of registered) {
    const missing = missingRequirement(loadTarget(entry), stacks);
    if (missing) skipped.push({ name: entry.name, ...missing });
    else selected.push(entry);
  }
  return { selected, skipped };
}

export { Target, TargetOptions, RenderOptions, TargetOutput, CheckSubject, OutputFile, asCheckedDocument, hasConfigKey } from './target';
