import * as fs from 'node:fs';
import * as path from 'node:path';

/** The config file commands pick up from the working directory when `--config` is not given. */
export const DEFAULT_CONFIG_FILE = 'saplings.yaml';

/** `saplings.yaml` in `cwd`, if it exists. */
export function findDefaultConfig(cwd: string): string | undefined {
  return fs.existsSync(path.join(cwd, DEFAULT_CONFIG_FILE)) ? DEFAULT_CONFIG_FILE : undefined;
}
