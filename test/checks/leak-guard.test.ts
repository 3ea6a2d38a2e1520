import { findLeaks } from '../../src/checks/leak-guard';
import { KubeObject } from '../../src/conventions/kube-object';

const KEY_LIKE = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789';

describe('findLeaks', () => {
  test('GIVEN a credential in a ConfigMap THEN it is a leak, named by kind and path, never echoed', () => {
    const configMap: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { TOKEN: KEY_LIKE } };
    const findings = findLeaks([configMap], 'web.yaml');
    expect(findings.map((f) => [f.rule, f.object, f.path])).toStrictEqual([['leak-credential', 'ConfigMap/web', 'data.TOKEN']]);
    expect(JSON.stringify(findings)).not.toContain(KEY_LIKE);
  });

  test('GIVEN an ExternalSecret whose store key is spelled like a credential THEN it is not a leak: it names a location', () => {
    // A config's remoteKeyPrefix can be anything, e.g. "sk-team/"; the key is where the store keeps the value.
    const externalSecret: KubeObject = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'app' },
      spec: { data: [{ secretKey: 'OPENAI_API_KEY', remoteRef: { key: `${KEY_LIKE}/OPENAI_API_KEY` } }] },
    };
    expect(findLeaks([externalSecret])).toStrictEqual([]);
  });

  test('GIVEN a credential elsewhere in an ExternalSecret THEN it is still a leak', () => {
    const externalSecret: KubeObject = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'app', annotations: { note: KEY_LIKE } },
      spec: { data: [] },
    };
    expect(findLeaks([externalSecret]).map((f) => f.path)).toStrictEqual(['metadata.annotations.note']);
  });
});
