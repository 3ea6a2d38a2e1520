#!/usr/bin/env node
'use strict';
/*
 * Builds docs/config-reference.md from the config's JSON Schema, which
 * `saplings-k8s schema` prints from the zod schema (its `.describe()` texts,
 * defaults, types and ranges), and from the environment presets. Nothing in
 * the reference is written by hand: a key added to the schema gets its row
 * the next time this runs (`npm run schema` runs it after regenerating
 * saplings.schema.json), and test/config/schema.test.ts fails while the
 * committed file differs from what this makes of the current schema.
 *
 *   node scripts/gen-config-reference.js           write docs/config-reference.md
 *   node scripts/gen-config-reference.js --check   exit 1 if it is out of date
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const OUTPUT = path.join(ROOT, 'docs', 'config-reference.md');

/** Numbers at or beyond these are zod's "any safe integer" bounds, not limits worth printing. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/** Markdown text for a table cell: `<` and `|` escaped outside code spans, which keep theirs. */
function cell(text) {
  return String(text)
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part.replace(/\|/g, '\\|') : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\|/g, '\\|')))
    .join('')
    .replace(/\n/g, ' ');
}

/** A value as inline code: strings bare, everything else as JSON. */
function code(value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ');
  return text === '' ? '`""`' : `\`${text.replace(/`/g, "'")}\``;
}

function range(min, max, unit) {
  const lo = min !== undefined;
  const hi = max !== undefined && max < UNBOUNDED;
  if (lo && hi) return ` ${min}..${max}${unit}`;
  if (lo) return ` ≥ ${min}${unit}`;
  if (hi) return ` ≤ ${max}${unit}`;
  return '';
}

/** What a schema node accepts, in words. */
function typeOf(node) {
  if (!node || typeof node !== 'object') return 'any';
  if (node.enum) return node.enum.map((v) => code(v)).join(', ');
  if (node.const !== undefined) return code(node.const);
  if (node.anyOf) return [...new Set(node.anyOf.map(typeOf))].join(' or ');
  if (Array.isArray(node.type)) return node.type.join(' or ');
  switch (node.type) {
    case 'integer':
    case 'number': {
      const min = node.minimum ?? (node.exclusiveMinimum !== undefined ? `>${node.exclusiveMinimum}` : undefined);
      if (typeof min === 'string') return `${node.type} ${min}${node.maximum !== undefined && node.maximum < UNBOUNDED ? `, ≤ ${node.maximum}` : ''}`;
      return `${node.type}${range(min, node.maximum, '')}`;
    }
    case 'string': {
      const format = node.format ? ` (${node.format})` : '';
      return `string${format}${node.maxLength !== undefined ? `, ≤ ${node.maxLength} chars` : ''}`;
    }
    case 'array': {
      const items = typeOf(node.items);
      return `list of ${items}${range(node.minItems, node.maxItems, ' items')}`;
    }
    case 'object':
      if (isMap(node)) return `map of ${typeOf(node.additionalProperties)}`;
      return 'mapping';
    default:
      return node.type ?? 'any';
  }
}

/** A record: arbitrary keys (named by `propertyNames`), each value one schema. */
function isMap(node) {
  return node.type === 'object' && !node.properties && node.additionalProperties && typeof node.additionalProperties === 'object';
}

/**
 * The rows of one object's keys, depth first: a key that is a mapping of its
 * own gets a row when it has a description, then its keys' rows.
 */
function rows(node, prefix, out) {
  const required = new Set(node.required ?? []);
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (key === '$schema') continue;
    const keyPath = prefix ? `${prefix}.${key}` : key;
    const nested = child.properties ? child : isMap(child) && child.additionalProperties.properties ? child.additionalProperties : undefined;
    const nestedPath = child.properties ? keyPath : `${keyPath}.<KEY>`;
    if (!nested || child.description || required.has(key)) {
      const value = 'default' in child ? (nested && typeof child.default === 'object' && Object.keys(child.default).length === 0 ? '' : code(child.default)) : required.has(key) ? '**required**' : '';
      out.push({ path: keyPath, type: nested && child.properties ? 'mapping' : typeOf(child), value, description: child.description ?? '' });
    }
    if (nested) rows(nested, nestedPath, out);
  }
  return out;
}

/** Every key path the reference must show, for tests: the same walk as the tables. */
function keyPaths(schema) {
  const paths = [];
  const walk = (node, prefix) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (key === '$schema') continue;
      const keyPath = prefix ? `${prefix}.${key}` : key;
      if (child.properties) walk(child, keyPath);
      else if (isMap(child) && child.additionalProperties.properties) walk(child.additionalProperties, `${keyPath}.<KEY>`);
      else paths.push(keyPath);
    }
  };
  walk(schema, '');
  return paths;
}

/** The config keys an environment preset fills in: leaves named like a preset setting whose description says so. */
function presetRows(schema, presets) {
  const environments = Object.keys(presets);
  const settings = Object.keys(presets[environments[0]] ?? {});
  const found = [];
  const walk = (node, prefix) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const keyPath = prefix ? `${prefix}.${key}` : key;
      if (child.properties) walk(child, keyPath);
      else if (settings.includes(key) && /preset/i.test(child.description ?? '')) found.push({ path: keyPath, key, description: child.description });
    }
  };
  walk(schema, '');
  return { environments, found };
}

/**
 * docs/config-reference.md for a JSON Schema of one stack document and the
 * environment presets (`ENVIRONMENT_PRESETS`).
 */
function renderConfigReference(schema, presets) {
  const lines = [
    '<!-- Generated by scripts/gen-config-reference.js from the zod schema (saplings.schema.json) and the environment presets. Do not edit: change the .describe() texts in src/ and run `npm run schema`. -->',
    '',
    '# Config reference',
    '',
    `${schema.description ?? ''}. One YAML document of a config file is one stack; this is every key it may hold, with its default. ` +
      'See [The config file](config.md) for how a config is read, and the [JSON Schema](../saplings.schema.json) for editors.',
    '',
    'A default marked **required** has none; an empty default means the key is optional and its description says what happens without it. ' +
      '`<KEY>` stands for a key of your choosing (an environment variable name).',
    '',
    '## Environment presets',
    '',
    'Keys left out take their value from the preset of `environment`. An explicit key always wins.',
    '',
  ];
  const { environments, found } = presetRows(schema, presets);
  lines.push(`| key | ${environments.map((e) => `\`${e}\``).join(' | ')} |`, `|---|${environments.map(() => '---|').join('')}`);
  for (const row of found) lines.push(`| \`${row.path}\` | ${environments.map((e) => code(presets[e][row.key])).join(' | ')} |`);
  lines.push('');

  const sections = [{ title: 'Top level', path: '', node: { properties: Object.fromEntries(Object.entries(schema.properties).filter(([, c]) => !c.properties)), required: schema.required } }];
  for (const [key, child] of Object.entries(schema.properties)) {
    if (child.properties) sections.push({ title: `\`${key}\``, path: key, node: child });
  }
  for (const section of sections) {
    lines.push(`## ${section.title}`, '');
    if (section.path && section.node.description) lines.push(`${cell(section.node.description)}.`.replace(/\.\.$/, '.'), '');
    lines.push('| key | type | default | description |', '|---|---|---|---|');
    for (const row of rows(section.node, section.path, [])) {
      lines.push(`| \`${row.path}\` | ${cell(row.type)} | ${row.value} | ${cell(row.description)} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

module.exports = { renderConfigReference, keyPaths, OUTPUT };

if (require.main === module) {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'saplings.schema.json'), 'utf8'));
  let presets;
  try {
    ({ ENVIRONMENT_PRESETS: presets } = require(path.join(ROOT, 'lib', 'src', 'conventions', 'presets')));
  } catch {
    process.stderr.write('gen-config-reference: lib/ is not built; run `npm run build` first (or `npm run schema`, which builds).\n');
    process.exit(1);
  }
  const text = renderConfigReference(schema, presets);
  const current = fs.existsSync(OUTPUT) ? fs.readFileSync(OUTPUT, 'utf8') : '';
  if (process.argv.includes('--check')) {
    if (current !== text) {
      process.stderr.write(`${path.relative(process.cwd(), OUTPUT)} is out of date; run \`npm run schema\`.\n`);
      process.exit(1);
    }
  } else if (current !== text) {
    fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
    const temp = `${OUTPUT}.${process.pid}.tmp`;
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, OUTPUT);
  }
}
