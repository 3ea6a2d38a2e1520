import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { runChecks } from '../../src/checks';
import { validateObjects } from '../../src/checks/k8s-validate';
import { KUBE_VERSIONS, KUBERNETES_VERSION } from '../../src/conventions/kube-version';
import { runMain, tempDir } from '../helpers/cli';

const NEWEST = KUBE_VERSIONS[KUBE_VERSIONS.length - 1];

/**
 * A Service with `spec.trafficDistribution`, which Kubernetes added in 1.30
 * (beta, on by default) and made GA in 1.33:
 * https://kubernetes.io/docs/concepts/services-networking/service/#traffic-distribution
 */
const SERVICE = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8000 }], trafficDistribution: 'PreferClose' },
};

const errorsOf = <F extends { severity: string }>(findings: readonly F[]) => findings.filter((f) => f.severity === 'error');

describe('the Kubernetes version the checks validate against', () => {
  test('1.28 is the default and the oldest; the newest is at least 1.34', () => {
    expect(KUBERNETES_VERSION).toBe('1.28');
    expect(KUBE_VERSIONS[0]).toBe('1.28');
    expect(Number(NEWEST.split('.')[1])).toBeGreaterThanOrEqual(34);
  });

  test('1.28 refuses spec.trafficDistribution, naming the version; the newest accepts it', () => {
    expect(validateObjects([SERVICE])).toStrictEqual(validateObjects([SERVICE], { kubeVersion: '1.28' }));
    const old = errorsOf(validateObjects([SERVICE], { kubeVersion: '1.28' }));
    expect(old).toHaveLength(1);
    expect(old[0]).toMatchObject({ rule: 'unknown-field', path: 'spec.trafficDistribution' });
    expect(old[0].message).toMatch(/^unknown field "trafficDistribution": ServiceSpec has no such field in Kubernetes 1\.28/);
    expect(validateObjects([SERVICE], { kubeVersion: NEWEST })).toStrictEqual([]);
  });

  test('runChecks passes the version on', () => {
    expect(errorsOf(runChecks([SERVICE], { environment: 'development' }))).toHaveLength(1);
    expect(runChecks([SERVICE], { environment: 'development', kubeVersion: NEWEST })).toStrictEqual([]);
  });

  test('a kind the newest version serves and 1.28 does not is an error for 1.28 only', () => {
    // resource.k8s.io/v1 (Dynamic Resource Allocation) went GA in 1.34:
    // https://kubernetes.io/docs/concepts/scheduling-eviction/dynamic-resource-allocation/
    const deviceClass = { apiVersion: 'resource.k8s.io/v1', kind: 'DeviceClass', metadata: { name: 'gpu' }, spec: {} };
    const old = validateObjects([deviceClass], { kubeVersion: '1.28' });
    expect(old).toHaveLength(1);
    expect(old[0]).toMatchObject({ severity: 'error', rule: 'unknown-kind' });
    expect(old[0].message).toMatch(/^Kubernetes 1\.28 does not serve DeviceClass in resource\.k8s\.io\/v1/);
    expect(validateObjects([deviceClass], { kubeVersion: NEWEST })).toStrictEqual([]);
  });
});

describe('--kube-version', () => {
  function serviceFile(): string {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'service.yaml'), YAML.stringify(SERVICE));
    return dir;
  }

  test('validate --kube-version 1.28 refuses a Service with trafficDistribution, the newest accepts it', async () => {
    const dir = serviceFile();
    const old = await runMain(['validate', '--env', 'development', '--kube-version', '1.28', 'service.yaml'], dir);
    expect(old.status).toBe(1);
    expect(old.stdout).toContain('spec.trafficDistribution: error: unknown field "trafficDistribution"');
    const newest = await runMain(['validate', '--env', 'development', '--kube-version', NEWEST, 'service.yaml'], dir);
    expect([newest.status, newest.stdout]).toStrictEqual([0, '']);
  });

  test('an unknown version is a usage error naming the supported ones', async () => {
    const run = await runMain(['validate', '--kube-version', '1.99', 'service.yaml'], serviceFile());
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`--kube-version must be one of ${KUBE_VERSIONS.join(', ')}, got "1.99"`);
  });

  test.each([
    [[], 'v1.28'],
    [['--kube-version', NEWEST], `v${NEWEST}`],
    [['--kube-version', `v${NEWEST}`], `v${NEWEST}`],
  ])('synth %j pins the Pod Security labels to %s', async (flags, label) => {
    const dir = tempDir();
    const run = await runMain(['synth', '--example', '--out', 'out', ...flags], dir);
    expect(run.status).toBe(0);
    const [file] = fs.readdirSync(path.join(dir, 'out')).filter((f) => f.endsWith('.k8s.yaml'));
    const namespace = YAML.parseAllDocuments(fs.readFileSync(path.join(dir, 'out', file), 'utf8'))
      .map((d) => d.toJS())
      .find((o) => o?.kind === 'Namespace');
    for (const mode of ['enforce', 'audit', 'warn']) {
      expect(namespace.metadata.labels[`pod-security.kubernetes.io/${mode}-version`]).toBe(label);
    }
  });
});
