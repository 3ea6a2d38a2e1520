import { z } from 'zod';
import type { TargetConfig } from '../../../src/config-schema-api';

/*
 * The echo target's config fragment: its own top-level key, `echo:`, with a
 * default and descriptions like the built-in targets'. Only this module is
 * loaded to read a config, never ./index.ts.
 */
const echoSchema = z.strictObject({
  greeting: z.string().min(1).max(40).default('hello').describe('What the file says before the stack name'),
  shout: z.boolean().default(false).describe('Write the greeting in capitals'),
});

/** The `echo:` key: optional, as only `--target echo` reads it. */
export const echoConfig: TargetConfig<'echo', ReturnType<typeof echoSchema.optional>> = {
  key: 'echo',
  schema: echoSchema.optional().describe('The echo target (--target echo): one text file per stack'),
  stackRules(echo, stack, report) {
    if (stack.environment === 'production' && echo.shout) report({ path: ['shout'], input: true, message: 'must be false in production: nobody likes being shouted at' });
  },
};

/** The settings of a stack's `echo:` key, after validation. */
export type EchoConfig = z.output<typeof echoSchema>;
