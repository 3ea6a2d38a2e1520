import { App } from 'cdk8s';
import { KubeObject } from '../../conventions/kube-object';
import { StackConfig } from '../../config/schema';
import { sortForApply, withSyncWaves } from './apply-order';
import { validateConstructs } from '../../constructs/errors';
import { SaplingsStack } from './saplings-stack';
import { stackPropsFromConfig } from './stack-props';
import { YamlValue, emitYamlStream } from '../yaml';

export { KubeObject };

/** The objects of one stack, in apply order. */
export interface RenderedStack {
  /** The stack's `name`; its file is `<name>.k8s.yaml`. */
  readonly name: string;
  /** The objects, ready to serialize. */
  readonly objects: KubeObject[];
}

/**
 * Builds one stack in an App of its own. Throws {@link SaplingsValidationError}
 * when a construct's validation rules fail.
 *
 * One App per stack keeps synthesis linear in the number of stacks: cdk8s
 * walks the whole construct tree of an App for every chart it renders.
 */
export function renderStack(config: StackConfig): RenderedStack {
  const chart = new SaplingsStack(new App(), config.name, stackPropsFromConfig(config));
  // cdk8s would run these rules only in app.synth(), and throw a plain Error.
  validateConstructs(chart);
  const objects = sortForApply(chart.toJson() as KubeObject[]);
  return { name: config.name, objects: config.gitops.syncWaves ? withSyncWaves(objects) : objects };
}

/** Serializes objects as a multi-document YAML stream, after a comment header, that YAML 1.1 and 1.2 readers read alike. */
export function toYaml(objects: readonly KubeObject[], header: string): string {
  return `${header}${emitYamlStream(objects as unknown as YamlValue[])}`;
}
