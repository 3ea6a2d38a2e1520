import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { inputError } from '../../config/errors';
import { CliIO, Command } from '../context';
import { DEFAULT_CONFIG_FILE } from './shared';

/** The starter config `init` writes: the guide's production stack, with the keys most people change. */
export const STARTER_CONFIG = `# yaml-language-server: $schema=./node_modules/saplings-k8s/saplings.schema.json
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

Writes a starter config (default ./saplings.yaml). Refuses to overwrite an
existing file.`,

  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } }, allowPositionals: false });
    const file = values.config ?? DEFAULT_CONFIG_FILE;
    try {
      // 'wx' fails if the file exists, so a config is never overwritten, even by a racing run.
      fs.writeFileSync(path.resolve(io.cwd, file), STARTER_CONFIG, { flag: 'wx' });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const message = code === 'EEXIST' ? 'already exists; init never overwrites a config' : `cannot be written (${code})`;
      throw inputError([{ file, path: '', message }]);
    }
    io.stderr(`wrote ${file}; next: saplings-k8s synth --config ${file}\n`);
    return 0;
  },
};
