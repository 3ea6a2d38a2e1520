import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseYamlStream } from '../../config/yaml';
import { runChecks } from '../../checks';
import { Finding, formatFinding } from '../../checks/findings';
import { KubeObject, renderStack } from '../../targets/kubernetes/render';
import { CliIO, Command, UsageError } from '../context';
import { loadStacks, parseEnvironment } from './synth';

const MANIFEST_FILE = /\.(ya?ml|json)$/;

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check a config and/or any Kubernetes manifests (API, security policy, leaks)',
  usage: `Usage: saplings-k8s validate [--config FILE] [--env NAME] [PATH...]

Checks a config, existing manifests (anyone's, not only ours), or both:
  - the config against the schema, then the objects it synthesizes;
  - every object against the Kubernetes 1.28 API, strictly (unknown fields fail);
  - Pod Security Standards "restricted" and kube-score/Polaris-style practices;
  - credentials outside Secrets.
PATH may be a file or a directory (its .yaml, .yml and .json files, recursively).
With neither --config nor PATH, checks ./saplings.yaml or the built-in stack.

Prints one line per finding: file: Kind/name: field.path: severity: message [rule]
Exit status 1 when any finding is an error.

Options:
  -c, --config FILE  Config file to check
  -e, --env NAME     Override environment in every stack of the config`,

  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      options: { config: { type: 'string', short: 'c' }, env: { type: 'string', short: 'e' } },
      allowPositionals: true,
    });
    const findings: Finding[] = [];
    let checked = 0;

    if (values.config !== undefined || positionals.length === 0) {
      const { stacks } = loadStacks(values.config, io, parseEnvironment(values.env));
      // A config's objects get exactly the checks synth runs for its environment.
      for (const stack of stacks) {
        const objects = renderStack(stack).objects;
        findings.push(...runChecks(objects, { file: `${stack.name}.k8s.yaml`, environment: stack.environment }));
        checked += objects.length;
      }
    }

    const manifests = positionals.flatMap((p) => manifestFiles(path.resolve(io.cwd, p), p));
    const parsed = manifests.map((file) => readManifests(file.absolute, file.shown));
    for (const file of parsed) findings.push(...file.syntax);
    const objects = parsed.flatMap((file) => file.objects);
    // The policy sees a directory at once: a file-per-resource layout spreads one stack over its files.
    findings.push(
      ...runChecks(
        objects.map((s) => s.object),
        { files: objects.map((s) => s.file), policyGroup: (file) => path.dirname(file) },
      ),
    );
    checked += objects.length;

    for (const finding of findings) io.stdout(`${formatFinding(finding)}\n`);
    const errors = findings.filter((f) => f.severity === 'error').length;
    io.stderr(`${checked} object${checked === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${findings.length - errors} other finding${findings.length - errors === 1 ? '' : 's'}\n`);
    return errors > 0 ? 1 : 0;
  },
};

interface SourcedObject {
  readonly object: KubeObject;
  readonly file: string;
}

function manifestFiles(absolute: string, shown: string): { absolute: string; shown: string }[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch {
    throw new UsageError(`${shown}: no such file or directory`);
  }
  if (!stat.isDirectory()) return [{ absolute, shown }];
  return fs
    .readdirSync(absolute)
    .sort()
    .flatMap((entry) => {
      const child = path.join(absolute, entry);
      const childShown = path.join(shown, entry);
      if (entry.startsWith('.')) return [];
      if (fs.statSync(child).isDirectory()) return manifestFiles(child, childShown);
      return MANIFEST_FILE.test(entry) ? [{ absolute: child, shown: childShown }] : [];
    });
}

function readManifests(absolute: string, shown: string): { objects: SourcedObject[]; syntax: Finding[] } {
  const parsed = parseYamlStream(fs.readFileSync(absolute, 'utf8'));
  const syntax: Finding[] = parsed.problems.map((p) => ({
    severity: 'error',
    rule: 'yaml-syntax',
    file: p.position ? `${shown}:${p.position.line}:${p.position.column}` : shown,
    object: `document #${p.document}`,
    path: '',
    message: p.message,
  }));
  return { objects: parsed.values.map((v) => ({ object: v.value as KubeObject, file: shown })), syntax };
}
