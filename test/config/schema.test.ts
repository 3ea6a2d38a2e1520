import * as fs from 'node:fs';
import * as path from 'node:path';
import { configJsonSchema } from '../../src/cli/commands/schema';
import { appObjectNames } from '../../src/conventions/names';
import { MAX_STACK_NAME_LENGTH, StackConfigSchema } from '../../src/config/schema';
import { ENVIRONMENT_PRESETS } from '../../src/conventions/presets';
import { OUTPUT, keyPaths, renderConfigReference } from '../../scripts/gen-config-reference';

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

describe('the config reference, docs/config-reference.md', () => {
  const schema = configJsonSchema() as { properties: Record<string, any> };
  const generated = renderConfigReference(schema, ENVIRONMENT_PRESETS);

  test('is what scripts/gen-config-reference.js makes of the schema and presets: run `npm run schema` after changing either', () => {
    expect(fs.readFileSync(OUTPUT, 'utf8')).toBe(generated);
  });

  test("has a row for every key of the schema, with its description and default", () => {
    const paths = keyPaths(schema);
    expect(paths).toEqual(expect.arrayContaining(['name', 'app.resources.limits.memory', 'cloudrun.secrets.<KEY>.version', 'ecs.tags']));
    const rows = new Map(generated.split('\n').filter((l) => l.startsWith('| `')).map((l) => [l.slice(3, l.indexOf('`', 3)), l]));
    expect(paths.filter((p) => !rows.has(p))).toStrictEqual([]);
    expect(rows.get('app.port')).toBe('| `app.port` | integer 1..65535 | `8000` | Port gunicorn listens on |');
    expect(rows.get('image')).toMatch(/\| \*\*required\*\* \| App image/);
  });

  test('picks up a key added to the schema with no step of its own', () => {
    const grown = structuredClone(schema);
    grown.properties.app.properties.newKnob = { type: 'integer', default: 7, description: 'A new <knob> | with a pipe' };
    expect(renderConfigReference(grown, ENVIRONMENT_PRESETS)).toContain('| `app.newKnob` | integer | `7` | A new &lt;knob> \\| with a pipe |');
  });

  test('shows each preset-backed key with its value per environment', () => {
    expect(generated).toContain('| `ingress.rateLimitRps` | `1000` | `500` | `100` |');
    expect(generated).toContain('| `app.logLevel` | `DEBUG` | `INFO` | `INFO` |');
  });
});
