import {
  CONFIG_CHECKSUM_ANNOTATION,
  SECRET_CHECKSUM_ANNOTATION,
  checksumAnnotations,
  refreshChecksums,
  writtenConfig,
} from '../../src/conventions/config-checksum';

const configMap = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
const secret = (name: string, stringData: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData });
const deployment = (pod: object, annotations?: Record<string, string>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'app' },
  spec: { template: { metadata: { labels: { app: 'a' }, ...(annotations ? { annotations } : {}) }, spec: pod } },
});
const readsBoth = { containers: [{ name: 'app', envFrom: [{ configMapRef: { name: 'settings' } }, { secretRef: { name: 'creds' } }] }] };

describe('checksumAnnotations', () => {
  const written = writtenConfig([configMap('settings', { LOG_LEVEL: 'INFO' }), secret('creds', { API_KEY: 's3cr3t-value' })]);

  test('digests the ConfigMaps and Secrets the pod reads, never a secret value', () => {
    const annotations = checksumAnnotations(readsBoth, written);
    expect(Object.keys(annotations)).toStrictEqual([CONFIG_CHECKSUM_ANNOTATION, SECRET_CHECKSUM_ANNOTATION]);
    expect(Object.values(annotations).every((v) => /^[0-9a-f]{64}$/.test(v))).toBe(true);
    expect(JSON.stringify(annotations)).not.toContain('s3cr3t');
  });

  test('a changed value, or the same data under another name, changes the digest; the same content gives the same digest', () => {
    const base = checksumAnnotations(readsBoth, written)[CONFIG_CHECKSUM_ANNOTATION];
    const again = checksumAnnotations(readsBoth, writtenConfig([configMap('settings', { LOG_LEVEL: 'INFO' })]))[CONFIG_CHECKSUM_ANNOTATION];
    const changed = checksumAnnotations(readsBoth, writtenConfig([configMap('settings', { LOG_LEVEL: 'DEBUG' })]))[CONFIG_CHECKSUM_ANNOTATION];
    const renamedPod = { containers: [{ name: 'app', envFrom: [{ configMapRef: { name: 'other' } }] }] };
    const renamed = checksumAnnotations(renamedPod, writtenConfig([configMap('other', { LOG_LEVEL: 'INFO' })]))[CONFIG_CHECKSUM_ANNOTATION];
    expect(again).toBe(base);
    expect(new Set([base, changed, renamed]).size).toBe(3);
  });

  test('objects the chart does not write (an existing Secret) get no checksum', () => {
    expect(checksumAnnotations(readsBoth, writtenConfig([configMap('settings', {})]))).toStrictEqual({
      [CONFIG_CHECKSUM_ANNOTATION]: expect.any(String),
    });
  });
});

describe('refreshChecksums', () => {
  test('recomputes the annotations a template carries, in place, from the objects beside it', () => {
    const app = deployment(readsBoth, { 'other/keep': 'x', [CONFIG_CHECKSUM_ANNOTATION]: 'stale' });
    const objects = [configMap('settings', { LOG_LEVEL: 'DEBUG' }), app];
    refreshChecksums(objects);
    expect(app.spec.template.metadata).toStrictEqual({
      labels: { app: 'a' },
      annotations: { 'other/keep': 'x', [CONFIG_CHECKSUM_ANNOTATION]: checksumAnnotations(readsBoth, writtenConfig(objects))[CONFIG_CHECKSUM_ANNOTATION] },
    });
  });

  test('leaves a template without a checksum annotation untouched: it did not ask to roll on config change', () => {
    const objects = [configMap('settings', { LOG_LEVEL: 'DEBUG' }), deployment(readsBoth)];
    const before = JSON.stringify(objects);
    refreshChecksums(objects);
    expect(JSON.stringify(objects)).toBe(before);
  });
});
