import { App, Chart, Testing } from 'cdk8s';
import { parseConfigText } from '../../src/config/load';
import { appObjectNames } from '../../src/conventions/names';
import { SaplingsValidationError } from '../../src/constructs/errors';
import { SaplingsApp } from '../../src/constructs/saplings-app';
import { RESERVED_ENV } from '../../src/conventions/reserved-env';
import { configProblems } from '../helpers/config-problems';
import { renderStack } from '../../src/targets/kubernetes/render';

const base = 'environment: staging\nimage: saplings:1.0.0\n';

describe('app.config may not name a variable the tool sets', () => {
  it('refuses the issue\'s reproduction with FILE:LINE:COL and the setting to use', () => {
    expect(configProblems(`${base}app:\n  logLevel: ERROR\n  config:\n    LOG_LEVEL: DEBUG\n    ENVIRONMENT: development\n    FOO: bar\n`)).toStrictEqual([
      'saplings.yaml:6:5: app.config.LOG_LEVEL: is set by saplings-k8s itself; remove it and use app.logLevel instead',
      'saplings.yaml:7:5: app.config.ENVIRONMENT: is set by saplings-k8s itself; remove it and use environment (or synth --env) instead',
    ]);
  });

  it.each([...RESERVED_ENV.keys()])('refuses %s, naming what to do instead', (name) => {
    const messages = configProblems(`${base}app:\n  config:\n    ${name}: x\n`);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(new RegExp(`^saplings\\.yaml:5:5: app\\.config\\.${name}: is set by saplings-k8s itself; remove it`));
  });

  it('refuses a key of the app Secret, whose value would be overridden by a plain setting', () => {
    expect(configProblems(`${base}secrets:\n  keys: [OPENAI_API_KEY]\napp:\n  config: { OPENAI_API_KEY: x }\n`)).toStrictEqual([
      "saplings.yaml:6:13: app.config.OPENAI_API_KEY: is a key of the app Secret (secrets.keys), whose value the app already receives; remove it here",
    ]);
  });

  it('covers every variable a target sets from the tool\'s own settings', () => {
    // The Kubernetes ConfigMap and the app container's env hold everything the tool sets; none may come from app.config.
    const stacks = parseConfigText(`${base}vectorDb: { enabled: true, engine: qdrant }\n`, 'saplings.yaml');
    const objects = renderStack(stacks[0]).objects as { kind: string; data?: Record<string, string>; spec?: any }[];
    const configMapKeys = objects.filter((o) => o.kind === 'ConfigMap' && o.data?.LOG_LEVEL).flatMap((o) => Object.keys(o.data!));
    const app = objects.find((o) => o.kind === 'Deployment' && (o as { metadata?: { name?: string } }).metadata?.name === appObjectNames(stacks[0].name).deployment)!;
    const envNames = app.spec.template.spec.containers.flatMap((c: { env?: { name: string }[] }) => (c.env ?? []).map((e) => e.name));
    expect(configMapKeys).toEqual(expect.arrayContaining(['LOG_LEVEL', 'QDRANT_URL']));
    expect(envNames).toContain('PORT');
    const secretKeys = new Set(stacks[0].secrets.keys);
    for (const name of [...configMapKeys, ...envNames]) {
      if (!secretKeys.has(name)) expect([name, RESERVED_ENV.has(name)]).toStrictEqual([name, true]);
    }
  });
});

describe("SaplingsApp's config prop follows the same rule", () => {
  it.each(['LOG_LEVEL', 'ENVIRONMENT', 'PORT'])('throws at once for config.%s, naming the prop', (name) => {
    const create = () => new SaplingsApp(new Chart(new App(), 'test'), 'Saplings', { image: 'saplings:1.0.0', config: { [name]: 'x' } });
    expect(create).toThrow(SaplingsValidationError);
    expect(create).toThrow(
      `[test/Saplings] 'config.${name}' would replace the ${name} the app sets itself (from 'environment', 'logLevel', 'gasa', 'monitoring', 'selfHealing', 'maxWorkers', 'timeoutSeconds', 'port', 'redis' or 'vectorDb'); remove ${name} from 'config' and set that prop instead`,
    );
  });

  it('writes names Object.prototype has into the ConfigMap like any other, in key order', () => {
    const chart = Testing.chart();
    const config = Object.fromEntries([['__proto__', 'p'], ['constructor', 'c'], ['toString', 't'], ['A', 'a']]);
    new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', config });
    const configMap = Testing.synth(chart).find((o) => o.kind === 'ConfigMap' && o.data?.A) as { data: Record<string, string> };
    const keys = Object.keys(configMap.data);
    expect(keys).toStrictEqual([...keys].sort());
    expect(keys).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'toString', 'A', 'LOG_LEVEL']));
    expect(Object.getOwnPropertyDescriptor(configMap.data, '__proto__')?.value).toBe('p');
    expect(configMap.data.constructor).toBe('c');
  });
});
