import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, tempDir } from '../helpers/cli';

/*
 * The CLI's V8 code cache (src/cli/code-cache.ts), exercised on the built
 * module in processes of their own, since it replaces how modules compile.
 */

const codeCache = path.join(ROOT, 'lib/src/cli/code-cache.js');

/** Runs `script` in a fresh Node process; its stdout, parsed as JSON. */
function run(script: string): any {
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

describe('the CLI code cache', () => {
  let dir: string;
  let cacheFile: string;
  const moduleFile = () => path.join(dir, 'lib', 'greeting.js');
  const stampFile = () => path.join(dir, 'stamp');

  beforeEach(() => {
    dir = tempDir('saplings-code-cache-');
    cacheFile = path.join(dir, 'cache.bin');
    fs.mkdirSync(path.join(dir, 'lib'));
    fs.writeFileSync(stampFile(), '');
    fs.writeFileSync(path.join(dir, 'lib', 'name.js'), "module.exports = 'saplings';\n");
    fs.writeFileSync(
      moduleFile(),
      "const name = require('./name');\nmodule.exports = { greet: () => `hello ${name}`, resolved: require.resolve('./name'), file: __filename, dir: __dirname, self: module.id === __filename };\n",
    );
    // Record: the modules under dir/lib, with greet() run so it is compiled too.
    run(
      `const write = require(${JSON.stringify(codeCache)}).recordCodeCache([${JSON.stringify(path.join(dir, 'lib'))}], [${JSON.stringify(stampFile())}]);` +
        `const m = require(${JSON.stringify(moduleFile())}); m.greet(); write(${JSON.stringify(cacheFile)}); console.log('{}');`,
    );
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Loads the module with the cache in use: its exports, and whether V8 took each entry. */
  const loadWithCache = () =>
    run(
      `const vm = require('node:vm'); const taken = []; const Script = vm.Script;` +
        `vm.Script = class extends Script { constructor(code, options) { super(code, options); if (options && options.cachedData) taken.push(this.cachedDataRejected === false); } };` +
        `const used = require(${JSON.stringify(codeCache)}).useCodeCache(${JSON.stringify(cacheFile)});` +
        `const m = require(${JSON.stringify(moduleFile())});` +
        `console.log(JSON.stringify({ used, taken, greeting: m.greet(), resolved: m.resolved, file: m.file, dir: m.dir, self: m.self }));`,
    );

  test('GIVEN a recorded cache THEN modules compile from it and behave as compiled from source: require, require.resolve, __filename, __dirname', () => {
    const loaded = loadWithCache();
    expect(loaded).toStrictEqual({
      used: true,
      taken: [true, true],
      greeting: 'hello saplings',
      resolved: path.join(dir, 'lib', 'name.js'),
      file: moduleFile(),
      dir: path.join(dir, 'lib'),
      self: true,
    });
  });

  test('GIVEN a module changed since the cache was made THEN it compiles from its new source', () => {
    fs.writeFileSync(moduleFile(), "const name = require('./name');\nmodule.exports = { greet: () => `changed ${name}`, resolved: '', file: '', dir: '', self: false };\n");
    const loaded = loadWithCache();
    expect(loaded.greeting).toBe('changed saplings');
    // Only name.js, unchanged, came from the cache.
    expect(loaded.taken).toStrictEqual([true]);
  });

  test('GIVEN the stamp files unchanged THEN each require goes where it went when recorded, without resolving again', () => {
    // A file Node's resolution would now prefer for './name' (an exact name before name.js).
    fs.writeFileSync(path.join(dir, 'lib', 'name'), "module.exports = 'shadow';\n");
    expect(loadWithCache().greeting).toBe('hello saplings');
  });

  test('GIVEN a stamp file changed (an npm install, a rebuild) THEN Node resolves every require again', () => {
    fs.writeFileSync(path.join(dir, 'lib', 'name'), "module.exports = 'shadow';\n");
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(stampFile(), later, later);
    expect(loadWithCache().greeting).toBe('hello shadow');
  });

  test('GIVEN no cache file, or a damaged one, THEN nothing is replaced and modules load as usual', () => {
    fs.writeFileSync(cacheFile, 'not a cache');
    const damaged = loadWithCache();
    expect([damaged.used, damaged.taken, damaged.greeting]).toStrictEqual([false, [], 'hello saplings']);
    fs.rmSync(cacheFile);
    expect(loadWithCache().used).toBe(false);
  });

  test('the build recorded the CLI cache from a real synth: our modules and cdk8s-plus are in it', () => {
    const cache = run(
      `const c = require('node:v8').deserialize(require('node:fs').readFileSync(${JSON.stringify(path.join(ROOT, 'lib/code-cache.bin'))}));` +
        `console.log(JSON.stringify(Object.keys(c.modules)));`,
    ) as string[];
    expect(cache).toContain(path.join(ROOT, 'lib/src/cli/index.js'));
    expect(cache).toContain(path.join(ROOT, 'lib/src/targets/kubernetes/saplings-stack.js'));
    expect(cache.some((file) => file.endsWith(path.join('cdk8s-plus-28', 'lib', 'index.js')))).toBe(true);
  });
});
