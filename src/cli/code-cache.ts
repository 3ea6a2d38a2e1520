import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/*
 * A V8 code cache for the CLI's own start-up: the modules a `synth` loads
 * (ours, cdk8s, cdk8s-plus-28, yaml), with the functions that run compiled,
 * made by `npm run build` (scripts/build-caches.js runs a synth to record it)
 * and saved under lib/. Compiling those modules is most of what a
 * single-stack run spends beyond cdk8s's own work; Node 20 has no built-in
 * compile cache (module.enableCompileCache is Node 22).
 *
 * Only the CLI installs it (bin/saplings-k8s.js), never the library, whose
 * users' module loading is theirs. A module is compiled from its cache entry
 * only when its file has the size and modification time it had when the
 * cache was made, so a rebuilt or reinstalled file compiles as usual; V8
 * itself refuses an entry made by another V8 version or with other flags.
 * The cache also remembers where each `require` of the run resolved, used
 * only while npm's record of node_modules and the build are the ones it was
 * made with.
 * Anything wrong with the cache file means no cache, never a failed run.
 */

/** One module's cache entry. */
interface CodeCacheEntry {
  readonly size: number;
  readonly mtimeMs: number;
  readonly data: Buffer;
}

/** Where each `require` of the recorded run led, valid while the stamp files keep the modification times they had. */
interface ResolutionCache {
  /** Modification time of each stamp file (npm's node_modules/.package-lock.json, a module of the build). */
  readonly stamps: Readonly<Record<string, number>>;
  /** The file each request resolved to, by `<requiring module's folder>\0<request>`. */
  readonly files: Readonly<Record<string, string>>;
}

/** The cache file's content. */
interface CodeCache {
  /** Each module's code cache entry, by file name. */
  readonly modules: Readonly<Record<string, CodeCacheEntry>>;
  readonly resolutions: ResolutionCache;
}

interface ModuleInternals {
  readonly path?: string;
  _compile(content: string, filename: string): unknown;
  exports: unknown;
  require(id: string): unknown;
}

type ResolveFilename = (request: string, parent: { path?: string } | undefined, isMain: boolean, options?: unknown) => string;

interface ModuleStatics {
  _resolveFilename: ResolveFilename;
  _extensions: unknown;
  _cache: unknown;
}

const moduleStatics = Module as unknown as ModuleStatics;
const prototype = Module.prototype as unknown as ModuleInternals;

/** Compiles a module as Node does (same wrapper and `require`), through vm.Script, so V8 can use or make a code cache. */
function compileWith(module: ModuleInternals, content: string, filename: string, cachedData: Buffer | undefined): vm.Script {
  const script = new vm.Script(Module.wrap(content), { filename, cachedData });
  const require = ((id: string) => module.require(id)) as NodeJS.Require;
  require.resolve = ((request: string, options?: unknown) => moduleStatics._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  require.main = process.mainModule;
  require.extensions = moduleStatics._extensions as NodeJS.RequireExtensions;
  require.cache = moduleStatics._cache as NodeJS.Dict<NodeJS.Module>;
  (script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => void).call(module.exports, module.exports, require, module, filename, path.dirname(filename));
  return script;
}

/** Compiles the modules the cache holds from it. Returns whether the cache was read. */
export function useCodeCache(cacheFile: string): boolean {
  let cache: CodeCache;
  try {
    cache = v8.deserialize(fs.readFileSync(cacheFile)) as CodeCache;
  } catch {
    return false;
  }
  const { modules, resolutions } = cache;
  if (typeof modules !== 'object' || modules === null) return false;
  // Resolving a request walks the file system (~60 µs each, 500 in a synth); a stamp file that changed
  // (an npm install, a rebuild) may have moved what a request finds, so then Node resolves as usual.
  if (stampsHold(resolutions?.stamps)) {
    const resolve = moduleStatics._resolveFilename;
    const { files } = resolutions;
    moduleStatics._resolveFilename = function resolveFromCache(request, parent, isMain, options) {
      if (!isMain && options === undefined && parent?.path !== undefined) {
        const key = `${parent.path}\0${request}`;
        if (Object.prototype.hasOwnProperty.call(files, key)) return files[key];
      }
      return resolve.call(this, request, parent, isMain, options);
    };
  }
  const compile = prototype._compile;
  let refused = false;
  prototype._compile = function compileFromCache(this: ModuleInternals, content: string, filename: string) {
    const entry = Object.prototype.hasOwnProperty.call(modules, filename) ? modules[filename] : undefined;
    if (entry === undefined || refused) return compile.call(this, content, filename);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(filename);
    } catch {
      return compile.call(this, content, filename);
    }
    if (stat.size !== entry.size || stat.mtimeMs !== entry.mtimeMs) return compile.call(this, content, filename);
    // V8 refuses every entry alike (another Node, other V8 flags): after one, Node's own compiler is the faster way.
    refused = compileWith(this, content, filename, entry.data).cachedDataRejected === true;
    return undefined;
  };
  return true;
}

/** Whether every stamp file still has the modification time it was recorded with. */
function stampsHold(stamps: Readonly<Record<string, number>> | undefined): boolean {
  if (typeof stamps !== 'object' || stamps === null || Object.keys(stamps).length === 0) return false;
  try {
    return Object.entries(stamps).every(([file, mtimeMs]) => fs.statSync(file).mtimeMs === mtimeMs);
  } catch {
    return false;
  }
}

/**
 * Records every module loaded from now on under `roots`, and where each
 * request that led there resolved; the returned function writes their code
 * cache, with the functions compiled so far, to `cacheFile`. The
 * resolutions hold while every one of `stampFiles` keeps its modification
 * time. For the build, in a process of its own.
 */
export function recordCodeCache(roots: readonly string[], stampFiles: readonly string[]): (cacheFile: string) => void {
  const underRoots = (filename: string) => roots.some((root) => filename.startsWith(root + path.sep));
  const files: Record<string, string> = {};
  const resolve = moduleStatics._resolveFilename;
  moduleStatics._resolveFilename = function resolveAndRecord(request, parent, isMain, options) {
    const filename = resolve.call(this, request, parent, isMain, options);
    if (!isMain && options === undefined && parent?.path !== undefined && path.isAbsolute(filename) && underRoots(filename)) {
      files[`${parent.path}\0${request}`] = filename;
    }
    return filename;
  };
  const recorded: { filename: string; script: vm.Script }[] = [];
  const compile = prototype._compile;
  prototype._compile = function compileAndRecord(this: ModuleInternals, content: string, filename: string) {
    if (content.startsWith('#!') || !underRoots(filename)) return compile.call(this, content, filename);
    recorded.push({ filename, script: compileWith(this, content, filename, undefined) });
    return undefined;
  };
  return (cacheFile) => {
    const modules: Record<string, CodeCacheEntry> = {};
    for (const { filename, script } of recorded) {
      const { size, mtimeMs } = fs.statSync(filename);
      modules[filename] = { size, mtimeMs, data: script.createCachedData() };
    }
    const stamps = Object.fromEntries(stampFiles.map((file) => [file, fs.statSync(file).mtimeMs]));
    const cache: CodeCache = { modules, resolutions: { stamps, files } };
    fs.writeFileSync(cacheFile, v8.serialize(cache));
  };
}
