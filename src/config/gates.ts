import { isPinnedImage, unpinnedImageMessage } from '../conventions/image';
import { StackConfig } from './types';

/** A setting that is fine while developing but not in front of users. */
export interface GateViolation {
  /** Dotted key path of the setting. */
  readonly path: string;
  /** What is wrong and what to do instead. */
  readonly message: string;
}

/**
 * Settings that production refuses and staging warns about: they work, but
 * make a deploy unreproducible or unsafe.
 */
export function environmentGates(stack: StackConfig): GateViolation[] {
  const violations: GateViolation[] = [];
  if (!isPinnedImage(stack.image)) violations.push({ path: 'image', message: unpinnedImageMessage(stack.image) });
  if (stack.ingress.enabled && !stack.ingress.tls) {
    violations.push({
      path: 'ingress.tls',
      message: 'the ingress serves plain HTTP; set ingress.tls: true (cert-manager issues the certificate) or disable the ingress',
    });
  }
  return violations;
}
