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

/**
 * A stack that reads DATABASE_URL from its Secret without saying where the
 * database is: on Kubernetes the app's egress policy opens only DNS, its
 * backing services and HTTPS to public addresses, so every connection to a
 * database at a private address (or on 5432) times out. A warning, not a
 * refusal: the same config serves targets that do not filter egress, and a
 * DATABASE_URL may name no network address at all (sqlite).
 */
export function databaseReachWarnings(stack: StackConfig): GateViolation[] {
  if (!stack.secrets.keys.includes('DATABASE_URL') || stack.network.database) return [];
  // pgvector's connection sets DATABASE_URL in the container to the stack's own database.
  if (stack.vectorDb.enabled && stack.vectorDb.engine === 'pgvector') return [];
  if (stack.secrets.values?.DATABASE_URL?.startsWith('sqlite:')) return [];
  return [
    {
      path: 'secrets.keys',
      message:
        'lists DATABASE_URL, but network.database does not say where that database is, and on Kubernetes the app\'s egress policy denies it: ' +
        'set network.database.cidrs (and port, default 5432) to its address range, or remove DATABASE_URL if the app reads none',
    },
  ];
}
