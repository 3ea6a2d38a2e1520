import { Testing } from 'cdk8s';
import { SaplingsError, formatDiagnostic } from '../../src/conventions/diagnostic';
import { InputError, Problem, inputError, inputProblems } from '../../src/config/errors';
import { Finding, FindingsError, findingsError } from '../../src/checks/findings';
import { SaplingsValidationError, propsError } from '../../src/constructs/errors';
import { outputError } from '../../src/synth/output-error';
import { usageError } from '../../src/cli/context';

const asIs = (message: string) => message;

describe('formatDiagnostic', () => {
  test('GIVEN a config problem with a position THEN it reads FILE:LINE:COL: key.path: message', () => {
    expect(formatDiagnostic({ file: 'saplings.yaml', position: { line: 4, column: 3 }, path: 'autoscaling.minReplcas', message: 'unknown key' }, asIs)).toBe(
      'saplings.yaml:4:3: autoscaling.minReplcas: unknown key',
    );
  });

  test('GIVEN a problem without a position THEN it names the document, and leaves out an empty key path', () => {
    expect(formatDiagnostic({ file: '(built-in default)', document: 2, path: '', message: 'is wrong' }, asIs)).toBe('(built-in default) (document 2): is wrong');
  });

  test('GIVEN a finding THEN it reads file: Kind/name: field.path: severity: message [rule]', () => {
    const finding: Finding = { severity: 'warning', rule: 'pss-x', file: 'app.yaml', object: 'Pod/p', path: 'spec.x', message: 'bad' };
    expect(formatDiagnostic(finding, asIs)).toBe('app.yaml: Pod/p: spec.x: warning: bad [pss-x]');
  });

  test('GIVEN a construct problem THEN its message starts with [construct/path]', () => {
    expect(formatDiagnostic({ constructPath: 'stack/App/Secret', message: 'bad props' }, asIs)).toBe('[stack/App/Secret] bad props');
  });

  test('GIVEN a file name with a line break THEN the line stays one line, and the message goes through redact', () => {
    expect(formatDiagnostic({ file: 'a\nb.yaml', path: 'k', message: 'secret' }, (m) => m.toUpperCase())).toBe('a\\nb.yaml: k: SECRET');
  });
});

describe('SaplingsError', () => {
  const problem: Problem = { file: 'c.yaml', position: { line: 1, column: 2 }, path: 'image', message: 'is required' };

  test('GIVEN diagnostics THEN it carries them, its kind and the exit status, and its message lists each one', () => {
    const err = new SaplingsError('input', [problem, { file: 'c.yaml', path: 'app', message: 'too big' }]);
    expect(err).toBeInstanceOf(Error);
    expect(err.kind).toBe('input');
    expect(err.exitCode).toBe(1);
    expect(err.diagnostics).toHaveLength(2);
    expect(err.message).toBe('c.yaml:1:2: image: is required\nc.yaml: app: too big');
  });

  test('GIVEN one message THEN it is the one diagnostic, and a usage error exits 2', () => {
    const err = usageError('--format must be one of text, github, json');
    expect(err.diagnostics).toStrictEqual([{ message: '--format must be one of text, github, json' }]);
    expect(err.message).toBe('--format must be one of text, github, json');
    expect(err.exitCode).toBe(2);
    expect(outputError('cannot write out').exitCode).toBe(1);
  });

  test.each([
    ['input', inputError([problem])],
    ['checks', findingsError([{ severity: 'error', rule: 'r', object: 'Pod/p', path: '', message: 'm' }])],
    ['construct', propsError(Testing.chart(), 'm')],
    ['output', outputError('m')],
    ['usage', usageError('m')],
  ] as const)('GIVEN the %s factory THEN isSaplingsError recognises its kind, and no other', (kind, err) => {
    expect(err.constructor).toBe(SaplingsError);
    expect(SaplingsError.isSaplingsError(err)).toBe(true);
    expect(SaplingsError.isSaplingsError(err, kind)).toBe(true);
    expect(SaplingsError.isSaplingsError(err, kind === 'input' ? 'output' : 'input')).toBe(false);
  });

  test('GIVEN anything else THEN isSaplingsError is false: a plain Error, a look-alike without the tag, nothing', () => {
    expect(SaplingsError.isSaplingsError(new Error('x'))).toBe(false);
    expect(SaplingsError.isSaplingsError({ kind: 'input', diagnostics: [], message: 'x' })).toBe(false);
    expect(SaplingsError.isSaplingsError(undefined)).toBe(false);
    expect(SaplingsError.isSaplingsError('input')).toBe(false);
  });

  test('GIVEN an input problem error THEN inputProblems returns its problems, and undefined for any other error', () => {
    expect(inputProblems(inputError([problem]))).toStrictEqual([problem]);
    expect(inputProblems(outputError('m'))).toBeUndefined();
    expect(inputProblems(new Error('m'))).toBeUndefined();
  });
});

describe('two copies of the library in one process', () => {
  type DiagnosticModule = typeof import('../../src/conventions/diagnostic');
  type ErrorsModule = typeof import('../../src/config/errors');

  // Each isolateModules call gets a fresh module registry: a second copy, as a nested node_modules or a bundle would load.
  function loadCopy(): { diagnostic: DiagnosticModule; errors: ErrorsModule } {
    let copy: { diagnostic: DiagnosticModule; errors: ErrorsModule } | undefined;
    jest.isolateModules(() => {
      copy = { diagnostic: jest.requireActual('../../src/conventions/diagnostic'), errors: jest.requireActual('../../src/config/errors') };
    });
    return copy!;
  }

  test('GIVEN an error from one copy THEN the other copy recognises it by its tag, where instanceof fails', () => {
    const a = loadCopy();
    const b = loadCopy();
    expect(a.diagnostic.SaplingsError).not.toBe(b.diagnostic.SaplingsError);

    const err = a.errors.inputError([{ file: 'c.yaml', path: 'image', message: 'is required' }]);
    expect(err instanceof b.diagnostic.SaplingsError).toBe(false);
    expect(b.diagnostic.SaplingsError.isSaplingsError(err)).toBe(true);
    expect(b.diagnostic.SaplingsError.isSaplingsError(err, 'input')).toBe(true);
    // The deprecated class checks the tag too, so old `instanceof InputError` code keeps working across copies.
    expect(err instanceof b.errors.InputError).toBe(true);
    expect(b.errors.inputProblems(err)).toStrictEqual([{ file: 'c.yaml', path: 'image', message: 'is required' }]);
  });
});

describe('the deprecated error classes', () => {
  const problem: Problem = { file: 'c.yaml', path: 'image', message: 'is required' };
  const finding: Finding = { severity: 'error', rule: 'r', object: 'Pod/p', path: 'spec', message: 'm' };

  test('GIVEN new InputError THEN it is an input SaplingsError with the message inputError gives', () => {
    const err = new InputError([problem]);
    expect(SaplingsError.isSaplingsError(err, 'input')).toBe(true);
    expect(err.message).toBe(inputError([problem]).message);
    expect(err.problems).toStrictEqual([problem]);
  });

  test('GIVEN errors of each kind THEN instanceof a deprecated class holds for its kind only', () => {
    const input = inputError([problem]);
    const checks = findingsError([finding]);
    const construct = propsError(Testing.chart(), 'm');
    expect([input, checks, construct].map((e) => e instanceof InputError)).toStrictEqual([true, false, false]);
    expect([input, checks, construct].map((e) => e instanceof FindingsError)).toStrictEqual([false, true, false]);
    expect([input, checks, construct].map((e) => e instanceof SaplingsValidationError)).toStrictEqual([false, false, true]);
    expect(new Error('m') instanceof InputError).toBe(false);
  });

  test('GIVEN the old field names THEN they read the diagnostics', () => {
    const checks = findingsError([finding]);
    expect((checks as FindingsError).findings).toBe(checks.diagnostics);
    const construct = SaplingsValidationError.of(Testing.chart(), 'conflicting props');
    expect((construct as SaplingsValidationError).problems).toStrictEqual([{ constructPath: 'test', message: 'conflicting props' }]);
    expect(construct.message).toBe('[test] conflicting props');
  });
});
