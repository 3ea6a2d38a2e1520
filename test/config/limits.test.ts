import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError, formatProblem } from '../../src/config/errors';
import { loadConfigFile, parseConfigText } from '../../src/config/load';

/** The one-line problems a refused config gets. */
function refusal(load: () => unknown): string[] {
  try {
    load();
  } catch (err) {
    if (err instanceof InputError) return err.problems.map(formatProblem);
    throw err;
  }
  throw new Error('expected the config to be refused');
}

describe('bounded input', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'saplings-limits-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a config file over the size limit before reading it, naming the flag that raises it', () => {
    fs.writeFileSync(path.join(dir, 'big.yaml'), `environment: staging\nimage: x:1\n# ${'x'.repeat(2000)}\n`);
    expect(refusal(() => loadConfigFile('big.yaml', { cwd: dir, maxConfigBytes: 1000 }))).toStrictEqual([
      'big.yaml: is 2035 bytes, over the 1000 bytes limit for a config file; split the fleet into several files, or raise the limit with --max-config-size',
    ]);
    expect(loadConfigFile('big.yaml', { cwd: dir, maxConfigBytes: 4000 })).toHaveLength(1);
  });

  it('refuses a config that is not a regular file, instead of reading a FIFO without end', () => {
    const fifo = path.join(dir, 'pipe.yaml');
    if (require('node:child_process').spawnSync('mkfifo', [fifo]).status !== 0) return;
    expect(refusal(() => loadConfigFile('pipe.yaml', { cwd: dir }))).toStrictEqual([
      'pipe.yaml: is not a regular file (a FIFO, socket or device); --config takes a YAML or JSON file',
    ]);
  });

  it('refuses app.config beyond what a ConfigMap holds (1 MiB), at the key, with the size', () => {
    const text = `environment: staging\nimage: x:1\napp:\n  config:\n    BIG: "${'x'.repeat(1_100_000)}"\n`;
    expect(refusal(() => parseConfigText(text, 'saplings.yaml'))).toStrictEqual([
      "saplings.yaml:5:5: app.config: must hold at most 1044480 bytes of keys and values (a ConfigMap holds 1 MiB, the API server's limit, less the app's own settings); move large values into a volume, got 1100003 bytes",
    ]);
  });
});

describe('nesting is bounded before parsing (the time and memory figures are in bench/limits.js)', () => {
  const MESSAGE = 'YAML collections nest more than 100 levels deep, the limit against parser exhaustion; flatten the value';

  it.each([
    ['2 MB of [', `environment: staging\nimage: x:1\napp:\n  config: ${'['.repeat(2_000_000)}`, '4:109'],
    ['{a: {a: … on one line', `environment: staging\nimage: x:1\nx: ${'{a: '.repeat(200)}`, '3:400'],
    ['compact - - - entries', `environment: staging\nimage: x:1\nx:\n${'- '.repeat(200)}1\n`, '4:199'],
    ['compact ? ? ? keys', `environment: staging\nimage: x:1\n${'? '.repeat(200)}1\n`, '3:199'],
    ['indentation levels', `environment: staging\nimage: x:1\n${Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k:\n`).join('')}`, '103:101'],
  ])('refuses %s at the place that crosses the limit', (_what, text, at) => {
    expect(refusal(() => parseConfigText(text, 'saplings.yaml'))).toStrictEqual([`saplings.yaml:${at}: ${MESSAGE}`]);
  });

  it.each([
    ['brackets inside quoted scalars and comments', `environment: staging\nimage: x:1\napp:\n  config:\n    A: "${'['.repeat(500)}"\n    B: '${'{'.repeat(500)}'\n# ${'['.repeat(500)}\n`],
    ['brackets inside plain scalars', `environment: staging\nimage: x:1\napp:\n  config:\n    A: a${'['.repeat(500)}\n`],
    ['flow collections 50 deep', `environment: staging\nimage: x:1\nx: ${'['.repeat(50)}${']'.repeat(50)}\n`],
  ])('reads %s as before', (_what, text) => {
    expect(() => parseConfigText(text.replace(/\nx: .*\n$/, '\n'), 'saplings.yaml')).not.toThrow();
    const { parseYamlStream } = jest.requireActual<typeof import('../../src/config/yaml')>('../../src/config/yaml');
    expect(parseYamlStream(text).problems).toStrictEqual([]);
  });
});

describe('what the API server refuses is refused in the config', () => {
  it('refuses an IP address as ingress.host, as the API server refuses it in an Ingress rule (a former property-test counterexample)', () => {
    expect(refusal(() => parseConfigText('environment: development\nimage: saplings:1.0.0\ningress:\n  host: 0.0.0.0\n', 'saplings.yaml'))).toStrictEqual([
      'saplings.yaml:4:9: ingress.host: must be a DNS name such as api.example.com, not an IP address, got "0.0.0.0"',
    ]);
  });
});
