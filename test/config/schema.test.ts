import * as fs from 'node:fs';
import * as path from 'node:path';
import { configJsonSchema } from '../../src/cli/commands/schema';
import { appObjectNames } from '../../src/conventions/names';
import { MAX_STACK_NAME_LENGTH, StackConfigSchema } from '../../src/config/schema';
import { ENVIRONMENT_PRESETS } from '../../src/conventions/presets';

describe('config schema', () => {
  test('the committed saplings.schema.json is what `saplings-k8s schema` prints', () => {
    const committed = JSON.parse(fs.readFileSync(path.join(__dirname, '../../saplings.schema.json'), 'utf8'));
    expect(committed).toStrictEqual(configJsonSchema());
  });

  test('the JSON Schema requires only environment and image and forbids unknown keys', () => {
    const schema = configJsonSchema() as { required: string[]; additionalProperties: boolean; properties: Record<string, any> };
    expect(schema.required.sort()).toStrictEqual(['environment', 'image']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.app.additionalProperties).toBe(false);
    expect(schema.properties.environment.enum).toStrictEqual(['development', 'staging', 'production']);
  });

  test('every derived object name of the longest allowed stack name fits in 63 characters', () => {
    const longest = 'a'.repeat(MAX_STACK_NAME_LENGTH);
    expect(StackConfigSchema.safeParse({ environment: 'production', image: 'x:1', name: longest }).success).toBe(true);
    expect(Math.max(...Object.values(appObjectNames(longest)).map((n) => n.length))).toBe(63);
    expect(StackConfigSchema.safeParse({ environment: 'production', image: 'x:1', name: `${longest}a` }).success).toBe(false);
  });
});

describe('environment presets', () => {
  test('come from the guide\'s EnvironmentConfig table', () => {
    expect(ENVIRONMENT_PRESETS.development).toStrictEqual({
      logLevel: 'DEBUG', gasa: false, monitoring: true, selfHealing: false, maxWorkers: 2, timeoutSeconds: 60, rateLimitRps: 1000,
    });
    expect(ENVIRONMENT_PRESETS.staging).toStrictEqual({
      logLevel: 'INFO', gasa: true, monitoring: true, selfHealing: true, maxWorkers: 4, timeoutSeconds: 120, rateLimitRps: 500,
    });
  });

  test('production follows the guide\'s Kubernetes ConfigMap (INFO, 4, 120), not its table (WARNING, 8, 300)', () => {
    expect(ENVIRONMENT_PRESETS.production).toMatchObject({ logLevel: 'INFO', maxWorkers: 4, timeoutSeconds: 120, rateLimitRps: 100 });
  });
});

describe('README config reference', () => {
  test('documents every key of the schema down to the second level', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const schema = configJsonSchema() as { properties: Record<string, { properties?: Record<string, unknown> }> };
    const missing: string[] = [];
    for (const [key, node] of Object.entries(schema.properties)) {
      if (key === '$schema') continue;
      const paths = node.properties ? Object.keys(node.properties).map((child) => `${key}.${child}`) : [key];
      missing.push(...paths.filter((p) => !readme.includes(`\`${p}`)));
    }
    expect(missing).toStrictEqual([]);
  });
});
