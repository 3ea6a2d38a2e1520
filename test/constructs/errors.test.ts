import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ConstructProblem, SaplingsApp, SaplingsError, validateConstructs } from '../../src';

// The API server's message for a container name (k8s.io/apimachinery IsDNS1123Label, with RegexError).
const LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** The problems validateConstructs throws for `scope`; fails the test when it does not throw. */
function problemsOf(scope: Chart | App): readonly ConstructProblem[] {
  try {
    validateConstructs(scope);
  } catch (error) {
    expect(SaplingsError.isSaplingsError(error, 'construct')).toBe(true);
    return (error as SaplingsError).diagnostics as readonly ConstructProblem[];
  }
  throw new Error('validateConstructs did not throw');
}

describe('validateConstructs: the API server field rules on every ApiObject', () => {
  test('GIVEN any construct whose object breaks a field rule THEN it is reported at its ApiObject with the API server message', () => {
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'Web', { metadata: { name: 'web' } });
    deployment.addContainer({ name: 'Web_Server', image: 'web:1.0.0' });

    expect(problemsOf(chart)).toStrictEqual([
      {
        constructPath: 'test/Web/Resource',
        message: `Deployment/web: spec.template.spec.containers[0].name: Invalid value: "Web_Server": ${LABEL}`,
      },
    ]);
  });

  test('GIVEN a ConfigMap over 1 MiB THEN it is reported', () => {
    const chart = Testing.chart();
    new kplus.ConfigMap(chart, 'Config', { metadata: { name: 'big' }, data: { blob: 'x'.repeat(1024 * 1024 + 1) } });

    expect(problemsOf(chart)).toStrictEqual([
      { constructPath: 'test/Config/Resource', message: 'ConfigMap/big: Too long: must have at most 1048576 bytes' },
    ]);
  });

  test('GIVEN two SaplingsApps with the same name in one chart THEN each duplicate object is reported, naming both construct paths', () => {
    const chart = new Chart(new App(), 'stack');
    new SaplingsApp(chart, 'First', { image: 'saplings:1.0.0', name: 'same' });
    new SaplingsApp(chart, 'Second', { image: 'saplings:1.0.0', name: 'same' });

    const problems = problemsOf(chart);

    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.constructPath.startsWith('stack/Second/'))).toBe(true);
    expect(problems.find((p) => p.constructPath === 'stack/Second/Deployment/Resource')).toStrictEqual({
      constructPath: 'stack/Second/Deployment/Resource',
      message:
        'Deployment "same-app" is synthesized by stack/First/Deployment/Resource and again by stack/Second/Deployment/Resource; ' +
        'the later object would overwrite the earlier on apply: give one of the constructs another name',
    });
  });

  test('GIVEN two SaplingsApps with different names THEN nothing is reported', () => {
    const chart = new Chart(new App(), 'stack');
    new SaplingsApp(chart, 'First', { image: 'saplings:1.0.0' });
    new SaplingsApp(chart, 'Second', { image: 'saplings:1.0.0', name: 'other' });

    expect(() => validateConstructs(chart)).not.toThrow();
  });

  test('GIVEN the same name in two namespaces THEN they are not duplicates', () => {
    const app = new App();
    for (const namespace of ['a', 'b']) {
      new kplus.ConfigMap(new Chart(app, namespace, { namespace }), 'Config', { metadata: { name: 'shared' } });
    }

    expect(() => validateConstructs(app)).not.toThrow();
    expect(ApiObject.of(app.node.findChild('a').node.findChild('Config')).toJson().metadata.namespace).toBe('a');
  });
});
