import * as path from 'node:path';
import type { TargetEntry } from '../../../src/config-api';

/** The echo target's registry entry: absolute module paths, as `registerTarget` requires. */
export const ECHO_TARGET: TargetEntry = {
  name: 'echo',
  module: path.join(__dirname, 'index.ts'),
  exportName: 'echoTarget',
  files: /\.echo\.txt$/,
  config: { module: path.join(__dirname, 'config.ts'), exportName: 'echoConfig' },
};
