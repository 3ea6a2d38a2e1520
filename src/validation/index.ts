/**
 * `saplings-k8s/validation`: our checks as a cdk8s-cli validation plugin, so
 * `cdk8s synth` runs them on any cdk8s app's manifests.
 *
 * cdk8s-cli loads a plugin named in `cdk8s.yaml` (`validations:` with
 * `package`, `version`, `class` and `properties`), constructs the class with
 * `properties` and calls `validate(context)`; the plugin adds violations to
 * `context.report` and submits it. A `package` that is a local path is
 * `require`d as a file, which ignores the package's `exports`: `validation.js`
 * at the package root is that file.
 * https://cdk8s.io/docs/latest/cli/synth/#validation-plugins
 *
 * The types below are the parts of cdk8s-cli's `Validation` contract
 * (cdk8s-cli/lib/plugins/validation.d.ts) this plugin uses, written out so
 * that our declarations need no cdk8s-cli, which is a command, not a library.
 *
 * @module saplings-k8s/validation
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IConstruct } from 'constructs';
import { ApiObject } from 'cdk8s';
import { runChecks } from '../checks';
import { Finding } from '../checks/findings';
import { KubeObject } from '../conventions/kube-object';
import { Environment } from '../conventions/defaults';

/** Properties of {@link SaplingsValidation}: the `properties:` of its `cdk8s.yaml` entry. */
export interface SaplingsValidationProps {
  /**
   * The environment the manifests are for: `development` skips the policy and the leak guard, `staging` makes some refusals warnings.
   * @default - every check, production severities
   */
  readonly environment?: Environment;
  /**
   * Whether warnings fail the report too.
   * @default false
   */
  readonly failOnWarnings?: boolean;
}

/** A violating resource, as cdk8s-cli's `ValidationViolatingResource`. */
export interface ValidationViolatingResource {
  /** The key cdk8s-cli looks the construct path up by in `context.metadata`. */
  readonly resourceName: string;
  /** Where in the object the violation is. */
  readonly locations: readonly string[];
  /** The manifest the object is in. */
  readonly manifestPath: string;
}

/** A violation, as cdk8s-cli's `ValidationViolation`. */
export interface ValidationViolation {
  /** The rule's id. */
  readonly ruleName: string;
  /** What is wrong. */
  readonly recommendation: string;
  /** What to do. */
  readonly fix: string;
  /** The objects that break it. */
  readonly violatingResources: readonly ValidationViolatingResource[];
}

/** The part of cdk8s-cli's `ValidationContext` a plugin uses. */
export interface ValidationContext {
  /** The manifests to validate. */
  readonly manifests: readonly string[];
  /** Construct paths by object name, from the app's `construct-metadata.json`. */
  readonly metadata: { readonly [name: string]: { readonly path: string } };
  /** The report the plugin fills. */
  readonly report: {
    addViolation(violation: ValidationViolation): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
}

/**
 * File that {@link recordConstructPaths} writes beside the manifests: the
 * construct path of every object by `Kind/name` (cdk8s's own
 * `construct-metadata.json` keys by name alone).
 */
export const CONSTRUCT_PATHS_FILE = 'saplings-construct-paths.json';

/**
 * Runs the checks of `saplings-k8s validate` (the Kubernetes API and CRD
 * validator, the security policy and the credential leak guard) as a cdk8s-cli
 * validation plugin, and reports each finding with its object's construct path.
 */
export class SaplingsValidation {
  /** The environment the checks run for. */
  public readonly environment?: Environment;
  /** Whether warnings fail the report. */
  public readonly failOnWarnings: boolean;

  constructor(props: SaplingsValidationProps = {}) {
    this.environment = props.environment;
    this.failOnWarnings = props.failOnWarnings ?? false;
  }

  /** Checks the manifests of `context`, adds one violation per rule and submits the report. */
  public async validate(context: ValidationContext): Promise<void> {
    const objects: KubeObject[] = [];
    const files: string[] = [];
    for (const manifest of context.manifests) {
      for (const object of readManifest(manifest)) {
        objects.push(object);
        files.push(manifest);
      }
    }
    const findings = runChecks(objects, { files, environment: this.environment });
    const paths = constructPaths(context, objects);
    // cdk8s-cli looks construct paths up by `resourceName` in the metadata it hands us; we report `Kind/name` and add those keys.
    const metadata = context.metadata as { [name: string]: { path: string } };
    for (const [key, constructPath] of paths) metadata[key] ??= { path: constructPath };

    const failing = findings.filter((f) => f.severity === 'error' || (this.failOnWarnings && f.severity === 'warning'));
    for (const [ruleName, group] of groupByRule(findings)) {
      context.report.addViolation({
        ruleName: `${ruleName} (${group[0].severity})`,
        recommendation: [...new Set(group.map((f) => f.message))].join('; '),
        fix: 'Change the construct or props named above, or run `saplings-k8s validate` on the manifests for every finding with its file and field.',
        violatingResources: group.map((f) => ({ resourceName: f.object, locations: [f.path || '(the whole object)'], manifestPath: f.file ?? '' })),
      });
    }
    context.report.submit(failing.length > 0 ? 'failure' : 'success', {
      errors: String(findings.filter((f) => f.severity === 'error').length),
      warnings: String(findings.filter((f) => f.severity === 'warning').length),
    });
  }
}

/**
 * Makes `app.synth()` write {@link CONSTRUCT_PATHS_FILE} into the app's
 * output directory when cdk8s-cli records construct metadata (it sets
 * `CDK8S_RECORD_CONSTRUCT_METADATA=true` when validation plugins run), so that
 * {@link SaplingsValidation} names the right construct for objects of different
 * kinds that share a name (the app's ServiceAccount and Deployment, say). Call
 * it once with the app, or any construct in it, before `app.synth()`.
 */
export function recordConstructPaths(scope: IConstruct): void {
  const root = scope.node.root as IConstruct & { outdir?: unknown };
  if (process.env.CDK8S_RECORD_CONSTRUCT_METADATA !== 'true' || typeof root.outdir !== 'string' || RECORDING.has(root)) return;
  RECORDING.add(root);
  const outdir = root.outdir;
  // cdk8s's App.synth() runs every construct's validations after making outdir and before writing manifests.
  root.node.addValidation({
    validate: () => {
      const byKey: Record<string, string | null> = {};
      for (const c of root.node.findAll()) {
        if (!ApiObject.isApiObject(c)) continue;
        const key = `${c.kind}/${c.name}`;
        byKey[key] = key in byKey ? null : c.node.path;
      }
      fs.writeFileSync(path.join(outdir, CONSTRUCT_PATHS_FILE), JSON.stringify({ version: '1', resources: byKey }));
      return [];
    },
  });
}

const RECORDING = new WeakSet<IConstruct>();

function readManifest(file: string): KubeObject[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml = require('yaml') as typeof import('yaml');
  return yaml
    .parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as KubeObject)
    .filter((o) => o !== null && o !== undefined);
}

/**
 * The construct path of each `Kind/name`: from {@link CONSTRUCT_PATHS_FILE}
 * where the app wrote one, else from cdk8s's metadata for a name that only one
 * object has. A name two objects share, unrecorded, gets no path rather than
 * perhaps the other object's.
 */
function constructPaths(context: ValidationContext, objects: readonly KubeObject[]): Map<string, string> {
  const paths = new Map<string, string>();
  const recorded = recordedPaths(context.manifests);
  const kindsByName = new Map<string, Set<string>>();
  for (const o of objects) {
    const name = o?.metadata?.name;
    if (typeof name !== 'string') continue;
    kindsByName.set(name, (kindsByName.get(name) ?? new Set()).add(`${o.kind}/${name}`));
  }
  for (const [name, keys] of kindsByName) {
    for (const key of keys) {
      const fromRecord = recorded[key];
      const fromCdk8s = keys.size === 1 ? context.metadata[name]?.path : undefined;
      const constructPath = fromRecord ?? fromCdk8s;
      if (constructPath) paths.set(key, constructPath);
    }
  }
  return paths;
}

function recordedPaths(manifests: readonly string[]): Record<string, string | null> {
  for (const dir of new Set(manifests.flatMap((m) => [path.dirname(m), path.dirname(path.dirname(m))]))) {
    const file = path.join(dir, CONSTRUCT_PATHS_FILE);
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { resources: Record<string, string | null> }).resources;
  }
  return {};
}

function groupByRule(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) groups.set(f.rule, [...(groups.get(f.rule) ?? []), f]);
  return groups;
}
