import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseManifestStream } from '../../config/yaml';
import { runChecks } from '../../checks';
import { Finding } from '../../checks/findings';
import { KubeObject, renderStack } from '../../targets/kubernetes/render';
import { targetForFile } from '../../targets';
import { CliIO, Command, usageError } from '../context';
import { diagnosticLine } from '../problem-formats';
import {
  KUBE_VERSION_HELP,
  KUBE_VERSION_OPTION,
  MAX_CONFIG_SIZE_HELP,
  MAX_CONFIG_SIZE_OPTION,
  EXAMPLE_HELP,
  EXAMPLE_OPTION,
  loadStacks,
  parseByteSize,
  parseEnvironment,
  parseKubeVersion,
} from './shared';

const MANIFEST_FILE = /\.(ya?ml|json)$/;

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check a config and/or any Kubernetes manifests (API, security policy, leaks)',
  usage: `Usage: saplings-k8s validate [--config FILE | --example] [--env NAME] [--kube-version V] [PATH...]

Checks a config, existing manifests (anyone's, not only ours), or both:
  - the config against the schema, then the objects it synthesizes;
  - every object against the Kubernetes API (1.28 unless --kube-version says
    otherwise), strictly (unknown fields fail);
  - Pod Security Standards "restricted" and kube-score/Polaris-style practices;
  - credentials outside Secrets.
PATH may be a file or a directory (its .yaml, .yml and .json files, recursively).
Empty documents and a trailing --- are fine, as for kubectl; a List's items are
checked one by one; a path that can't be read is a finding, and the rest is
still checked. With neither --config nor PATH, checks ./saplings.yaml, else
./saplings.yml, and fails when neither exists.

Prints one line per finding: file: Kind/name: field.path: severity: message [rule]
Exit status 1 when any finding is an error.

Options:
  -c, --config FILE  Config file to check
${EXAMPLE_HELP}
  -e, --env NAME     Override environment in every stack of the config, and
                     check the manifests for that environment (development
                     skips the policy and leak guard). Default for manifests:
                     production's rules
${KUBE_VERSION_HELP}
${MAX_CONFIG_SIZE_HELP}`,

  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      options: { config: { type: 'string', short: 'c' }, env: { type: 'string', short: 'e' }, ...KUBE_VERSION_OPTION, ...MAX_CONFIG_SIZE_OPTION, ...EXAMPLE_OPTION },
      allowPositionals: true,
    });
    const findings: Finding[] = [];
    let checked = 0;
    const kubeVersion = parseKubeVersion(values['kube-version']);

    if (values.config !== undefined || values.example || positionals.length === 0) {
      const { stacks } = loadStacks(values.config, io, {
        environment: parseEnvironment(values.env),
        maxConfigBytes: parseByteSize(values['max-config-size']),
        example: values.example,
      });
      // A config's objects get exactly the checks synth runs for its environment.
      for (const stack of stacks) {
        const objects = renderStack(stack, kubeVersion).objects;
        findings.push(...runChecks(objects, { file: `${stack.name}.k8s.yaml`, environment: stack.environment, kubeVersion }));
        checked += objects.length;
      }
    }

    const unreadable: Finding[] = [];
    const environment = parseEnvironment(values.env);
    // One set for every PATH, so a file named twice, or reached again through a symlink, is checked once.
    const visited = new Set<string>();
    const files = positionals.flatMap((p) => manifestFiles(path.resolve(io.cwd, p), p, unreadable, visited));
    findings.push(...unreadable);
    // Another platform's files (compose.yaml, an ECS task definition) get that target's checks.
    const manifests: typeof files = [];
    for (const file of files) {
      const target = targetForFile(path.basename(file.absolute));
      if (!target) {
        manifests.push(file);
        continue;
      }
      const text = readText(file.absolute, file.shown, findings);
      if (text === undefined) continue;
      findings.push(...target.checkFile!(file.shown, text, environment));
      checked++;
    }
    const parsed = manifests.map((file) => readManifests(file.absolute, file.shown));
    for (const file of parsed) findings.push(...file.problems);
    const objects = parsed.flatMap((file) => file.objects);
    // The policy sees a directory at once: a file-per-resource layout spreads one stack over its files.
    findings.push(
      ...runChecks(
        objects.map((s) => s.object),
        { files: objects.map((s) => s.file), policyGroup: (file) => path.dirname(file), environment, kubeVersion },
      ),
    );
    checked += objects.length;

    for (const finding of findings) io.stdout(`${diagnosticLine(finding)}\n`);
    const errors = findings.filter((f) => f.severity === 'error').length;
    io.stderr(`${checked} object${checked === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${findings.length - errors} other finding${findings.length - errors === 1 ? '' : 's'}\n`);
    return errors > 0 ? 1 : 0;
  },
};

interface SourcedObject {
  readonly object: KubeObject;
  readonly file: string;
}

/** A path that could not be read, as a finding: the run goes on with the rest. */
function unreadableFinding(shown: string, why: string): Finding {
  return { severity: 'error', rule: 'unreadable-path', file: shown, object: '', path: '', message: why };
}

/** Why an I/O error stopped a path from being read, and what to do. */
function explainReadError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory (a dangling symlink?); fix or remove the path';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied; make it readable or leave it out';
  if (code === 'ELOOP') return 'a symlink loop; fix the link';
  return `cannot be read (${code ?? String(err)})`;
}

/**
 * The manifest files under a path. Symlinks are followed (a checkout may link
 * shared manifests in), and each real file and directory, known by its device
 * and inode, is visited once: links such as `a -> .` and `b -> .` would
 * otherwise make the walk grow exponentially. Anything that is neither a
 * regular file nor a directory (a FIFO, a device) is skipped with a finding,
 * so a run never hangs or reads without end.
 */
function manifestFiles(
  absolute: string,
  shown: string,
  unreadable: Finding[],
  visited: Set<string>,
  top = true,
): { absolute: string; shown: string }[] {
  // A PATH argument that names nothing at all is a typo on the command line, not a finding.
  if (top && !fs.existsSync(absolute) && !isSymlink(absolute)) throw usageError(`${shown}: no such file or directory`);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch (err) {
    unreadable.push(unreadableFinding(shown, explainReadError(err)));
    return [];
  }
  if (stat.isFile() && !(top || MANIFEST_FILE.test(absolute))) return [];
  // stat follows symlinks: the device and inode are the real file's or directory's.
  const identity = `${stat.dev}:${stat.ino}`;
  if (visited.has(identity)) return [];
  visited.add(identity);
  if (stat.isFile()) return [{ absolute, shown }];
  if (!stat.isDirectory()) {
    unreadable.push(unreadableFinding(shown, 'is not a regular file (a FIFO, socket or device); skipped'));
    return [];
  }
  let entries: string[];
  try {
    entries = fs.readdirSync(absolute).sort();
  } catch (err) {
    unreadable.push(unreadableFinding(shown, explainReadError(err)));
    return [];
  }
  return entries.flatMap((entry) => (entry.startsWith('.') ? [] : manifestFiles(path.join(absolute, entry), path.join(shown, entry), unreadable, visited, false)));
}

function isSymlink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The objects of a manifest file, a List's items each on their own, and its YAML problems. */
function readManifests(absolute: string, shown: string): { objects: SourcedObject[]; problems: Finding[] } {
  const problems: Finding[] = [];
  const text = readText(absolute, shown, problems);
  if (text === undefined) return { objects: [], problems };
  const parsed = parseManifestStream(text);
  problems.push(...parsed.problems.map((p): Finding => ({
    severity: 'error',
    rule: 'yaml-syntax',
    file: p.position ? `${shown}:${p.position.line}:${p.position.column}` : shown,
    object: `document #${p.document}`,
    path: '',
    message: p.message,
  })));
  const objects = parsed.values
    .flatMap((v) => listItems(v.value))
    .filter((object) => !isKustomizeConfig(object))
    .map((object) => ({ object: object as KubeObject, file: shown }));
  return { objects, problems };
}

/**
 * A kustomization.yaml (`kustomize.config.k8s.io`): instructions for
 * `kubectl apply -k`, which the API server never sees, so not an object to
 * check. The file-per-resource layout writes one per stack and one at the root.
 */
function isKustomizeConfig(value: unknown): boolean {
  const apiVersion = (value as { apiVersion?: unknown } | null)?.apiVersion;
  return typeof apiVersion === 'string' && apiVersion.startsWith('kustomize.config.k8s.io/');
}

/** A file's text, or undefined with a finding that says why it could not be read. */
function readText(absolute: string, shown: string, findings: Finding[]): string | undefined {
  try {
    return fs.readFileSync(absolute, 'utf8');
  } catch (err) {
    findings.push(unreadableFinding(shown, explainReadError(err)));
    return undefined;
  }
}

/**
 * A `List` (`kind: List`, or any `…List` such as `kubectl get -o yaml`
 * prints) stands for its items, as kubectl applies them.
 */
function listItems(value: unknown): unknown[] {
  const object = value as { kind?: unknown; items?: unknown } | null;
  if (object && typeof object === 'object' && typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) {
    return object.items.flatMap(listItems);
  }
  return [value];
}
