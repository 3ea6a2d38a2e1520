/*
 * The GitOps objects against the full upstream CRDs (the tests' own copies in
 * test/fixtures/crds). In the e2e suite because compiling the ApplicationSet
 * CRD's schema alone takes ajv about 5 s. In the unit suite, synth checks
 * each Kustomization with its stack through the project's validator
 * (test/cli/commands/synth.gitops.test.ts), whose CRD schemas
 * test/checks/k8s-validate/crd-schemas.test.ts keeps in step with these copies.
 */
import * as YAML from 'yaml';
import { fencedBlocks } from '../helpers/doc-snippets';
import { StackConfigInput } from '../../src/config/schema';
import { GitopsSettings, GitopsSettingsSchema } from '../../src/targets/kubernetes/gitops/settings';
import { APPLICATION_SET_FILE, fluxKustomizationFile } from '../../src/targets/kubernetes/gitops';
import { synthesize } from '../../src/synth/synthesize';
import { runChecks } from '../../src/checks';
import { OutputFile } from '../../src/synth/output';
import { stackConfig } from '../helpers/manifests';
import { crdValidator } from './crd-validator';

const validApplicationSet = crdValidator('argoproj.io_applicationsets.yaml');
const validApplication = crdValidator('argoproj.io_applications.yaml');
const validKustomization = crdValidator('kustomize.toolkit.fluxcd.io_kustomizations.yaml');

const FLEET: readonly Partial<StackConfigInput>[] = [
  { name: 'alpha', gitops: { syncWaves: true } },
  { name: 'beta', namespace: 'tenant-beta', vectorDb: { enabled: true, engine: 'qdrant' } },
  { name: 'gamma', redis: { enabled: false } },
];

const SETTINGS = GitopsSettingsSchema.parse({
  argocd: { repoURL: 'https://git.example.com/platform/deploy.git', path: 'deploy/dist', automated: true },
  flux: { path: './deploy/dist', dependsOn: [{ name: 'infra-controllers' }] },
});

let defaultFleet: OutputFile[] | undefined;
/** The fleet's files; the default fleet is rendered once (the tests only read its files). */
function synthFleet(gitops: GitopsSettings = SETTINGS, fleet = FLEET): OutputFile[] {
  const render = () => synthesize(fleet.map((s) => stackConfig(s)), { source: 'saplings.yaml', layout: 'file-per-resource', gitops }).files;
  if (gitops !== SETTINGS || fleet !== FLEET) return render();
  return (defaultFleet ??= render());
}

const objectOf = (files: readonly OutputFile[], file: string) => {
  const found = files.find((f) => f.path === file);
  if (!found) throw new Error(`no ${file} among ${files.map((f) => f.path).join(', ')}`);
  return YAML.parse(found.content) as Record<string, any>;
};

/**
 * Argo CD's git directory generator over the committed files: every folder
 * matching a path glob, minus those matching an `exclude: true` entry, gives
 * the parameters path.path and path.basename; the template is rendered with
 * them (`{{.path.path}}`, Go template syntax under goTemplate: true).
 * https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Git/#git-generator-directories
 */
function generateApplications(appSet: Record<string, any>, repoFiles: readonly string[]): Record<string, any>[] {
  const { directories } = appSet.spec.generators[0].git as { directories: { path: string; exclude?: boolean }[] };
  const glob = (pattern: string) => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+')}$`);
  const folders = new Set(repoFiles.flatMap((f) => f.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
  const matches = (d: { path: string }) => [...folders].filter((folder) => glob(d.path).test(folder));
  const excluded = new Set(directories.filter((d) => d.exclude).flatMap(matches));
  const chosen = directories.filter((d) => !d.exclude).flatMap(matches).filter((f) => !excluded.has(f)).sort();
  const template = JSON.stringify(appSet.spec.template);
  return chosen.map((folder) => {
    const rendered = template.replace(/\{\{\.path\.path\}\}/g, folder).replace(/\{\{\.path\.basename\}\}/g, folder.split('/').pop()!);
    expect(rendered).not.toMatch(/\{\{/);
    return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...JSON.parse(rendered) };
  });
}

describe('Argo CD', () => {
  test('GIVEN a fleet WHEN synthesized with argocd settings THEN one ApplicationSet is written, valid against its CRD', () => {
    const files = synthFleet();
    const appSets = files.filter((f) => f.content.includes('kind: ApplicationSet'));
    expect(appSets.map((f) => f.path)).toStrictEqual([APPLICATION_SET_FILE]);
    const appSet = objectOf(files, APPLICATION_SET_FILE);
    expect(validApplicationSet(appSet)).toStrictEqual([]);
    expect(appSet).toMatchObject({
      metadata: { name: 'saplings', namespace: 'argocd' },
      spec: {
        goTemplate: true,
        template: { spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc' }, syncPolicy: { automated: { prune: true, selfHeal: true } } } },
      },
    });
  });

  test('the directory generator makes exactly one Application per stack folder, each valid against the Application CRD', () => {
    const files = synthFleet();
    const appSet = objectOf(files, APPLICATION_SET_FILE);
    const apps = generateApplications(appSet, files.map((f) => `deploy/dist/${f.path}`));
    expect(apps.map((a) => a.metadata.name)).toStrictEqual(['saplings-alpha', 'saplings-beta', 'saplings-gamma']);
    for (const app of apps) {
      expect(validApplication(app)).toStrictEqual([]);
      // Each Application renders a folder kustomize can build on its own.
      expect(files.some((f) => `deploy/dist/${f.path}` === `${app.spec.source.path}/kustomization.yaml`)).toBe(true);
    }
  });

  test('a stack added to the config gets its Application without the ApplicationSet changing', () => {
    const before = synthFleet();
    const after = synthFleet(SETTINGS, [...FLEET, { name: 'delta' }]);
    expect(objectOf(after, APPLICATION_SET_FILE)).toStrictEqual(objectOf(before, APPLICATION_SET_FILE));
    const apps = generateApplications(objectOf(after, APPLICATION_SET_FILE), after.map((f) => `deploy/dist/${f.path}`));
    expect(apps.map((a) => a.metadata.name)).toContain('saplings-delta');
  });

  test("the stacks' sync waves reach Argo CD unchanged", () => {
    const files = synthFleet();
    const alpha = files.filter((f) => f.path.startsWith('alpha/') && !f.path.endsWith('kustomization.yaml')).map((f) => YAML.parse(f.content));
    expect(alpha.length).toBeGreaterThan(3);
    for (const object of alpha) expect(object.metadata.annotations['argocd.argoproj.io/sync-wave']).toMatch(/^\d+$/);
  });

  test('manual sync leaves syncPolicy out; a named cluster replaces the server', () => {
    const settings = GitopsSettingsSchema.parse({ argocd: { repoURL: 'git@git.example.com:deploy.git', path: '.', destination: { name: 'eu-west' } } });
    const appSet = objectOf(synthFleet(settings), APPLICATION_SET_FILE);
    expect(validApplicationSet(appSet)).toStrictEqual([]);
    expect(appSet.spec.template.spec.syncPolicy).toBeUndefined();
    expect(appSet.spec.syncPolicy).toBeUndefined();
    expect(appSet.spec.template.spec.destination).toStrictEqual({ name: 'eu-west' });
    expect(appSet.spec.generators[0].git.directories).toStrictEqual([
      { path: '*' },
      ...['gitops', 'compose', 'cloudrun', 'ecs'].map((folder) => ({ path: folder, exclude: true })),
    ]);
  });

  test("the folders other targets write beside the stacks' are no Applications; a stack of such a name still is one", () => {
    const files = synthFleet();
    const besides = ['compose/alpha/compose.yaml', 'ecs/alpha.ecs-service.json', 'cloudrun/alpha.cloudrun.yaml'].map((f) => `deploy/dist/${f}`);
    const apps = generateApplications(objectOf(files, APPLICATION_SET_FILE), [...files.map((f) => `deploy/dist/${f.path}`), ...besides]);
    expect(apps.map((a) => a.metadata.name)).toStrictEqual(['saplings-alpha', 'saplings-beta', 'saplings-gamma']);
    const named = synthFleet(SETTINGS, [...FLEET, { name: 'ecs' }]);
    expect(generateApplications(objectOf(named, APPLICATION_SET_FILE), named.map((f) => `deploy/dist/${f.path}`)).map((a) => a.metadata.name)).toContain('saplings-ecs');
  });

  test('preserveResourcesOnDeletion keeps a removed stack\'s objects', () => {
    const settings = GitopsSettingsSchema.parse({ argocd: { ...SETTINGS.argocd, preserveResourcesOnDeletion: true } });
    const appSet = objectOf(synthFleet(settings), APPLICATION_SET_FILE);
    expect(validApplicationSet(appSet)).toStrictEqual([]);
    expect(appSet.spec.syncPolicy).toStrictEqual({ preserveResourcesOnDeletion: true });
  });

  test('the CRD check catches a field the ApplicationSet does not have', () => {
    const appSet = objectOf(synthFleet(), APPLICATION_SET_FILE);
    appSet.spec.template.spec.source.include = '*.yaml';
    expect(validApplicationSet(appSet).join('\n')).toMatch(/must NOT have additional properties.*include/);
  });
});

describe('Flux', () => {
  test('one Kustomization per stack, valid against the Kustomization v1 CRD, applying the stack folder', () => {
    const files = synthFleet();
    for (const stack of ['alpha', 'beta', 'gamma']) {
      const ks = objectOf(files, fluxKustomizationFile(stack));
      expect(validKustomization(ks)).toStrictEqual([]);
      expect(ks).toMatchObject({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        metadata: { name: `saplings-${stack}`, namespace: 'flux-system' },
        spec: { interval: '10m', prune: true, wait: false, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, path: `./deploy/dist/${stack}`, dependsOn: [{ name: 'infra-controllers' }] },
      });
      expect(files.some((f) => `./deploy/dist/${f.path}` === `${ks.spec.path}/kustomization.yaml`)).toBe(true);
    }
  });

  test("healthChecks name the stack's own workloads, in its namespace", () => {
    const files = synthFleet();
    const beta = objectOf(files, fluxKustomizationFile('beta'));
    const workloads = files
      .filter((f) => f.path.startsWith('beta/') && /-(deployment|statefulset)-/.test(f.path))
      .map((f) => YAML.parse(f.content))
      .map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace }));
    expect(workloads.map((w) => w.kind).sort()).toStrictEqual(['Deployment', 'Deployment', 'Deployment']);
    expect(beta.spec.healthChecks).toStrictEqual(expect.arrayContaining(workloads));
    expect(beta.spec.healthChecks).toHaveLength(workloads.length);
    for (const check of beta.spec.healthChecks) expect(check.namespace).toBe('tenant-beta');
  });

  test('wait: true checks every object, so healthChecks, which Flux would ignore, are left out', () => {
    const settings = GitopsSettingsSchema.parse({ flux: { path: 'dist', wait: true, interval: '5m', sourceRef: { kind: 'OCIRepository', name: 'fleet' } } });
    const ks = objectOf(synthFleet(settings), fluxKustomizationFile('alpha'));
    expect(validKustomization(ks)).toStrictEqual([]);
    expect(ks.spec).toMatchObject({ wait: true, interval: '5m', path: './dist/alpha', sourceRef: { kind: 'OCIRepository', name: 'fleet' } });
    expect(ks.spec.healthChecks).toBeUndefined();
    expect(ks.spec.dependsOn).toBeUndefined();
  });

  test('the CRD check catches a value the Kustomization refuses', () => {
    const ks = objectOf(synthFleet(), fluxKustomizationFile('alpha'));
    ks.spec.interval = 'ten minutes';
    expect(validKustomization(ks).join('\n')).toMatch(/interval/);
  });

  test('without flux settings no Kustomization is written; without argocd no ApplicationSet', () => {
    const onlyArgo = synthFleet(GitopsSettingsSchema.parse({ argocd: SETTINGS.argocd }));
    expect(onlyArgo.some((f) => f.path.startsWith('gitops/flux/'))).toBe(false);
    const onlyFlux = synthFleet(GitopsSettingsSchema.parse({ flux: SETTINGS.flux }));
    expect(onlyFlux.some((f) => f.path === APPLICATION_SET_FILE)).toBe(false);
  });
});

describe("the project's own validator", () => {
  const check = (object: unknown) => runChecks([object as never], { file: 'x.yaml', environment: 'production', kubernetes: true });

  test('knows the GitOps kinds field by field and finds nothing wrong with what synth writes', () => {
    const files = synthFleet().filter((f) => f.path.startsWith('gitops/'));
    expect(files).toHaveLength(4);
    for (const file of files) expect(check(YAML.parse(file.content))).toStrictEqual([]);
  });

  test('reports a field the ApplicationSet CRD does not have, at its path', () => {
    const appSet = objectOf(synthFleet(), APPLICATION_SET_FILE);
    appSet.spec.template.spec.source.include = '*.yaml';
    expect(check(appSet)).toMatchObject([
      { severity: 'error', rule: 'unknown-field', path: 'spec.template.spec.source.include', message: expect.stringContaining('Argo CD ApplicationSet CRD') },
    ]);
  });

  test('reports a Kustomization value its CRD refuses and a missing required field', () => {
    const ks = objectOf(synthFleet(), fluxKustomizationFile('alpha'));
    ks.spec.sourceRef.kind = 'HelmRepository';
    delete ks.spec.interval;
    const findings = check(ks);
    expect(findings.map((f) => [f.rule, f.path])).toStrictEqual(expect.arrayContaining([['invalid-value', 'spec.sourceRef.kind'], ['required-field', 'spec.interval']]));
    expect(findings.find((f) => f.path === 'spec.sourceRef.kind')?.message).toContain('"GitRepository"');
  });
});

describe('settings', () => {
  test("the docs' example settings file is valid, and sets every key it shows", () => {
    const block = fencedBlocks('docs/gitops-and-fleets.md').find((b) => b.code.startsWith('# gitops.yaml'));
    const raw = YAML.parse(block!.code) as Record<string, Record<string, unknown>>;
    const settings = GitopsSettingsSchema.parse(raw);
    for (const tool of ['argocd', 'flux'] as const) expect(settings[tool]).toMatchObject(raw[tool]);
  });

  test('destination takes server or name, not both', () => {
    const result = GitopsSettingsSchema.safeParse({ argocd: { repoURL: 'r', path: '.', destination: { server: 'https://k8s.example.com', name: 'eu' } } });
    expect(result.error?.issues).toMatchObject([{ path: ['argocd', 'destination', 'name'], message: 'is set with destination.server; Argo CD takes one of them: remove one' }]);
  });

  test('paths are read relative to the root, with or without ./, and a leading dot of a folder name is kept', () => {
    const paths = (path: string) => {
      const files = synthFleet(GitopsSettingsSchema.parse({ argocd: { repoURL: 'r', path }, flux: { path } }), [{ name: 'alpha' }]);
      return [objectOf(files, APPLICATION_SET_FILE).spec.generators[0].git.directories[0].path, objectOf(files, fluxKustomizationFile('alpha')).spec.path];
    };
    expect(paths('./')).toStrictEqual(['*', './alpha']);
    expect(paths('deploy/')).toStrictEqual(['deploy/*', './deploy/alpha']);
    expect(paths('.deploy/dist')).toStrictEqual(['.deploy/dist/*', './.deploy/dist/alpha']);
  });

  test('a path may not leave the repository', () => {
    expect(GitopsSettingsSchema.safeParse({ flux: { path: 'deploy/../../etc' } }).error?.issues[0].message).toBe('must stay inside the repository: no ".." segments');
  });
});
