import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { parseImageReference } from '../conventions/image';
import { RECOMMENDED_LABEL_KEYS, recommendedLabels, versionLabelOf } from '../conventions/labels';
import { propsError } from './errors';

/** What {@link applyStackMetadata} writes on every object of a stack. */
export interface StackMetadataOptions {
  /** The stack's name: `app.kubernetes.io/instance`. */
  readonly instance: string;
  /** The role (`app.kubernetes.io/component`) and software (`app.kubernetes.io/name`) of the objects under each child of the stack, by child id. */
  readonly components: Readonly<Record<string, { readonly component: string; readonly name: string }>>;
  /** Role and software of the objects under a child not in `components` (one of the user's own). */
  readonly fallback: { readonly component: string; readonly name: string };
  /** The user's labels, on every object and pod template. */
  readonly labels: Readonly<Record<string, string>>;
  /** The user's annotations, on every object. */
  readonly annotations: Readonly<Record<string, string>>;
}

/**
 * Writes the recommended labels, and the user's labels and annotations, on
 * every ApiObject under `stack`, and `app.kubernetes.io/version` (the image
 * tag) on each Deployment and its pod template only, so an image bump
 * changes the workloads alone:
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
 *
 * Only metadata labels are written: selectors (a Deployment's, a Service's,
 * a PodDisruptionBudget's, a NetworkPolicy's) stay as they are, since a
 * Deployment's selector is immutable and a changed one would orphan the
 * running pods. A label or annotation already on an object keeps its value;
 * a user's one that would change it is refused.
 */
export function applyStackMetadata(stack: IConstruct, o: StackMetadataOptions): void {
  for (const child of stack.node.children) {
    const { component, name } = o.components[child.node.id] ?? o.fallback;
    const labels = { ...recommendedLabels({ name, instance: o.instance, component }), ...o.labels };
    for (const construct of child.node.findAll()) {
      if (construct instanceof ApiObject) {
        addMissing(construct, 'label', labels, o.labels);
        addMissing(construct, 'annotation', o.annotations, o.annotations);
      }
      if (construct instanceof kplus.Deployment) {
        const version = versionOfDeployment(construct);
        const podLabels = { ...labels, ...(version ? { [RECOMMENDED_LABEL_KEYS.version]: version } : {}) };
        for (const [key, value] of Object.entries(podLabels)) {
          if (construct.podMetadata.getLabel(key) === undefined) construct.podMetadata.addLabel(key, value);
        }
        if (version) ApiObject.of(construct).metadata.addLabel(RECOMMENDED_LABEL_KEYS.version, version);
      }
    }
  }
}

/** Adds each of `entries` the object lacks; one of the user's (`own`) that would change a value already there is refused. */
function addMissing(object: ApiObject, what: 'label' | 'annotation', entries: Readonly<Record<string, string>>, own: Readonly<Record<string, string>>): void {
  const current = what === 'label' ? object.metadata.getLabel.bind(object.metadata) : (key: string) => (object.metadata.toJson().annotations as Record<string, string> | undefined)?.[key];
  for (const [key, value] of Object.entries(entries)) {
    const existing = current(key);
    if (existing === undefined) {
      if (what === 'label') object.metadata.addLabel(key, value);
      else object.metadata.addAnnotation(key, value);
    } else if (existing !== value && key in own) {
      throw propsError(
        object,
        `the ${what} ${key} is set by the stack on ${object.kind}/${object.name} already (to ${JSON.stringify(existing)}); choose another key for '${what}s'`,
      );
    }
  }
}

/** The tag of the Deployment's first container's image, as a label value. */
function versionOfDeployment(deployment: kplus.Deployment): string | undefined {
  const image = deployment.containers[0]?.image;
  return image === undefined ? undefined : versionLabelOf(parseImageReference(image).tag);
}
