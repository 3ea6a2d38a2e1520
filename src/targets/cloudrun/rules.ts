import { Finding } from '../../checks/findings';
import { asList, asObject, asString, at, isObject } from '../../checks/json';
import { CLOUD_IDS } from '../../conventions/cloud-ids';
import { Environment } from '../../conventions/defaults';
import { KubeObject } from '../../conventions/kube-object';
import { plainSecretFindings } from '../managed-app';
import { CLOUD_RUN_MAX_ENV_VALUE_BYTES, CLOUD_RUN_MAX_ENV_VARS, RESERVED_ENV } from './service';
import { CLOUD_RUN_SIZES_TABLE, isCloudRunSize } from './resources';

/**
 * The rules of Cloud Run's YAML reference that neither the Knative CRD nor
 * gcloud's parser enforce (Cloud Run's server refuses them at deploy): one
 * container with one port named http1 or h2c; no readinessProbe,
 * securityContext or envFrom; mounts of in-memory volumes only; at most 1000
 * env variables of at most 32768 bytes each; none of the env names Cloud Run
 * sets itself; secrets as Secret Manager references, pinned in production;
 * an instance size Cloud Run offers. Also refuses a plain variable whose name
 * marks it as a secret.
 */
export function cloudRunFindings(service: KubeObject, file: string, environment: Environment | undefined): Finding[] {
  const findings: Finding[] = [];
  const where = { file, object: `${service.kind}/${service.metadata.name}` };
  const error = (path: string, rule: string, message: string) => findings.push({ ...where, severity: 'error', rule, path, message });
  const containersPath = 'spec.template.spec.containers';
  const containers = asList(at(service, ['spec', 'template', 'spec', 'containers']));
  const inMemory = new Set(
    asList(at(service, ['spec', 'template', 'spec', 'volumes']))
      .map((v) => asObject(v) ?? {})
      .filter((v) => asString(asObject(v.emptyDir)?.medium) === 'Memory')
      .map((v) => asString(v.name) ?? ''),
  );
  if (containers.length !== 1) error(containersPath, 'cloudrun-containers', `has ${containers.length} containers; this service runs exactly one`);
  containers.forEach((value, i) => {
    const container = asObject(value) ?? {};
    const path = `${containersPath}[${i}]`;
    const ports = asList(container.ports);
    if (ports.length !== 1 || !['http1', 'h2c'].includes(asString(asObject(ports[0])?.name) ?? '')) {
      error(`${path}.ports`, 'cloudrun-port', 'must be one port named http1 (or h2c): Cloud Run sends requests to exactly one container port');
    }
    for (const field of ['readinessProbe', 'securityContext', 'envFrom']) {
      if (field in container) error(`${path}.${field}`, 'cloudrun-unsupported-field', `is not supported by Cloud Run; remove it`);
    }
    // Of the cluster's volumes, this service mounts only Cloud Run's in-memory ones (emptyDir, medium Memory):
    // https://cloud.google.com/run/docs/configuring/services/in-memory-volume-mounts
    asList(container.volumeMounts).forEach((mount, j) => {
      const name = asString(asObject(mount)?.name) ?? '';
      if (!inMemory.has(name)) error(`${path}.volumeMounts[${j}].name`, 'cloudrun-volume', `${name} is not an in-memory volume (emptyDir, medium Memory) of spec.template.spec.volumes; this service mounts no other kind`);
    });
    const env = asList(container.env);
    if (env.length > CLOUD_RUN_MAX_ENV_VARS) {
      error(`${path}.env`, 'cloudrun-env-limit', `has ${env.length} variables; Cloud Run sets "a maximum of ${CLOUD_RUN_MAX_ENV_VARS} environment variables per container"`);
    }
    const plain: { name: string; path: string }[] = [];
    asList(container.env).forEach((entry, j) => {
      const env = asObject(entry) ?? {};
      const name = asString(env.name) ?? '';
      const envPath = `${path}.env[${j}]`;
      if ((RESERVED_ENV as readonly string[]).includes(name)) error(`${envPath}.name`, 'cloudrun-reserved-env', `${name} is set by Cloud Run itself; remove it`);
      const ref = asObject(asObject(env.valueFrom)?.secretKeyRef);
      const bytes = Buffer.byteLength(asString(env.value) ?? '', 'utf8');
      if (bytes > CLOUD_RUN_MAX_ENV_VALUE_BYTES) {
        error(`${envPath}.value`, 'cloudrun-env-limit', `is ${bytes} bytes; for a Cloud Run environment variable's value "the maximum length is ${CLOUD_RUN_MAX_ENV_VALUE_BYTES} bytes"`);
      }
      if (ref === undefined) {
        plain.push({ name, path: `${envPath}.value` });
        return;
      }
      const secret = asString(ref.name) ?? '';
      const version = asString(ref.key) ?? '';
      if (!CLOUD_IDS.gcpSecret.pattern.test(secret)) error(`${envPath}.valueFrom.secretKeyRef.name`, 'cloudrun-secret-ref', `must be ${CLOUD_IDS.gcpSecret.help}`);
      if (!CLOUD_IDS.gcpSecretVersion.pattern.test(version)) error(`${envPath}.valueFrom.secretKeyRef.key`, 'cloudrun-secret-ref', `must be ${CLOUD_IDS.gcpSecretVersion.help}`);
      else if (version === 'latest' && (environment === undefined || environment === 'production')) {
        error(`${envPath}.valueFrom.secretKeyRef.key`, 'cloudrun-secret-version', `${name} reads version latest; production pins a version number, so a new version reaches instances only through a reviewed deploy`);
      }
    });
    findings.push(...plainSecretFindings(plain, where));
    const limits = asObject(asObject(container.resources)?.limits);
    const cpu = limits?.cpu;
    const memory = limits?.memory;
    if (!isObject(limits) || typeof cpu !== 'string' || typeof memory !== 'string' || !isCloudRunSize(cpu, memory)) {
      error(`${path}.resources.limits`, 'cloudrun-size', `must be a CPU and memory pair Cloud Run offers: ${CLOUD_RUN_SIZES_TABLE}`);
    }
  });
  return findings;
}
