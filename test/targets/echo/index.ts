import type { StackConfig } from '../../../src/config-api';
import type { Target } from '../../../src/config-api';
import type { EchoConfig } from './config';

/**
 * A target as a library user writes one: `<name>.echo.txt` per stack, saying
 * its greeting and the stack's name and image. Its config key is its own
 * (./config.ts), which a stack must set for `--target all` to select it.
 */
export const echoTarget: Target = {
  name: 'echo',
  requires: ['echo'],

  render(stack, options) {
    const { greeting, shout } = (stack as StackConfig & { echo: EchoConfig }).echo;
    const line = `${shout ? greeting.toUpperCase() : greeting} from ${stack.name} (${stack.image})`;
    // A text file takes `#` comments, so it starts with the provenance header like every generated file.
    return { files: [{ path: `${stack.name}.echo.txt`, content: `${options.header}${line}\n` }], checks: [] };
  },
};
