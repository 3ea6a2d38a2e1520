import * as YAML from 'yaml';
import { StackConfigInput, StackConfigSchema } from '../../src/config/schema';
import { KubeObject, renderStack } from '../../src/targets/kubernetes/render';

/** A stack config with the two required keys filled in. */
export function stackConfig(overrides: Partial<StackConfigInput> = {}) {
  return StackConfigSchema.parse({ environment: 'production', image: 'saplings:1.0.0', ...overrides });
}

/** Renders a stack from config overrides. */
export function render(overrides: Partial<StackConfigInput> = {}): KubeObject[] {
  return renderStack(stackConfig(overrides)).objects;
}

/** The one object of `kind` (and `name`, when several exist); fails the test if missing. */
export function find(objects: readonly KubeObject[], kind: string, name?: string): any {
  const matches = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (matches.length !== 1) {
    throw new Error(`expected one ${kind}${name ? `/${name}` : ''}, found ${matches.length}: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  }
  return matches[0];
}

/** Every object of `kind`. */
export function all(objects: readonly KubeObject[], kind: string): any[] {
  return objects.filter((o) => o.kind === kind);
}

/** Parses a multi-document YAML file's objects. */
export function parseManifests(text: string): KubeObject[] {
  return YAML.parseAllDocuments(text).map((d) => d.toJS() as KubeObject).filter((o) => o);
}
