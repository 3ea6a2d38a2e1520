import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError, formatProblem } from '../../src/config/errors';
import { DEFAULT_CONFIG, defaultStacks, loadConfigFile, parseConfigText } from '../../src/config/load';

/** The rendered problem lines of a config that must be refused. */
function problems(text: string, file = 'saplings.yaml'): string[] {
  try {
    parseConfigText(text, file);
  } catch (err) {
    if (err instanceof InputError) return err.problems.map(formatProblem);
    throw err;
  }
  throw new Error('expected the config to be refused');
}

const minimal = 'environment: production\nimage: saplings:1.0.0\n';

describe('loading configs', () => {
  test('the built-in default is the guide\'s production stack', () => {
    const [stack] = defaultStacks();
    // Issue 21: the default reads no external database, whose address it cannot know (its egress policy would deny it).
    expect(DEFAULT_CONFIG).toStrictEqual({ environment: 'production', image: 'saplings:1.0.0', secrets: { keys: ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'ENCRYPTION_KEY'] } });
    expect(stack).toMatchObject({
      name: 'saplings',
      environment: 'production',
      image: 'saplings:1.0.0',
      app: { port: 8000, storage: { size: '100Gi', accessMode: 'ReadWriteOnce', perPod: true } },
      secrets: { keys: ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'ENCRYPTION_KEY'], source: 'existing' },
      autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 20, targetCPUUtilization: 70, targetMemoryUtilization: 80 },
      ingress: { host: 'api.your-domain.com', className: 'nginx', clusterIssuer: 'letsencrypt-prod', metricsAllowCidrs: ['10.0.0.0/8'] },
    });
  });

  test('a file holds one stack per YAML document', () => {
    const stacks = parseConfigText(`${minimal}name: a\n---\n${minimal}name: b\n`, 'fleet.yaml');
    expect(stacks.map((s) => s.name)).toStrictEqual(['a', 'b']);
  });

  test('JSON is accepted', () => {
    expect(parseConfigText('{"environment": "staging", "image": "saplings:1.0.0"}', 'c.json')[0].environment).toBe('staging');
  });

  test('--env overrides environment in every stack', () => {
    const stacks = parseConfigText(`${minimal}name: a\n---\n${minimal}name: b\n`, 'f.yaml', { environment: 'development' });
    expect(stacks.map((s) => s.environment)).toStrictEqual(['development', 'development']);
  });

  test('cpu may be written as a number and is kept as a quantity string', () => {
    const [stack] = parseConfigText(`${minimal}app:\n  resources:\n    limits: { cpu: 2 }\n`, 'c.yaml');
    expect(stack.app.resources.limits.cpu).toBe('2');
  });
});

describe('merge keys', () => {
  const text = [
    'name: a',
    'environment: production',
    'image: saplings:1.0.0',
    'redis: &sized',
    '  resources: { requests: { cpu: 100m, memory: 128Mi }, limits: { cpu: 200m, memory: 256Mi } }',
    'vectorDb:',
    '  <<: *sized',
    '  enabled: true',
    'app:',
    '  <<: { replicas: many }',
    '',
  ].join('\n');

  test('share settings within a document: vectorDb takes the resources merged from redis', () => {
    const [stack] = parseConfigText(text.replace('replicas: many', 'replicas: 2'), 'merge.yaml');
    expect(stack.vectorDb.resources).toStrictEqual(stack.redis.resources);
    expect(stack.vectorDb.resources?.limits?.cpu).toBe('200m');
    expect(stack.app.replicas).toBe(2);
  });

  test('a bad merged value is reported at the merge key that brought it', () => {
    expect(() => parseConfigText(text, 'merge.yaml')).toThrow(InputError);
    try {
      parseConfigText(text, 'merge.yaml');
    } catch (err) {
      expect((err as InputError).problems.map(formatProblem)).toStrictEqual(['merge.yaml:10:3: app.replicas: expected number, got "many"']);
    }
  });
});

describe('refusing bad configs', () => {
  test('a missing required key names it', () => {
    expect(problems('environment: production\n')).toStrictEqual([
      'saplings.yaml:1:1: image: is required (expected string)',
    ]);
  });

  test('a bad enum value shows the value and the allowed ones', () => {
    expect(problems('environment: prod\nimage: saplings:1.0.0\n')).toStrictEqual([
      'saplings.yaml:1:14: environment: expected one of "development"|"staging"|"production", got "prod"',
    ]);
  });

  test('an unknown key suggests the closest known one', () => {
    const [line] = problems(`${minimal}app:\n  replicaz: 3\n`);
    expect(line).toMatch(/^saplings\.yaml:4:3: app\.replicaz: unknown key; did you mean "replicas"\?/);
    expect(line).toContain('Allowed here: port, replicas,');
  });

  test('unknown top-level keys are refused too', () => {
    expect(problems(`${minimal}autoscale: {}\n`)[0]).toMatch(/^saplings\.yaml:3:1: autoscale: unknown key; did you mean "autoscaling"\?/);
  });

  test('maxReplicas below minReplicas', () => {
    expect(problems(`${minimal}autoscaling: { minReplicas: 5, maxReplicas: 2 }\n`)).toStrictEqual([
      'saplings.yaml:3:45: autoscaling.maxReplicas: must be ≥ minReplicas (5), got 2',
    ]);
  });

  test('a request above its limit', () => {
    expect(problems(`${minimal}app:\n  resources:\n    requests: { memory: 8Gi }\n`)).toStrictEqual([
      'saplings.yaml:5:25: app.resources.requests.memory: must be ≤ limits.memory (4Gi), got 8Gi',
    ]);
  });

  test('every problem is reported at once', () => {
    const lines = problems('environment: prod\nimage: 3\nautoscaling: { minReplicas: 0 }\n');
    expect(lines.map((l) => l.split(': ')[1])).toStrictEqual(['environment', 'image', 'autoscaling.minReplicas']);
  });

  test.each([
    ['a port out of range', 'app: { port: 70000 }', 'app.port', '70000'],
    ['a utilization over 100', 'autoscaling: { targetCPUUtilization: 150 }', 'autoscaling.targetCPUUtilization', '150'],
    ['a non-quantity size', 'redis: { storage: { size: lots } }', 'redis.storage.size', '"lots"'],
    ['a zero size', 'app: { storage: { size: "0" } }', 'app.storage.size', '"0"'],
    ['an invalid name', 'name: My_Stack', 'name', '"My_Stack"'],
    ['a name too long for derived names', `name: ${'a'.repeat(60)}`, 'name', 'a'.repeat(20)],
    ['an invalid host', 'ingress: { host: "not a host" }', 'ingress.host', '"not a host"'],
    ['an invalid CIDR', 'ingress: { metricsAllowCidrs: [10.0.0.0/33] }', 'ingress.metricsAllowCidrs[0]', '"10.0.0.0/33"'],
    ['an unknown engine', 'vectorDb: { engine: chroma }', 'vectorDb.engine', '"chroma"'],
    ['a zero rate limit', 'ingress: { rateLimitRps: 0 }', 'ingress.rateLimitRps', '0'],
  ])('%s names the key and shows the value', (_what, yaml, keyPath, shown) => {
    const [line] = problems(`${minimal}${yaml}\n`);
    expect(line).toMatch(new RegExp(`^saplings\\.yaml:3:\\d+: ${keyPath.replace(/[.[\]]/g, '\\$&')}: `));
    expect(line).toContain(shown);
  });

  test('a wildcard host is allowed', () => {
    expect(() => parseConfigText(`${minimal}ingress: { host: "*.example.com" }\n`, 'c.yaml')).not.toThrow();
  });

  test('YAML syntax errors give FILE:LINE:COL', () => {
    expect(problems(`${minimal}app:\n  port: [8000\n`)[0]).toMatch(/^saplings\.yaml:5:1: YAML syntax error: /);
  });

  test('duplicate keys are a syntax error', () => {
    expect(problems(`${minimal}image: saplings:2.0.0\n`)[0]).toMatch(/^saplings\.yaml:3:1: YAML syntax error: Map keys must be unique/);
  });

  test('an empty file is explained', () => {
    expect(problems('# nothing here\n')).toStrictEqual([
      'saplings.yaml:1:1: is empty; a stack needs at least "environment" and "image" (run `saplings-k8s init` for a starter)',
    ]);
  });

  test('a document that is not a mapping is explained', () => {
    expect(problems('- a\n- b\n')[0]).toBe('saplings.yaml:1:1: must be a mapping of config keys, got ["a","b"]');
  });

  test('problems in a multi-stack file point into their own document', () => {
    expect(problems(`${minimal}name: a\n---\nenvironment: production\nname: b\n`)).toStrictEqual([
      'saplings.yaml:5:1: image: is required (expected string)',
    ]);
  });

  test('stack names and namespaces must be unique across documents', () => {
    expect(problems(`${minimal}name: a\n---\n${minimal}name: b\nnamespace: a\n---\n${minimal}name: a\nnamespace: c\n`)).toStrictEqual([
      'saplings.yaml:8:12: namespace: "a" is already used by document 1; each stack needs its own namespace',
      'saplings.yaml:12:7: name: "a" is already used by document 1; each stack needs its own name',
    ]);
  });
});

describe('reading files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'saplings-load-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function refused(file: string): string {
    try {
      loadConfigFile(file, { cwd: dir });
    } catch (err) {
      if (err instanceof InputError) return err.problems.map(formatProblem).join('\n');
      throw err;
    }
    throw new Error('expected refusal');
  }

  test('reads a file relative to cwd and keeps its name in messages', () => {
    fs.writeFileSync(path.join(dir, 'ok.yaml'), minimal);
    expect(loadConfigFile('ok.yaml', { cwd: dir })[0].image).toBe('saplings:1.0.0');
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'environment: production\n');
    expect(refused('bad.yaml')).toBe('bad.yaml:1:1: image: is required (expected string)');
  });

  test('a missing file', () => {
    expect(refused('nope.yaml')).toBe('nope.yaml: file not found; run `saplings-k8s init` to write a starter saplings.yaml');
  });

  test('a directory', () => {
    expect(refused('.')).toBe('.: is a directory; --config takes a YAML or JSON file such as saplings.yaml');
  });

  test('a binary file', () => {
    fs.writeFileSync(path.join(dir, 'bin.yaml'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    expect(refused('bin.yaml')).toBe('bin.yaml: is a binary file, not YAML or JSON text');
  });

  test('an empty file', () => {
    fs.writeFileSync(path.join(dir, 'empty.yaml'), '');
    expect(refused('empty.yaml')).toMatch(/^empty\.yaml:1:1: is empty;/);
  });
});
