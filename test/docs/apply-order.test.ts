import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { ROOT, docSnippets } from '../helpers/doc-snippets';
import { parseManifests } from '../helpers/manifests';

/*
 * A small model of `kubectl apply -f dist/`: kubectl reads the files of a
 * directory in lexical order and sends each file's objects in order
 * (https://kubernetes.io/docs/reference/kubectl/generated/kubectl_apply/ ,
 * "-f ... directory"; the walk is filepath.Walk, which is lexical). An object
 * in a namespace that does not exist yet is refused ("namespaces ... not
 * found"), so a Namespace the output creates must come before every object
 * in it. A namespace the output never creates is the cluster's (default, or
 * one the platform team made) and is taken to exist.
 */

/** One file of the output, in the order kubectl reads it. */
interface OutputFile {
  readonly file: string;
  readonly objects: readonly { kind: string; metadata: { name: string; namespace?: string } }[];
}

/** Every object applied before the Namespace it lives in exists, as `file: Kind/name (namespace ns)`. */
function applyOrderViolations(files: readonly OutputFile[]): string[] {
  const createdSomewhere = new Set(files.flatMap((f) => f.objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)));
  const created = new Set<string>();
  const violations: string[] = [];
  for (const { file, objects } of [...files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    for (const o of objects) {
      if (o.kind === 'Namespace') created.add(o.metadata.name);
      const ns = o.metadata.namespace;
      if (ns !== undefined && createdSomewhere.has(ns) && !created.has(ns)) violations.push(`${file}: ${o.kind}/${o.metadata.name} (namespace ${ns}, created later)`);
    }
  }
  return violations;
}

/** The modules a snippet imports: the library from source, its peers as installed. */
const MODULES: Record<string, unknown> = {
  'saplings-k8s': require('../../src'),
  'saplings-k8s/config': require('../../src/config-api'),
};

/** Runs a docs snippet as a chart author would, in a project with a saplings.yaml, and returns what it wrote. */
function synthesizeSnippet(code: string): OutputFile[] {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'saplings-apply-order-'));
  const out = path.join(project, 'dist');
  fs.copyFileSync(path.join(ROOT, 'examples', 'saplings.yaml'), path.join(project, 'saplings.yaml'));
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const cwd = process.cwd();
  const outdir = process.env.CDK8S_OUTDIR;
  try {
    process.chdir(project);
    process.env.CDK8S_OUTDIR = out;
     
    const load = (name: string) => MODULES[name] ?? require(name);
    new Function('require', 'exports', js)(load, {});
  } finally {
    process.chdir(cwd);
    if (outdir === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = outdir;
  }
  const files = fs.existsSync(out) ? fs.readdirSync(out).filter((f) => f.endsWith('.yaml')) : [];
  const result = files.map((file) => ({ file, objects: parseManifests(fs.readFileSync(path.join(out, file), 'utf8')) as never }));
  fs.rmSync(project, { recursive: true, force: true });
  return result;
}

describe('every docs example applies with kubectl apply -f dist/ in file order', () => {
  // The examples that build a cdk8s app (app.synth()); a snippet that calls synthesizeToDirectory writes
  // through the CLI's pipeline, whose apply order the CLI's tests cover.
  const snippets = docSnippets().filter((s) => s.code.includes('app.synth()'));

  test.each(snippets.map((s) => [`${s.file}:${s.line}`, s.code]))('%s', (_at, code) => {
    const files = synthesizeSnippet(code);
    expect(files.length).toBeGreaterThan(0);
    expect(applyOrderViolations(files)).toStrictEqual([]);
  });

  test('the model catches a Namespace that comes after its objects, across files and within one', () => {
    const ns = { kind: 'Namespace', metadata: { name: 'team-b' } };
    const redis = { kind: 'Deployment', metadata: { name: 'redis', namespace: 'team-b' } };
    expect(applyOrderViolations([{ file: 'team-b.k8s.yaml', objects: [ns] }, { file: 'shared.k8s.yaml', objects: [redis] }])).toStrictEqual([
      'shared.k8s.yaml: Deployment/redis (namespace team-b, created later)',
    ]);
    expect(applyOrderViolations([{ file: 'a.k8s.yaml', objects: [redis, ns] }])).toStrictEqual(['a.k8s.yaml: Deployment/redis (namespace team-b, created later)']);
    expect(applyOrderViolations([{ file: 'a.k8s.yaml', objects: [ns, redis] }])).toStrictEqual([]);
    // A namespace the output never creates is the cluster's.
    expect(applyOrderViolations([{ file: 'a.k8s.yaml', objects: [redis] }])).toStrictEqual([]);
  });
});
