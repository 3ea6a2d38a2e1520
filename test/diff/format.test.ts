import { formatDiff, formatSummary } from '../../src/diff/format';
import { DiffResult, UnitChange } from '../../src/diff/model';

function result(changes: UnitChange[], stack = 'app'): DiffResult {
  return {
    version: 1,
    against: 'dist',
    changed: true,
    summary: { added: 0, removed: 0, changed: changes.length, noise: 0 },
    stacks: [{ stack, target: 'kubernetes', added: 0, removed: 0, changed: changes.length, changes }],
    noise: [],
  };
}

function configMap(name: string, keys: number): UnitChange {
  return {
    change: 'changed',
    type: 'object',
    kind: 'ConfigMap',
    apiVersion: 'v1',
    namespace: 'ns',
    name,
    file: 'app.k8s.yaml',
    fields: Array.from({ length: keys }, (_, i) => ({ path: `data.KEY_${i}`, change: 'changed' as const, old: 'a', new: 'b' })),
  };
}

describe('markdown', () => {
  test('stays under its size cap and says how many lines it left out', () => {
    const big = result([configMap('one', 400), configMap('two', 400)]);
    const full = formatDiff(big, 'markdown', { maxMarkdownChars: 1_000_000 });
    const capped = formatDiff(big, 'markdown', { maxMarkdownChars: 5_000 });
    expect(full.length).toBeGreaterThan(20_000);
    expect(capped.length).toBeLessThanOrEqual(5_000);
    const shown = capped.split('\n').filter((l) => l.startsWith('  - ') || l.startsWith('- `')).length;
    const more = Number(/_(\d+) more lines not shown; run `saplings-k8s diff` for all of them\._/.exec(capped)?.[1]);
    // Every item line of the full output is either shown or counted.
    expect(shown + more).toBe(802);
    expect(capped).toContain('</details>');
    // The summary table is never cut.
    expect(capped).toContain('| app | kubernetes | 0 | 0 | 2 |');
  });

  test('a value holding backticks or HTML stays inside its code span', () => {
    const unit: UnitChange = { ...configMap('x', 0), fields: [{ path: 'data.K', change: 'changed', old: 'a`b', new: '<script>' }] };
    const text = formatDiff(result([unit], 'a<b>'), 'markdown');
    expect(text).toContain('  - `data.K`: `` "a`b" `` → `"<script>"`\n');
    expect(text).toContain('<summary><b>a&lt;b&gt;</b>');
    expect(text).toContain('| a\\<b\\> | kubernetes |');
  });
});

describe('text', () => {
  test('formatSummary gives one line per stack and target, then the totals', () => {
    expect(formatSummary(result([configMap('one', 1)]))).toBe('  app (kubernetes): 1 changed, 0 added, 0 removed\n1 changed, 0 added, 0 removed in 1 stack, against dist\n');
  });

  test('colours only when asked', () => {
    const r = result([configMap('one', 1)]);
    expect(formatDiff(r, 'text')).not.toContain('\u001b[');
    expect(formatDiff(r, 'text', { color: true })).toContain('\u001b[33m~\u001b[0m ConfigMap ns/one');
  });
});

describe('--show-noise', () => {
  test('lists the noise-only files and objects in text and markdown, never by default', () => {
    const r: DiffResult = { ...result([configMap('one', 1)]), summary: { added: 0, removed: 0, changed: 1, noise: 1 }, noise: [{ file: 'other.k8s.yaml', reason: 'provenance header' }] };
    expect(formatDiff(r, 'text')).not.toContain('other.k8s.yaml');
    expect(formatDiff(r, 'markdown')).not.toContain('other.k8s.yaml');
    expect(formatDiff(r, 'text', { showNoise: true })).toContain('  other.k8s.yaml: provenance header only (noise)\n');
    expect(formatDiff(r, 'markdown', { showNoise: true })).toContain('- `other.k8s.yaml`: provenance header only\n');
  });
});
