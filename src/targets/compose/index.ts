import * as path from 'node:path';
import { runChecks } from '../../checks';
import { Finding } from '../../checks/findings';
import { parseManifestStream } from '../../config/yaml';
import { YamlValue, emitYaml } from '../yaml';
import { Target, TargetOutput, asCheckedDocument } from '../target';
import { ComposeStack, composeProject } from './compose-file';
import { nginxConf } from './nginx-conf';
import { composeSchemaFindings } from './schema-check';

/** How the shared checks' findings name a Compose file's document. */
export const COMPOSE_KIND = 'ComposeProject';

/**
 * The Docker Compose target: per stack, `<name>/compose.yaml` and, with the
 * nginx front end (staging and production), `<name>/nginx.conf` beside it.
 * The directory names the Compose project. The file goes through the leak
 * guard, then the Compose Specification's schema.
 */
export const composeTarget: Target = {
  name: 'compose',
  requires: [],

  render(stack, options): TargetOutput {
    const compose = composeProject(stack);
    const file = `${stack.name}/compose.yaml`;
    const document = compose.project as unknown as Record<string, unknown>;
    const files = [{ path: file, content: `${options.header}${envFileComment(compose)}${emitYaml(compose.project as unknown as YamlValue)}` }];
    if (compose.frontEnd) files.push({ path: `${stack.name}/nginx.conf`, content: nginxConf(stack, options.header) });
    return { files, checks: [{ objects: [asCheckedDocument(COMPOSE_KIND, stack.name, document)], kubernetes: false, file }] };
  },

  check(output): Finding[] {
    return output.checks.flatMap((subject) =>
      subject.objects.map((object) => {
        const { apiVersion: _apiVersion, kind, metadata, ...document } = object;
        return composeSchemaFindings(document, subject.file, `${kind}/${metadata.name}`);
      }).flat(),
    );
  },

  checkFile(file, text, environment): Finding[] {
    // Compose names a project after the directory its file is in.
    const object = `${COMPOSE_KIND}/${path.basename(path.dirname(path.resolve(file)))}`;
    const parsed = parseManifestStream(text);
    if (parsed.problems.length > 0) {
      return parsed.problems.map((p) => ({
        severity: 'error',
        rule: 'yaml-syntax',
        file: p.position ? `${file}:${p.position.line}:${p.position.column}` : file,
        object,
        path: '',
        message: p.message,
      }));
    }
    if (parsed.values.length !== 1 || parsed.values[0].value === null || typeof parsed.values[0].value !== 'object' || Array.isArray(parsed.values[0].value)) {
      return [{ severity: 'error', rule: COMPOSE_SCHEMA_SYNTAX_RULE, file, object, path: '', message: 'must be one YAML document holding a mapping (services, networks, volumes)' }];
    }
    const document = parsed.values[0].value as Record<string, unknown>;
    const name = object.slice(COMPOSE_KIND.length + 1);
    return [
      ...runChecks([asCheckedDocument(COMPOSE_KIND, name, document)], { file, environment, kubernetes: false }),
      ...composeSchemaFindings(document, file, object),
    ];
  },
};

/** The rule of a Compose file that is not one mapping. */
const COMPOSE_SCHEMA_SYNTAX_RULE = 'compose-document';

/**
 * A comment after the provenance header telling the operator what the env
 * file must hold. Compose refuses to start without it; it is never generated,
 * so no secret value is ever written here.
 */
function envFileComment(compose: ComposeStack): string {
  const lines = compose.envFileEntries.map((e) => `#   ${e.name}=${e.shape ?? '…'}`);
  return (
    `#\n# Secrets come from ${compose.envFile} beside this file: write it yourself, keep it out\n` +
    `# of git (chmod 600), one NAME=value a line. It must define:\n${lines.join('\n')}\n`
  );
}
