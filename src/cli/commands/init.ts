import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { inputError } from '../../config/errors';
import { CliIO, Command } from '../context';
import { DEFAULT_CONFIG_FILE } from './shared';
import { configJsonSchema } from './schema';

/** The JSON Schema file `init` writes beside the config, which the starter's `$schema` line names. */
export const SCHEMA_FILE = 'saplings.schema.json';

/** The starter config `init` writes: the guide's production stack, with the keys most people change. */
// The modeline's relative path is read relative to the YAML file itself
// (https://github.com/redhat-developer/yaml-language-server#using-inlined-schema), and init writes the schema there,
// so it resolves whether or not the package is installed in node_modules beside the config.
export const STARTER_CONFIG = `# yaml-language-server: $schema=./${SCHEMA_FILE}
# A Saplings stack. Every key but environment and image has a default taken
# from the production deployment guide; \`saplings-k8s schema\` lists them all.
name: saplings
environment: production
image: saplings:1.0.0

app:
  resources:
    requests: { cpu: 1000m, memory: 2Gi }
    limits: { cpu: 2000m, memory: 4Gi }
  storage: { size: 100Gi, storageClassName: fast-ssd, accessMode: ReadWriteMany }
  imagePullSecrets: [registry-secret]

secrets:
  # Created out of band, e.g. kubectl create secret generic saplings-secrets ...
  source: existing
  keys: [OPENAI_API_KEY, ANTHROPIC_API_KEY, DATABASE_URL, ENCRYPTION_KEY]

redis:
  enabled: true

vectorDb:
  enabled: false
  engine: pgvector

autoscaling:
  enabled: true
  minReplicas: 3
  maxReplicas: 20

ingress:
  enabled: true
  host: api.your-domain.com
  clusterIssuer: letsencrypt-prod

monitoring:
  enabled: true
`;

export const initCommand: Command = {
  name: 'init',
  summary: 'Write a starter saplings.yaml (never overwrites)',
  usage: `Usage: saplings-k8s init [--config FILE]

Writes a starter config (default ./saplings.yaml) and, beside it, its JSON
Schema (${SCHEMA_FILE}), which the config's first line points editors at.
Refuses to overwrite an existing config; an existing ${SCHEMA_FILE} is kept
(refresh it with saplings-k8s schema > ${SCHEMA_FILE}).`,

  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } }, allowPositionals: false });
    const file = values.config ?? DEFAULT_CONFIG_FILE;
    const absolute = path.resolve(io.cwd, file);
    const schemaFile = path.join(path.dirname(file), SCHEMA_FILE);
    const schemaWritten = writeNew(path.resolve(io.cwd, schemaFile), `${JSON.stringify(configJsonSchema(), null, 2)}\n`, schemaFile);
    let configWritten = false;
    try {
      configWritten = writeNew(absolute, STARTER_CONFIG, file);
    } finally {
      // Without the config, the schema this run wrote goes too: init leaves all or nothing.
      if (!configWritten && schemaWritten) fs.rmSync(path.resolve(io.cwd, schemaFile), { force: true });
    }
    if (!configWritten) throw inputError([{ file, path: '', message: 'already exists; init never overwrites a config' }]);
    if (!schemaWritten) io.stderr(`kept the existing ${schemaFile}; refresh it with saplings-k8s schema > ${schemaFile}\n`);
    // ./saplings.yaml is what synth reads without --config; any other file must be named.
    const next = values.config === undefined ? 'saplings-k8s synth' : `saplings-k8s synth --config ${file}`;
    io.stderr(`wrote ${file}${schemaWritten ? ` and ${schemaFile}` : ''}; next: ${next}\n`);
    return 0;
  },
};

/** Writes a file that must not exist yet; false when it does ('wx' fails on an existing file, even one a racing run made). */
function writeNew(absolute: string, text: string, shown: string): boolean {
  try {
    fs.writeFileSync(absolute, text, { flag: 'wx' });
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw inputError([{ file: shown, path: '', message: `cannot be written (${code})` }]);
  }
}
