import { Finding } from './findings';
import { findCredentials } from './policy';
import { KubeObject } from '../conventions/kube-object';

/**
 * Finds credentials where they must never be: any string outside a Secret
 * that looks like an API key, an access key, a private key or a password in a
 * URL, and any Secret that carries values at all. Staging and production
 * refuse to synthesize when this finds anything.
 */
export function findLeaks(objects: readonly KubeObject[], file?: string): Finding[] {
  const findings: Finding[] = [];
  for (const object of objects) {
    const where = { file, object: `${object.kind}/${object.metadata?.name}` };
    if (object.kind === 'Secret') {
      for (const field of ['data', 'stringData'] as const) {
        if (object[field] && Object.keys(object[field] as object).length > 0) {
          findings.push({
            ...where,
            severity: 'error',
            rule: 'leak-secret-values',
            path: field,
            message: 'a Secret with values would put credentials into the manifests; use secrets.source existing or external',
          });
        }
      }
      continue;
    }
    walkStrings(object, '', (path, text) => {
      if (object.kind === 'ExternalSecret' && STORE_KEY_PATH.test(path)) return;
      for (const kind of findCredentials(text)) {
        findings.push({
          ...where,
          severity: 'error',
          rule: 'leak-credential',
          path,
          // The value itself is never echoed: the message would leak it to CI logs.
          message: `looks like ${/^[aeiouAEIOU]/.test(kind) ? 'an' : 'a'} ${kind} outside a Secret; move it into the app's Secret and reference it`,
        });
      }
    });
  }
  return findings;
}

/**
 * Where an ExternalSecret names a secret's location in its store
 * (`remoteRef.key: saplings/prod/OPENAI_API_KEY`): a name chosen by a config's
 * `remoteKeyPrefix`, never a credential, however it is spelled.
 */
const STORE_KEY_PATH = /^spec\.(?:data\[\d+\]\.remoteRef|dataFrom\[\d+\]\.extract)\.(?:key|property)$/;

function walkStrings(value: unknown, path: string, visit: (path: string, text: string) => void): void {
  if (typeof value === 'string') {
    visit(path, value);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => walkStrings(item, `${path}[${i}]`, visit));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const child = path ? `${path}.${key}` : key;
      visit(child, key);
      walkStrings(item, child, visit);
    }
  }
}
