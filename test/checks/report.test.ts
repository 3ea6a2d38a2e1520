import { Reporter } from '../../src/checks/report';

describe('Reporter', () => {
  test('builds each finding with the dotted path, and copies the file only when there is one', () => {
    const withFile = new Reporter({ file: 'app.yaml' });
    const without = new Reporter();
    for (const r of [withFile, without]) r.report({ id: 'Deployment/web' }, 'error', 'some-rule', ['spec', 'containers', 0], 'broken');

    expect(withFile.findings).toStrictEqual([
      { severity: 'error', rule: 'some-rule', object: 'Deployment/web', path: 'spec.containers[0]', message: 'broken', file: 'app.yaml' },
    ]);
    expect(without.findings).toStrictEqual([{ severity: 'error', rule: 'some-rule', object: 'Deployment/web', path: 'spec.containers[0]', message: 'broken' }]);
  });

  test('GIVEN oncePerPlace THEN a rule is recorded once per object, namespace and path; without it every report counts', () => {
    const report = (r: Reporter) => {
      r.report({ id: 'Deployment/web', namespace: 'a' }, 'error', 'rule', ['spec'], 'first');
      r.report({ id: 'Deployment/web', namespace: 'a' }, 'error', 'rule', ['spec'], 'second');
      r.report({ id: 'Deployment/web', namespace: 'b' }, 'error', 'rule', ['spec'], 'other namespace');
      r.report({ id: 'Deployment/web', namespace: 'a' }, 'error', 'other-rule', ['spec'], 'other rule');
    };
    const once = new Reporter({ oncePerPlace: true });
    const every = new Reporter();
    report(once);
    report(every);

    expect(once.findings.map((f) => f.message)).toStrictEqual(['first', 'other namespace', 'other rule']);
    expect(every.findings).toHaveLength(4);
  });

  test('sorted orders by object, then path with indexes by value, then rule, then message; findings keep report order', () => {
    const r = new Reporter();
    r.report({ id: 'Service/b' }, 'info', 'x', [], 'm');
    r.report({ id: 'Deployment/a' }, 'error', 'y', ['c', 10], 'm');
    r.report({ id: 'Deployment/a' }, 'error', 'y', ['c', 2], 'z');
    r.report({ id: 'Deployment/a' }, 'error', 'y', ['c', 2], 'a');
    r.report({ id: 'Deployment/a' }, 'error', 'b', ['c', 2], 'q');

    expect(r.sorted().map((f) => `${f.object} ${f.path} ${f.rule} ${f.message}`)).toStrictEqual([
      'Deployment/a c[2] b q',
      'Deployment/a c[2] y a',
      'Deployment/a c[2] y z',
      'Deployment/a c[10] y m',
      'Service/b  x m',
    ]);
    expect(r.findings.map((f) => f.object)).toStrictEqual(['Service/b', 'Deployment/a', 'Deployment/a', 'Deployment/a', 'Deployment/a']);
  });
});

describe('ObjectReporter', () => {
  test('reports on its object, and knows where it reported errors: at a path or any field above it, not below, not infos', () => {
    const reporter = new Reporter({ file: 'f.yaml' });
    const r = reporter.forObject({ id: 'Pod/p' });
    r.info('unknown-kind', [], 'only checked the metadata');
    expect(r.hasErrorAtOrAbove([])).toBe(false);

    r.error('invalid-type', ['spec', 'containers'], 'must be a list');

    expect(r.hasErrorAtOrAbove(['spec', 'containers'])).toBe(true);
    expect(r.hasErrorAtOrAbove(['spec', 'containers', 0, 'image'])).toBe(true);
    expect(r.hasErrorAtOrAbove(['spec'])).toBe(false);
    expect(r.hasErrorAtOrAbove(['spec', 'volumes'])).toBe(false);
    expect(reporter.findings.map((f) => [f.severity, f.object, f.path, f.file])).toStrictEqual([
      ['info', 'Pod/p', '', 'f.yaml'],
      ['error', 'Pod/p', 'spec.containers', 'f.yaml'],
    ]);
  });

  test('two objects of one reporter keep their error paths apart', () => {
    const reporter = new Reporter();
    const first = reporter.forObject({ id: 'Deployment/web' });
    const second = reporter.forObject({ id: 'Deployment/web' });
    first.error('invalid-type', ['spec'], 'must be an object');

    expect(second.hasErrorAtOrAbove(['spec'])).toBe(false);
  });
});
