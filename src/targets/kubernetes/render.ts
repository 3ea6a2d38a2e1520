import { refreshChecksums } from '../../conventions/config-checksum';
import { KubeObject } from '../../conventions/kube-object';
import { StackConfig } from '../../config/types';
import { KubeVersion } from '../../conventions/kube-version';
import { sortForApply, withSyncWaves } from './apply-order';
import { YamlValue, emitYamlStream } from '../yaml';

// cdk8s and the constructs load on the first full render: the files of a
// fleet's root (layout.ts), and a fleet's main thread, whose worker threads
// render, need none of them.
/* eslint-disable @typescript-eslint/no-require-imports */
const cdk8s = () => ({
  ...(require('cdk8s') as Pick<typeof import('cdk8s'), 'App'>),
  ...(require('../../constructs/saplings-stack') as Pick<typeof import('../../constructs/saplings-stack'), 'SaplingsStack'>),
  ...(require('./stack-props') as Pick<typeof import('./stack-props'), 'stackPropsFromConfig'>),
  ...(require('../../constructs/errors') as Pick<typeof import('../../constructs/errors'), 'synthesizeValidated'>),
});
/* eslint-enable @typescript-eslint/no-require-imports */

export { KubeObject };

/** The objects of one stack, in apply order. */
export interface RenderedStack {
  /** The stack's `name`; its file is `<name>.k8s.yaml`. */
  readonly name: string;
  /** The objects, ready to serialize. */
  readonly objects: KubeObject[];
}

/**
 * Builds one stack in an App of its own. Throws a {@link constructError}
 * when a construct's validation rules fail.
 *
 * One App per stack keeps synthesis linear in the number of stacks: cdk8s
 * walks the whole construct tree of an App for every chart it renders.
 *
 * @param kubeVersion the Kubernetes version the Pod Security labels name (default 1.28)
 */
export function renderStack(config: StackConfig, kubeVersion?: KubeVersion): RenderedStack {
  const { App, SaplingsStack, stackPropsFromConfig, synthesizeValidated } = cdk8s();
  const chart = new SaplingsStack(new App(), config.name, { ...stackPropsFromConfig(config), kubeVersion });
  // cdk8s alone would throw a plain Error for a failed rule, and knows no field rules or duplicates.
  const objects = sortForApply(synthesizeValidated(chart) as KubeObject[]);
  return { name: config.name, objects: config.gitops.syncWaves ? withSyncWaves(objects) : objects };
}

/** Serializes objects as a multi-document YAML stream, after a comment header, that YAML 1.1 and 1.2 readers read alike. */
export function toYaml(objects: readonly KubeObject[], header: string): string {
  return `${header}${emitYamlStream(objects as unknown as YamlValue[])}`;
}

/**
 * Config keys whose values a fleet's stacks typically differ in. A stack's
 * "shape" is its config with these values replaced by placeholders; stacks of
 * one shape are rendered from one template, with the values substituted.
 */
const TEMPLATED_KEYS: readonly (readonly string[])[] = [['name'], ['namespace'], ['ingress', 'host']];

/**
 * A DNS name (one or more DNS-1123 labels) with an optional leading `*.`.
 * Only such values are templated, label by label, so a placeholder and the
 * value it stands for have the same form, and substituting one needs no escaping.
 */
const DNS_NAME = /^(\*\.)?([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)$/;

/** A placeholder for the n-th templated label; no DNS name of a real config holds `zq`, see {@link templateOf}. */
const placeholder = (slot: number) => `zqa${slot}qz`;
const PLACEHOLDERS = /zqa(\d+)qz/g;

/** A stack's config with its templated values replaced by placeholders, and the labels they stand for. */
interface Templated {
  /** The config with placeholders: rendered once per shape; its JSON is the shape's key. */
  readonly config: StackConfig;
  readonly shape: string;
  /** The labels of the templated values, by placeholder slot. */
  readonly labels: readonly string[];
}

/** The stack's templated form, or undefined when its values cannot be templated safely. */
function templateOf(config: StackConfig): Templated | undefined {
  // A placeholder must never meet text of the config itself, or substitution would rewrite that text too.
  if (JSON.stringify(config).includes('zq')) return undefined;
  const labels: string[] = [];
  let templated: Record<string, unknown> = config as unknown as Record<string, unknown>;
  for (const key of TEMPLATED_KEYS) {
    const value = valueAt(config, key);
    if (value === undefined) continue;
    const match = typeof value === 'string' ? DNS_NAME.exec(value) : null;
    if (!match) return undefined;
    // Equal labels share a placeholder, so a rule comparing two templated values sees them equal in the template too.
    const form = match[2].split('.').map((label) => {
      const slot = labels.indexOf(label);
      return placeholder(slot >= 0 ? slot : labels.push(label) - 1);
    });
    templated = withValueAt(templated, key, `${match[1] ?? ''}${form.join('.')}`);
  }
  // A templated value equal to another value of the config (a namespace called like the Prometheus
  // namespace) could meet a rule comparing the two, which a placeholder would not; render such a stack in full.
  const others = new Set<string>();
  collectStrings(templated, others);
  const values = TEMPLATED_KEYS.map((key) => valueAt(config, key)).filter((v): v is string => typeof v === 'string');
  if ([...values, ...labels].some((v) => others.has(v))) return undefined;
  return { config: templated as unknown as StackConfig, shape: JSON.stringify(templated), labels };
}

function collectStrings(node: unknown, into: Set<string>): void {
  if (typeof node === 'string') into.add(node);
  else if (Array.isArray(node)) for (const item of node) collectStrings(item, into);
  else if (node !== null && typeof node === 'object') {
    for (const item of Object.values(node)) collectStrings(item, into);
  }
}

function valueAt(config: StackConfig, key: readonly string[]): unknown {
  let node: unknown = config;
  for (const part of key) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  return node;
}

function withValueAt(node: Record<string, unknown>, key: readonly string[], value: string): Record<string, unknown> {
  const [first, ...rest] = key;
  return { ...node, [first]: rest.length === 0 ? value : withValueAt(node[first] as Record<string, unknown>, rest, value) };
}

function fill(template: string, labels: readonly string[]): string {
  return template.replace(PLACEHOLDERS, (_, slot: string) => labels[Number(slot)]);
}

// What a renderer knows about a shape: the first stack's full render, until a
// second stack of the shape asks for a template; then the template, or null
// when the shape's output is not the same up to substitution.
type ShapeState = { readonly first: string; readonly labels: readonly string[] } | { readonly template: string | null };

/** Beyond this many shapes a renderer keeps no more first renders, so a fleet of all-different stacks uses bounded memory. */
const MAX_SHAPES = 256;

/**
 * Renders stacks like {@link renderStack}, byte for byte, reusing work
 * across the stacks of a fleet that differ only in their names, namespaces
 * and hosts (see {@link TEMPLATED_KEYS}).
 *
 * The first stack of a shape is rendered in full. For the second, the shape
 * is rendered once with placeholders for those values (`zqa0qz`, label by
 * label), and the template is used only if filling in the first stack's
 * values (and taking the pod templates' config checksums again) reproduces
 * its full render exactly. Output that depends on the values in any other
 * way than copying them (a branch on a host, a digest other than those
 * checksums) fails that check, and the shape is rendered in full for every
 * stack. A stack whose config holds `zq`, or
 * whose templated values are not DNS names, is always rendered in full.
 *
 * {@link renderStack} stays the reference: test/targets/kubernetes/stack-renderer.test.ts
 * compares the two on random fleets.
 */
export class StackRenderer {
  private readonly shapes = new Map<string, ShapeState>();
  private templated = 0;

  /** @param kubeVersion the Kubernetes version every stack is rendered for (see {@link renderStack}) */
  constructor(private readonly kubeVersion?: KubeVersion) {}

  /** How many stacks this renderer filled in from a template rather than rendering them in full. */
  public get templatedStacks(): number {
    return this.templated;
  }

  /** The stack's objects, as {@link renderStack} gives them. */
  public render(config: StackConfig): RenderedStack {
    const templated = templateOf(config);
    if (!templated) return renderStack(config, this.kubeVersion);
    let state = this.shapes.get(templated.shape);
    if (state === undefined) {
      const rendered = renderStack(config, this.kubeVersion);
      if (this.shapes.size < MAX_SHAPES) this.shapes.set(templated.shape, { first: JSON.stringify(rendered.objects), labels: templated.labels });
      return rendered;
    }
    if ('first' in state) {
      state = { template: verifiedTemplate(templated.config, state.first, state.labels, this.kubeVersion) };
      this.shapes.set(templated.shape, state);
    }
    if (state.template === null) return renderStack(config, this.kubeVersion);
    this.templated++;
    return { name: config.name, objects: filledObjects(state.template, templated.labels) };
  }
}

/**
 * A stack's objects from its shape's template: the labels filled in, then the
 * pod templates' config checksums taken again, since they digest the
 * ConfigMaps and Secrets, names included, that the labels just changed.
 */
function filledObjects(template: string, labels: readonly string[]): KubeObject[] {
  const objects = JSON.parse(fill(template, labels)) as KubeObject[];
  refreshChecksums(objects);
  return objects;
}

/** The shape's template, if filling in the first stack's labels gives exactly that stack's full render. */
function verifiedTemplate(placeholders: StackConfig, first: string, labels: readonly string[], kubeVersion: KubeVersion | undefined): string | null {
  let template: string;
  try {
    template = JSON.stringify(renderStack(placeholders, kubeVersion).objects);
  } catch {
    // The placeholders broke a rule the real values meet; this shape is rendered in full.
    return null;
  }
  return JSON.stringify(filledObjects(template, labels)) === first ? template : null;
}
