import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  CONFIG_CHECKSUM_ANNOTATION,
  RELOADER_SECRET_ANNOTATION,
  SECRET_CHECKSUM_ANNOTATION,
  SaplingsApp,
  rollOnConfigChange,
} from '../../src';
import { StackConfigInput } from '../../src/config/schema';
import { KubeObject } from '../../src/targets/kubernetes/render';
import { find, render } from '../helpers/manifests';
import { onlyOfKind } from '../helpers/objects';

/** Every leaf path where two renders differ, as `Kind/name: dotted.path`. */
function differences(before: readonly KubeObject[], after: readonly KubeObject[]): string[] {
  expect(after.map((o) => `${o.kind}/${o.metadata.name}`)).toStrictEqual(before.map((o) => `${o.kind}/${o.metadata.name}`));
  const found: string[] = [];
  const walk = (a: unknown, b: unknown, where: string, path: string[]): void => {
    if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], where, [...path, key]);
      }
      return;
    }
    if (a !== b) found.push(`${where}: ${path.join('.')}`);
  };
  before.forEach((object, i) => walk(object, after[i], `${object.kind}/${object.metadata.name}`, []));
  return found;
}

const podAnnotations = (objects: readonly KubeObject[], name: string) => find(objects, 'Deployment', name).spec.template.metadata.annotations;

describe('pods roll when their configuration changes', () => {
  const base: Partial<StackConfigInput> = { vectorDb: { enabled: true, engine: 'pgvector' } };
  const before = render(base);

  // app.maxWorkers also reaches gunicorn's --workers in the command (issue 21), which rolls the pods on its own.
  test.each<[string, Partial<StackConfigInput>, string, string[]]>([
    ['app.logLevel', { app: { logLevel: 'DEBUG' } }, 'LOG_LEVEL', []],
    ['app.config', { app: { config: { FEATURE_FLAGS: 'tools' } } }, 'FEATURE_FLAGS', []],
    ['app.maxWorkers', { app: { maxWorkers: 8 } }, 'MAX_WORKERS', ['Deployment/saplings-app: spec.template.spec.containers.0.args.4']],
  ])('GIVEN %s changed THEN only that ConfigMap entry and the app pods\' checksum change', (_key, change, entry, pod) => {
    const after = render({ ...base, ...change });
    expect(differences(before, after)).toStrictEqual([
      `ConfigMap/saplings-config: data.${entry}`,
      `Deployment/saplings-app: spec.template.metadata.annotations.${CONFIG_CHECKSUM_ANNOTATION}`,
      ...pod,
    ]);
  });

  test('the checksum is a sha256, the same for the same config', () => {
    expect(podAnnotations(before, 'saplings-app')[CONFIG_CHECKSUM_ANNOTATION]).toMatch(/^[0-9a-f]{64}$/);
    expect(differences(before, render(base))).toStrictEqual([]);
  });

  test("pgvector's pods carry the checksum of the init script they mount; Redis, reading no ConfigMap, carries none", () => {
    expect(podAnnotations(before, 'pgvector')[CONFIG_CHECKSUM_ANNOTATION]).toMatch(/^[0-9a-f]{64}$/);
    expect(find(before, 'Deployment', 'redis').spec.template.metadata.annotations).toBeUndefined();
  });

  test('a Secret the stack does not write gets no checksum and, by default, no Reloader annotation', () => {
    for (const name of ['saplings-app', 'redis', 'pgvector']) {
      expect(podAnnotations(before, name)?.[SECRET_CHECKSUM_ANNOTATION]).toBeUndefined();
      expect(find(before, 'Deployment', name).metadata.annotations).toBeUndefined();
    }
  });
});

describe('inline Secrets', () => {
  const inline = (openai: string): Partial<StackConfigInput> => ({
    environment: 'development',
    secrets: { source: 'inline', keys: ['OPENAI_API_KEY'], values: { OPENAI_API_KEY: openai, REDIS_PASSWORD: 'redis-password-cccccccccccc' } },
    redis: { auth: true },
  });
  const before = render(inline('sk-one-aaaaaaaaaaaaaaaaaaaaaa'));
  const after = render(inline('sk-two-bbbbbbbbbbbbbbbbbbbbbb'));

  test('GIVEN a value changed THEN the Secret and the checksum of every pod reading it change, and nothing else', () => {
    expect(differences(before, after)).toStrictEqual([
      'Secret/saplings-secrets: stringData.OPENAI_API_KEY',
      `Deployment/redis: spec.template.metadata.annotations.${SECRET_CHECKSUM_ANNOTATION}`,
      `Deployment/saplings-app: spec.template.metadata.annotations.${SECRET_CHECKSUM_ANNOTATION}`,
    ]);
  });

  test('the annotation is a digest: the value appears nowhere but in the Secret', () => {
    const text = JSON.stringify(before.filter((o) => o.kind !== 'Secret'));
    expect(text).not.toContain('sk-one-');
    expect(podAnnotations(before, 'saplings-app')[SECRET_CHECKSUM_ANNOTATION]).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('secrets.reloader', () => {
  const objects = render({
    secrets: { source: 'external', keys: ['OPENAI_API_KEY'], external: { storeName: 'vault' }, reloader: true },
    vectorDb: { enabled: true, engine: 'pgvector' },
  });

  test.each(['saplings-app', 'redis'])('GIVEN an external Secret THEN Deployment %s names it for stakater Reloader', (name) => {
    expect(find(objects, 'Deployment', name).metadata.annotations).toStrictEqual({ [RELOADER_SECRET_ANNOTATION]: 'saplings-secrets' });
  });

  // Postgres reads POSTGRES_PASSWORD only when it initializes an empty data directory: a roll would change nothing.
  test('GIVEN an external Secret THEN Deployment pgvector is not rolled by Reloader', () => {
    expect(find(objects, 'Deployment', 'pgvector').metadata.annotations?.[RELOADER_SECRET_ANNOTATION]).toBeUndefined();
  });
});

describe('rollOnConfigChange', () => {
  test('GIVEN data added after construction THEN the checksum covers it', () => {
    const checksum = (extra?: string) => {
      const chart = Testing.chart();
      const app = new SaplingsApp(chart, 'App', { image: 'saplings:1.0.0' });
      if (extra) app.configMap.addData('EXTRA', extra);
      return onlyOfKind(Testing.synth(chart), 'Deployment').spec.template.metadata.annotations[CONFIG_CHECKSUM_ANNOTATION];
    };
    expect(checksum('1')).not.toBe(checksum());
    expect(checksum('1')).toBe(checksum('1'));
  });

  test('GIVEN a plain Deployment mounting a ConfigMap volume and reading a referenced Secret THEN it hashes the ConfigMap and names the Secret for Reloader', () => {
    const chart = Testing.chart();
    const configMap = new kplus.ConfigMap(chart, 'Settings', { metadata: { name: 'settings' }, data: { a: '1' } });
    const deployment = new kplus.Deployment(chart, 'Web', { containers: [{ image: 'nginx:1.27', portNumber: 8080 }] });
    deployment.containers[0].mount('/etc/settings', kplus.Volume.fromConfigMap(chart, 'SettingsVolume', configMap));
    deployment.containers[0].env.addVariable('TOKEN', kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(chart, 'Token', 'token'), key: 'value' }));
    rollOnConfigChange(deployment);
    rollOnConfigChange(deployment, { reloadSecrets: true });
    const rendered = onlyOfKind(Testing.synth(chart), 'Deployment');
    expect(Object.keys(rendered.spec.template.metadata.annotations)).toStrictEqual([CONFIG_CHECKSUM_ANNOTATION]);
    expect(rendered.metadata.annotations).toStrictEqual({ [RELOADER_SECRET_ANNOTATION]: 'token' });
  });
});
