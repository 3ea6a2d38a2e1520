import { inputError } from '../../src/config/errors';
import { findingsError } from '../../src/checks/findings';
import { outputError } from '../../src/synth/output-error';
import { usageError } from '../../src/cli/context';
import { SaplingsError } from '../../src/conventions/diagnostic';
import { ProblemFormat, diagnosticRecord, reportError, warningLine } from '../../src/cli/problem-formats';

const KEY = 'sk-proj-0123456789abcdefghijAB';

/** What reportError wrote and returned. */
function report(err: SaplingsError, format: ProblemFormat): { status: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), cwd: '/', env: {} };
  const status = reportError(err, format, io, '✖');
  return { status, stdout, stderr };
}

describe('diagnosticRecord', () => {
  test('GIVEN a config problem THEN the JSON keeps its fields in the order --format json has always printed them', () => {
    const record = diagnosticRecord({ file: 'c.yaml', position: { line: 6, column: 13 }, path: 'app.replicas', message: 'expected number' });
    expect(JSON.stringify(record)).toBe('{"severity":"error","file":"c.yaml","line":6,"column":13,"path":"app.replicas","message":"expected number"}');
  });

  test('GIVEN a finding THEN the JSON has its object and rule, in the old order', () => {
    const record = diagnosticRecord({ severity: 'warning', rule: 'pss-x', file: 'a.yaml', object: 'Pod/p', path: 'spec', message: 'm' });
    expect(JSON.stringify(record)).toBe('{"severity":"warning","file":"a.yaml","object":"Pod/p","path":"spec","message":"m","rule":"pss-x"}');
  });

  test('GIVEN a construct problem THEN the record names the construct path, and a missing key path is ""', () => {
    expect(diagnosticRecord({ constructPath: 'stack/App', message: 'm' })).toStrictEqual(expect.objectContaining({ severity: 'error', path: '', constructPath: 'stack/App' }));
  });

  test('GIVEN a message with a credential THEN the record hides it', () => {
    expect(diagnosticRecord({ file: 'c.yaml', path: 'x', message: `got ${KEY}` }).message).not.toContain(KEY);
  });
});

describe('reportError: the one place the CLI prints a SaplingsError', () => {
  const problems = inputError([
    { file: 'c.yaml', position: { line: 4, column: 3 }, path: 'autoscaling.minReplcas', message: 'unknown key' },
    { file: 'c.yaml', path: 'image', message: `is ${KEY}` },
  ]);

  test('GIVEN input problems as text THEN one ✖ line each on stderr, then the count; exit 1', () => {
    const run = report(problems, 'text');
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^✖ c\.yaml:4:3: autoscaling\.minReplcas: unknown key\n✖ c\.yaml: image: is .+\n2 problems; nothing was written\.\n$/);
    expect(run.stderr).not.toContain(KEY);
  });

  test('GIVEN input problems as json or github THEN they go to stdout, and stderr stays empty', () => {
    const json = report(problems, 'json');
    expect(JSON.parse(json.stdout)).toStrictEqual({
      problems: [
        { severity: 'error', file: 'c.yaml', line: 4, column: 3, path: 'autoscaling.minReplcas', message: 'unknown key' },
        { severity: 'error', file: 'c.yaml', path: 'image', message: expect.stringMatching(/^is /) as string },
      ],
    });
    expect(json.stdout).not.toContain(KEY);
    const github = report(problems, 'github');
    expect(github.stdout).toMatch(/^::error file=c\.yaml,line=4,col=3,title=saplings-k8s::autoscaling\.minReplcas: unknown key\n::error file=c\.yaml,title=saplings-k8s::image: is .+\n$/);
    expect(github.stdout).not.toContain(KEY);
    expect([json.stderr, github.stderr, String(json.status), String(github.status)]).toStrictEqual(['', '', '1', '1']);
  });

  test('GIVEN findings as text THEN each finding line, then the count of errors in the generated objects', () => {
    const run = report(findingsError([{ severity: 'error', rule: 'r', file: 'a.yaml', object: 'Pod/p', path: 'spec', message: 'm' }]), 'text');
    expect(run).toStrictEqual({ status: 1, stdout: '', stderr: '✖ a.yaml: Pod/p: spec: error: m [r]\n1 error in the generated objects; nothing was written.\n' });
  });

  test.each(['text', 'json', 'github'] as const)('GIVEN an output or usage error in %s THEN one sentence on stderr; usage points to --help and exits 2', (format) => {
    expect(report(outputError('cannot write out (disk full): free space'), format)).toStrictEqual({ status: 1, stdout: '', stderr: '✖ cannot write out (disk full): free space\n' });
    expect(report(usageError('unknown command "x"'), format)).toStrictEqual({
      status: 2,
      stdout: '',
      stderr: '✖ unknown command "x"\nRun "saplings-k8s --help" for usage.\n',
    });
  });
});

test('warningLine: a ⚠ line with the diagnostic, redacted', () => {
  expect(warningLine({ file: 'c.yaml', path: 'secrets.keys', message: 'DATABASE_URL without network.database' })).toBe('⚠ c.yaml: secrets.keys: DATABASE_URL without network.database\n');
  expect(warningLine({ file: 'c.yaml', path: 'x', message: KEY })).not.toContain(KEY);
});
