import { compareFiles, lineDiff, placeFile } from '../../src/diff/compare';
import { DiffResult } from '../../src/diff/model';
import { emitYamlStream } from '../../src/targets/yaml';
import { provenanceHeader } from '../../src/synth/provenance';

const layout = { targets: ['kubernetes'], targetDirectories: false, stacks: ['app'] };
const header = provenanceHeader('saplings.yaml');

function compare(before: Record<string, string>, after: Record<string, string>, l = layout): DiffResult {
  return compareFiles(new Map(Object.entries(before)), new Map(Object.entries(after)), { layout: l, against: 'dist' });
}

function manifest(...objects: object[]): string {
  return header + emitYamlStream(objects as never);
}

function deployment(env: { name: string; value: string }[], image = 'saplings:1.0.0'): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'app', namespace: 'ns' },
    spec: { template: { metadata: { annotations: { 'checksum/config': 'aaa' } }, spec: { containers: [{ name: 'app', image, env }] } } },
  };
}

const fieldsOf = (result: DiffResult) => result.stacks.flatMap((s) => s.changes.flatMap((c) => c.fields ?? []));

describe('compareFiles', () => {
  test('env lists are matched by name: inserting a variable adds it and changes nothing else (env values are hidden, by the one redaction rule)', () => {
    const before = manifest(deployment([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]));
    const after = manifest(deployment([{ name: 'NEW', value: '0' }, { name: 'A', value: '1' }, { name: 'B', value: '3' }]));
    expect(fieldsOf(compare({ 'app.k8s.yaml': before }, { 'app.k8s.yaml': after }))).toStrictEqual([
      { path: 'spec.template.spec.containers[name=app].env[name=B].value', change: 'changed', hidden: true },
      { path: 'spec.template.spec.containers[name=app].env[name=NEW].name', change: 'added', new: 'NEW' },
      { path: 'spec.template.spec.containers[name=app].env[name=NEW].value', change: 'added', hidden: true },
    ]);
  });

  test('credential-looking env values and secret-named literals are hidden, added, removed or changed', () => {
    const before = manifest(deployment([{ name: 'DB_PASSWORD', value: 'hunter2-literal' }, { name: 'URL', value: 'redis://:pw-old-1@redis:6379' }]));
    const after = manifest(deployment([{ name: 'DB_PASSWORD', value: 'hunter3-literal' }, { name: 'URL', value: 'redis://:pw-new-2@redis:6379' }, { name: 'KEY', value: 'AKIAABCDEFGHIJKLMNOP' }]));
    const result = compare({ 'app.k8s.yaml': before }, { 'app.k8s.yaml': after });
    expect(fieldsOf(result)).toStrictEqual([
      { path: 'spec.template.spec.containers[name=app].env[name=DB_PASSWORD].value', change: 'changed', hidden: true },
      { path: 'spec.template.spec.containers[name=app].env[name=URL].value', change: 'changed', hidden: true },
      { path: 'spec.template.spec.containers[name=app].env[name=KEY].name', change: 'added', new: 'KEY' },
      { path: 'spec.template.spec.containers[name=app].env[name=KEY].value', change: 'added', hidden: true },
    ]);
    expect(JSON.stringify(result)).not.toMatch(/hunter|pw-old|pw-new|AKIA/);
  });

  test('a Secret whose file no longer parses is compared by lines, every line hidden', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { K: Buffer.from('old-secret').toString('base64') } };
    const broken = `${manifest(secret)}  : [unclosed\n`;
    const now = manifest({ ...secret, data: { K: Buffer.from('new-secret').toString('base64') } });
    const result = compare({ 'app.k8s.yaml': broken }, { 'app.k8s.yaml': now });
    const [change] = result.stacks[0].changes;
    expect(change).toMatchObject({ type: 'file', change: 'changed' });
    expect(change.lines!.length).toBeGreaterThan(0);
    expect(change.lines!.every((l) => l.hidden === true && l.text === undefined)).toBe(true);
    expect(JSON.stringify(result)).not.toContain(Buffer.from('old-secret').toString('base64'));
  });

  test('a checksum annotation alone is noise; the ConfigMap that caused it is the change', () => {
    const config = (level: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'ns' }, data: { LOG_LEVEL: level } });
    const withSum = (sum: string) => {
      const d = deployment([]) as any;
      d.spec.template.metadata.annotations['checksum/config'] = sum;
      return d;
    };
    const result = compare({ 'app.k8s.yaml': manifest(config('INFO'), withSum('aaa')) }, { 'app.k8s.yaml': manifest(config('DEBUG'), withSum('bbb')) });
    expect(result.summary).toStrictEqual({ added: 0, removed: 0, changed: 1, noise: 1 });
    expect(result.stacks[0].changes.map((c) => [c.kind, c.fields])).toStrictEqual([['ConfigMap', [{ path: 'data.LOG_LEVEL', change: 'changed', old: 'INFO', new: 'DEBUG' }]]]);
    expect(result.noise).toMatchObject([
      { file: 'app.k8s.yaml', reason: 'checksum annotations', change: { kind: 'Deployment', fields: [], noise: [{ path: 'spec.template.metadata.annotations["checksum/config"]', old: 'aaa', new: 'bbb' }] } },
    ]);
  });

  test('an object that moves to another file of its stack is not a change', () => {
    const objects = [deployment([]), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'ns' } }];
    const before = { 'app.k8s.yaml': manifest(...objects) };
    const after = { 'app/01-deployment-app.yaml': manifest(objects[0]), 'app/02-service-svc.yaml': manifest(objects[1]) };
    expect(compare(before, after)).toMatchObject({ changed: false, stacks: [] });
  });

  test('a comment-only change in a structured file is shown as lines', () => {
    const compose = (comment: string) => `${header}# ${comment}\nservices:\n  app:\n    image: s:1\n`;
    const result = compare({ 'app/compose.yaml': compose('needs A') }, { 'app/compose.yaml': compose('needs A and B') });
    expect(result.stacks[0].changes).toStrictEqual([
      { change: 'changed', type: 'file', file: 'app/compose.yaml', lines: [{ op: '-', line: 3, text: '# needs A' }, { op: '+', line: 3, text: '# needs A and B' }] },
    ]);
  });
});

describe('lineDiff', () => {
  test('lists removed and added lines by their numbers, header left out, credentials hidden', () => {
    const a = `${header}a\nb\nc\nproxy_set_header Authorization "Bearer ghp_${'x'.repeat(36)}";\n`;
    const b = `# Generated by saplings-k8s 9.9.9 from other.yaml.\n# Do not edit by hand: x\na\nB\nc\n`;
    expect(lineDiff(a, b)).toStrictEqual([
      { op: '-', line: 4, text: 'b' },
      { op: '+', line: 4, text: 'B' },
      { op: '-', line: 6, hidden: true },
    ]);
  });
});

describe('placeFile', () => {
  test.each([
    ['app.k8s.yaml', { targets: ['kubernetes'], targetDirectories: false }, { stack: 'app', target: 'kubernetes' }],
    ['app/03-service-app.yaml', { targets: ['kubernetes'], targetDirectories: false }, { stack: 'app', target: 'kubernetes' }],
    ['kustomization.yaml', { targets: ['kubernetes'], targetDirectories: false }, { stack: '', target: 'kubernetes' }],
    ['ecs/app.ecs-service.json', { targets: ['kubernetes', 'ecs'], targetDirectories: true }, { stack: 'app', target: 'ecs' }],
    ['compose/app/nginx.conf', { targets: ['compose'], targetDirectories: true }, { stack: 'app', target: 'compose' }],
  ])('%s', (file, l, expected) => {
    expect(placeFile(file, { ...l, stacks: ['app'] })).toStrictEqual(expected);
  });
});
