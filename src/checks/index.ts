import { Environment } from '../conventions/defaults';
import { KubeObject } from '../conventions/kube-object';
import { Finding } from './findings';
import { validateObjects } from './k8s-validate';
import { findLeaks } from './leak-guard';
import { checkPolicy } from './policy';

/** What {@link runChecks} needs to know about the objects it checks. */
export interface CheckContext {
  /** The file the objects are written to or were read from, for findings. */
  readonly file?: string;
  /**
   * The environment the objects are for. Development skips the policy and the
   * leak guard; staging downgrades the rules production refuses to warnings.
   * @default - unknown (manifests read from files): every check, production severities
   */
  readonly environment?: Environment;
  /**
   * Whether the objects are Kubernetes-shaped, so the API/CRD validator and
   * the policy apply. Every target goes through the leak guard.
   * @default true
   */
  readonly kubernetes?: boolean;
}

/**
 * The one check pipeline, shared by `synth` (before anything is written) and
 * `validate`: the Kubernetes 1.28 API and CRD validator, the security policy,
 * and the credential leak guard.
 */
export function runChecks(objects: readonly KubeObject[], context: CheckContext = {}): Finding[] {
  const { file, environment, kubernetes = true } = context;
  const findings = kubernetes ? validateObjects(objects, { file }) : [];
  if (environment !== 'development') {
    if (kubernetes) findings.push(...checkPolicy(objects, { file }));
    findings.push(...findLeaks(objects, file));
  }
  // Staging warns where production refuses (the config gates); the policy agrees.
  return environment === 'staging'
    ? findings.map((f) => (STAGING_WARNINGS.has(f.rule) && f.severity === 'error' ? { ...f, severity: 'warning' } : f))
    : findings;
}

/** Policy rules that are errors in production but warnings in staging, like the config gates they mirror. */
const STAGING_WARNINGS: ReadonlySet<string> = new Set(['practice-image-pinned']);

export { Finding, FindingsError, Severity, formatFinding } from './findings';
export { validateObjects } from './k8s-validate';
export { checkPolicy, findCredentials } from './policy';
export { findLeaks } from './leak-guard';
