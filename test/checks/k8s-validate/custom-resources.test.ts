import { validateObjects } from '../../../src/checks/k8s-validate';
import { render } from '../../helpers/manifests';

describe('PrometheusRule against its CRD', () => {
  const rule = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'web-alerts', namespace: 'shop' },
    spec: { groups: [{ name: 'web', rules: [{ alert: 'Down', expr: 'up == 0', for: '5m', anotations: { summary: 'down' } }] }] },
  };

  test('GIVEN a misspelt rule field THEN it is an unknown field, with the right spelling suggested', () => {
    const findings = validateObjects([rule]).filter((f) => f.severity === 'error');
    expect(findings.map((f) => [f.rule, f.object, f.path, f.message])).toStrictEqual([
      [
        'unknown-field',
        'PrometheusRule/web-alerts',
        'spec.groups[0].rules[0].anotations',
        'unknown field "anotations": this part of a PrometheusRule has no such field in the CRD; did you mean "annotations"?',
      ],
    ]);
  });

  test("GIVEN the stack's own PrometheusRule THEN it is checked against the CRD, and clean", () => {
    const generated = render().filter((o) => o.kind === 'PrometheusRule');
    expect(generated).toHaveLength(1);
    const findings = validateObjects(generated);
    expect(findings.filter((f) => f.rule === 'unknown-kind')).toStrictEqual([]);
    expect(findings.filter((f) => f.severity === 'error')).toStrictEqual([]);
  });
});
