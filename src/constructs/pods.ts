import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { isPinnedImage } from '../conventions/image';

/**
 * Makes `labels` the Deployment's only pod selector and points the Service at them.
 *
 * cdk8s-plus would select on a `cdk8s.io/metadata.addr` label derived from the
 * construct path. Selectors are immutable once applied, so they are kept to the
 * plain labels the guide uses (`app: saplings`), and the path label is dropped.
 */
export function selectPods(deployment: kplus.Deployment, service: kplus.Service, labels: Record<string, string>): void {
  deployment.select(kplus.LabelSelector.of({ labels }));
  ApiObject.of(deployment).addJsonPatch(
    JsonPatch.remove(`/spec/template/metadata/labels/${kplus.Pod.ADDRESS_LABEL.replace('/', '~1')}`),
  );
  for (const [key, value] of Object.entries(labels)) {
    service.selectLabel(key, value);
  }
}

/**
 * `IfNotPresent` for an image pinned by digest or by a tag other than `latest`,
 * `Always` otherwise, so a moving tag is re-pulled and a pinned one is not.
 */
export function pullPolicyFor(image: string): kplus.ImagePullPolicy {
  return isPinnedImage(image) ? kplus.ImagePullPolicy.IF_NOT_PRESENT : kplus.ImagePullPolicy.ALWAYS;
}
