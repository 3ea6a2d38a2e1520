import { parseArgs } from 'node:util';
import { CliIO, Command } from '../context';

/** The JSON Schema of one stack document, for editors and CI linters. */
export function configJsonSchema(): Record<string, unknown> {
  // Loaded here, not at the top: the CLI loads every command, and only this one needs zod's JSON Schema output.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { z } = require('zod') as typeof import('zod');
  const { StackConfigSchema } = require('../../config/schema') as typeof import('../../config/schema');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return z.toJSONSchema(StackConfigSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}

export const schemaCommand: Command = {
  name: 'schema',
  summary: "Print the config file's JSON Schema",
  usage: `Usage: saplings-k8s schema

Prints the JSON Schema of one stack document. Point editors at it with
  # yaml-language-server: $schema=./saplings.schema.json
as the first line of a config file.`,

  async run(args: string[], io: CliIO): Promise<number> {
    parseArgs({ args, options: {}, allowPositionals: false });
    io.stdout(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return 0;
  },
};
