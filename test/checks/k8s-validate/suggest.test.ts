import { closest } from '../../../src/checks/k8s-validate/suggest';

describe('closest (the API validator\'s "did you mean")', () => {
  test('a key up to 11 characters may be two edits away, not three', () => {
    expect(closest('replcaz', ['replicas'])).toBe('replicas');
    expect(closest('rplcaz', ['replicas'])).toBeUndefined();
  });

  test('a longer key may be one edit in four characters away', () => {
    // 16 characters: four edits are close enough, five are not.
    expect(closest('progressDeadXXXX', ['progressDeadline'])).toBe('progressDeadline');
    expect(closest('progressDeaXXXXX', ['progressDeadline'])).toBeUndefined();
  });

  test('case does not count, and the first of equally close names wins', () => {
    expect(closest('SERVICEACCOUNTNAME', ['serviceAccount', 'serviceAccountName'])).toBe('serviceAccountName');
    expect(closest('hostpid', ['hostIPC', 'hostPID'])).toBe('hostPID');
    expect(closest('port', ['post', 'pork'])).toBe('post');
    expect(closest('anything', [])).toBeUndefined();
  });
});
