import * as path from 'node:path';
import { runChecks } from '../../src/checks';
import { KubeObject } from '../../src/conventions/kube-object';

const KEY = 'sk-proj-T3stOnlyN0tARealKey0123456789abcdefABCD';

function deployment(name: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'web:1.0.0' }] } },
      ...extra,
    },
  };
}

const service: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };
const configMapWithKey: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config' }, data: { OPENAI_API_KEY: KEY } };

describe('runChecks', () => {
  test('GIVEN objects without files THEN findings come check by check: API, then policy, then the leak guard, all naming the one file', () => {
    const findings = runChecks([deployment('web', { replicaz: 2 }), configMapWithKey], { file: 'out/app.k8s.yaml' });
    const checks = findings.map((f) => (f.rule.startsWith('leak-') ? 'leak' : /^(pss|practice)-/.test(f.rule) ? 'policy' : 'api'));

    expect(checks[0]).toBe('api');
    expect(checks[checks.length - 1]).toBe('leak');
    expect(checks).toStrictEqual([...checks].sort((a, b) => ['api', 'policy', 'leak'].indexOf(a) - ['api', 'policy', 'leak'].indexOf(b)));
    expect(checks).toContain('policy');
    expect(new Set(findings.map((f) => f.file))).toStrictEqual(new Set(['out/app.k8s.yaml']));
  });

  test('GIVEN files THEN every finding names the file of its own object', () => {
    const findings = runChecks([deployment('web', { replicaz: 2 }), configMapWithKey], { files: ['a/web.yaml', 'a/config.yaml'] });

    expect(findings.map((f) => [f.rule, f.object, f.file])).toEqual(
      expect.arrayContaining([
        ['unknown-field', 'Deployment/web', 'a/web.yaml'],
        ['practice-probes', 'Deployment/web', 'a/web.yaml'],
        ['practice-secret-in-env', 'ConfigMap/web-config', 'a/config.yaml'],
        ['leak-credential', 'ConfigMap/web-config', 'a/config.yaml'],
      ]),
    );
    for (const f of findings) expect(f.file).toBe(f.object === 'ConfigMap/web-config' ? 'a/config.yaml' : 'a/web.yaml');
  });

  test('GIVEN files THEN the API check looks at one file at a time: the same name in two files is no duplicate', () => {
    const duplicates = (files: string[]) =>
      runChecks([deployment('web'), deployment('web')], { files }).filter((f) => f.rule === 'duplicate-name');

    expect(duplicates(['a/one.yaml', 'a/two.yaml'])).toStrictEqual([]);
    expect(duplicates(['a/one.yaml', 'a/one.yaml'])).toMatchObject([{ object: 'Deployment/web', file: 'a/one.yaml' }]);
  });

  test('GIVEN a policy group THEN the policy relates the objects of a group only: a Service finds its pods in another file of the group', () => {
    const selectsNothing = (files: string[], policyGroup?: (file: string) => string) =>
      runChecks([service, deployment('web')], { files, policyGroup }).filter((f) => f.rule === 'practice-service-selector');

    expect(selectsNothing(['a/service.yaml', 'a/web.yaml'], path.dirname)).toStrictEqual([]);
    expect(selectsNothing(['a/service.yaml', 'b/web.yaml'], path.dirname)).toMatchObject([{ object: 'Service/web', file: 'a/service.yaml' }]);
    expect(selectsNothing(['a/service.yaml', 'b/web.yaml'])).toStrictEqual([]);
  });

  test('GIVEN objects that are not Kubernetes-shaped THEN only the leak guard runs', () => {
    const findings = runChecks([deployment('web', { replicaz: 2 }), configMapWithKey], { file: 'compose.yaml', kubernetes: false });

    expect(findings.map((f) => [f.rule, f.object])).toStrictEqual([['leak-credential', 'ConfigMap/web-config']]);
  });
});
