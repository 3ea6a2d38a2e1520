import { ApiObject, Testing } from 'cdk8s';
import { AppSecret, AppSecretProps } from '../../src/constructs/app-secret';

// Synthesized manifests are plain JSON; `any` keeps the assertions short.
type Manifest = Record<string, any>;

/** The only object of `kind`; fails the test if there are none or several. */
function onlyOfKind(manifests: Manifest[], kind: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

const KEYS = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY'];

function synthSecret(props: Partial<AppSecretProps> = {}): { secret: AppSecret; manifests: Manifest[] } {
  const chart = Testing.chart();
  const secret = new AppSecret(chart, 'Secret', { name: 'saplings-secrets', keys: KEYS, ...props });
  return { secret, manifests: Testing.synth(chart) };
}

describe('AppSecret', () => {
  test('defaults', () => {
    expect(synthSecret().manifests).toMatchSnapshot();
  });

  describe('GIVEN only a name and keys', () => {
    const { secret, manifests } = synthSecret();

    test('THEN it creates no object: the Secret is made out of band and only referenced', () => {
      expect(manifests).toStrictEqual([]);
      expect(secret.externalSecret).toBeUndefined();
      expect(secret.inlineSecret).toBeUndefined();
    });

    test('THEN secret references the named Secret', () => {
      expect(secret.secret.name).toBe('saplings-secrets');
    });
  });

  describe('GIVEN an external store', () => {
    const { secret, manifests } = synthSecret({
      labels: { app: 'saplings' },
      external: { storeName: 'vault', remoteKeyPrefix: 'saplings/prod/' },
    });
    const external = onlyOfKind(manifests, 'ExternalSecret');

    test('THEN it creates only an external-secrets.io/v1 ExternalSecret named after the Secret', () => {
      expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toStrictEqual(['ExternalSecret/saplings-secrets']);
      expect(external.apiVersion).toBe('external-secrets.io/v1');
      expect(external.metadata).toStrictEqual({ name: 'saplings-secrets', labels: { app: 'saplings' } });
    });

    test('THEN it reads from the ClusterSecretStore, refreshes hourly and owns the Secret it writes', () => {
      expect(external.spec).toMatchObject({
        secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
        refreshInterval: '1h',
        // Owner: deleting the ExternalSecret deletes the Secret, so nothing stale lingers.
        target: { name: 'saplings-secrets', creationPolicy: 'Owner' },
      });
    });

    test('THEN it maps each key to the remote key prefix + key, in order', () => {
      expect(external.spec.data).toStrictEqual([
        { secretKey: 'OPENAI_API_KEY', remoteRef: { key: 'saplings/prod/OPENAI_API_KEY' } },
        { secretKey: 'ANTHROPIC_API_KEY', remoteRef: { key: 'saplings/prod/ANTHROPIC_API_KEY' } },
      ]);
    });

    test('THEN no value is written into the manifest', () => {
      expect(manifests.filter((m) => m.kind === 'Secret')).toStrictEqual([]);
    });

    test('THEN externalSecret is the synthesized object and secret references the target', () => {
      expect(ApiObject.of(secret.externalSecret!).toJson()).toStrictEqual(external);
      expect(secret.secret.name).toBe('saplings-secrets');
      expect(secret.inlineSecret).toBeUndefined();
    });
  });

  test('GIVEN an external SecretStore, no prefix and a refresh interval THEN the ExternalSecret uses them', () => {
    const external = onlyOfKind(
      synthSecret({ external: { storeName: 'team-store', storeKind: 'SecretStore', refreshInterval: '15m' } }).manifests,
      'ExternalSecret',
    );
    expect(external.spec).toStrictEqual({
      refreshInterval: '15m',
      secretStoreRef: { name: 'team-store', kind: 'SecretStore' },
      target: { name: 'saplings-secrets', creationPolicy: 'Owner' },
      data: [
        { secretKey: 'OPENAI_API_KEY', remoteRef: { key: 'OPENAI_API_KEY' } },
        { secretKey: 'ANTHROPIC_API_KEY', remoteRef: { key: 'ANTHROPIC_API_KEY' } },
      ],
    });
  });

  describe('GIVEN inline values', () => {
    const { secret, manifests } = synthSecret({
      labels: { app: 'saplings' },
      values: { OPENAI_API_KEY: 'sk-dev-openai', ANTHROPIC_API_KEY: 'sk-dev-anthropic' },
    });
    const written = onlyOfKind(manifests, 'Secret');

    test('THEN it writes only a Secret holding the values as stringData', () => {
      expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toStrictEqual(['Secret/saplings-secrets']);
      expect(written.metadata).toStrictEqual({ name: 'saplings-secrets', labels: { app: 'saplings' } });
      expect(written.stringData).toStrictEqual({ OPENAI_API_KEY: 'sk-dev-openai', ANTHROPIC_API_KEY: 'sk-dev-anthropic' });
      expect(written).not.toHaveProperty('data');
    });

    test('THEN inlineSecret is the synthesized object and secret is that Secret', () => {
      expect(ApiObject.of(secret.inlineSecret!).toJson()).toStrictEqual(written);
      expect(secret.secret).toBe(secret.inlineSecret);
      expect(secret.externalSecret).toBeUndefined();
    });
  });
});
