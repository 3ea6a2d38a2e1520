import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Environment } from '../conventions/defaults';
import type { Problem } from './errors';
import type { StackConfig } from './types';

/*
 * The built-in default config, validated at build time. `synth` without a
 * config is the first thing a new user runs, and validating one fixed
 * document needs zod and the schema, which take longer to load than
 * everything else that run does. `npm run build` writes the result of the
 * same validation for each `--env` next to this module; a run uses it only
 * if its key, a digest of the code that computed it, matches the code
 * loaded now, so a changed schema, preset or zod can never serve stale data.
 */

/** What validating the default config gives for one `--env` value. */
export interface DefaultStacksResult {
  /** The validated stacks, when it passed. */
  readonly stacks?: StackConfig[];
  /** The problems that refused it. */
  readonly problems?: Problem[];
  /** Problems that do not stop synthesis (staging's gates), in the order they were reported. */
  readonly warnings: Problem[];
}

/** The cache file: a key, and a result for each `--env` value (`''` for none). */
interface DefaultStacksCache {
  readonly key: string;
  readonly results: Readonly<Record<string, DefaultStacksResult>>;
}

const CACHE_FILE = path.join(__dirname, 'default-stacks.json');

/** The `--env` values, `''` meaning none. */
const ENV_KEYS: readonly ('' | Environment)[] = ['', 'development', 'staging', 'production'];

/**
 * In the CLI bundle only: the key of the modules the bundle was built from,
 * which scripts/bundle.js computes with this function at build time and
 * writes in as a constant (esbuild's `define`). Those modules, as they were
 * then, are the code the bundle runs, so the key still describes it; and a run
 * need not read and hash some thirty files to find it.
 */
declare const SAPLINGS_BUNDLED_DEFAULT_STACKS_KEY: string | undefined;

/**
 * A digest of what the default stacks are computed from: the modules of
 * src/config and src/conventions and the targets' config fragments, as they
 * are loaded now (compiled or not), and zod's version.
 */
export function defaultStacksKey(): string {
  if (typeof SAPLINGS_BUNDLED_DEFAULT_STACKS_KEY === 'string') return SAPLINGS_BUNDLED_DEFAULT_STACKS_KEY;
  const hash = createHash('sha256');
  const extension = path.extname(__filename);
  const isModule = (f: string) => f.endsWith(extension) && !f.endsWith(`.d${extension}`);
  for (const dir of [__dirname, path.join(__dirname, '..', 'conventions')]) {
    for (const file of fs.readdirSync(dir).filter(isModule).sort()) {
      hash.update(`${path.basename(dir)}/${file}\0`).update(fs.readFileSync(path.join(dir, file))).update('\0');
    }
  }
  // The targets' config fragments (and the defaults they read), which the schema composes.
  const targets = path.join(__dirname, '..', 'targets');
  for (const file of fs.readdirSync(targets, { recursive: true, encoding: 'utf8' }).filter(isModule).sort()) {
    if (/(?:^|[/\\])(?:config|defaults)\.[cm]?[jt]s$/.test(file)) {
      hash.update(`targets/${file.split(path.sep).join('/')}\0`).update(fs.readFileSync(path.join(targets, file))).update('\0');
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  hash.update((require('zod/package.json') as { version: string }).version);
  return hash.digest('hex');
}

/** The cached result for `environment`, or undefined when there is no cache or it was computed from other code. */
export function cachedDefaultStacks(environment: Environment | undefined): DefaultStacksResult | undefined {
  let cache: DefaultStacksCache;
  try {
    cache = JSON.parse(fs.readFileSync(CACHE_FILE, 'utf8')) as DefaultStacksCache;
  } catch {
    return undefined;
  }
  if (cache.key !== defaultStacksKey()) return undefined;
  return cache.results[environment ?? ''];
}

/** Computes the cache's content: what validating the default config gives for each `--env` value. */
export function computeDefaultStacks(): DefaultStacksCache['results'] {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { validateStacks, DEFAULT_CONFIG } = require('./load') as typeof import('./load');
  const { inputProblems } = require('./errors') as typeof import('./errors');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const results: Record<string, DefaultStacksResult> = {};
  for (const env of ENV_KEYS) {
    const warnings: Problem[] = [];
    const options = { environment: env || undefined, onWarning: (p: Problem) => warnings.push(p) };
    try {
      results[env] = JSON.parse(JSON.stringify({ stacks: validateStacks([DEFAULT_CONFIG], DEFAULT_SOURCE, options), warnings }));
    } catch (err) {
      const problems = inputProblems(err);
      if (!problems) throw err;
      results[env] = JSON.parse(JSON.stringify({ problems, warnings }));
    }
  }
  return results;
}

/** Where the default config's problems say they come from. */
export const DEFAULT_SOURCE = '(built-in default)';

/** Writes the cache next to this module; `npm run build` runs it on the compiled code. */
export function writeDefaultStacksCache(): void {
  const cache: DefaultStacksCache = { key: defaultStacksKey(), results: computeDefaultStacks() };
  fs.writeFileSync(CACHE_FILE, `${JSON.stringify(cache)}\n`);
}
