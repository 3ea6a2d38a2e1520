import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfigFile } from '../../src/config/load';
import { StackConfig } from '../../src/config/schema';
import { renderStack } from '../../src/targets/kubernetes/render';
import { flowViolations, runtimeSettingViolations, singleWriterViolations, writablePathViolations } from './kubernetes-model';
import { isFlowAllowed, selectorMatches } from './network-policy';
import { factsOf } from './image-facts';

/*
 * Every example, deployed in a model of the platform: the flows it needs pass
 * its NetworkPolicies and the forbidden ones do not, every path a process
 * writes is writable by its user, the settings reach the process, and no
 * single-writer claim gets two writers. Each property is then shown catching
 * a mutated object, so none of them holds trivially.
 */

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const ENV = { OPENAI_API_KEY: 'dummy-openai', ANTHROPIC_API_KEY: 'dummy-anthropic', ENCRYPTION_KEY: 'dummy-encryption' };

interface Rendered {
  readonly config: StackConfig;
  readonly objects: any[];
}

const rendered: [string, Rendered][] = fs
  .readdirSync(EXAMPLES)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .flatMap((file) => loadConfigFile(path.join(EXAMPLES, file), { env: ENV }).map((config) => [`${file} (${config.name})`, { config, objects: renderStack(config).objects as any[] }] as [string, Rendered]));

const example = (name: string): Rendered => {
  const found = rendered.find(([label]) => label.startsWith(name));
  if (!found) throw new Error(`no example ${name}`);
  // A deep copy, so a mutation never leaks into another test.
  return { config: found[1].config, objects: JSON.parse(JSON.stringify(found[1].objects)) };
};

const named = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

describe('every example on Kubernetes', () => {
  test('covers every example file', () => {
    expect(new Set(rendered.map(([label]) => label.split(' ')[0])).size).toBe(fs.readdirSync(EXAMPLES).filter((f) => /\.ya?ml$/.test(f)).length);
  });

  test.each(rendered)('%s: each flow it needs is allowed, each forbidden flow denied', (_label, { config, objects }) => {
    expect(flowViolations(config, objects)).toStrictEqual([]);
  });

  test.each(rendered)('%s: each path a process writes is writable by its user', (_label, { objects }) => {
    expect(writablePathViolations(objects)).toStrictEqual([]);
  });

  test.each(rendered)('%s: port, workers and timeout reach gunicorn, shutdown covers the longest request, and every binary called exists', (_label, { config, objects }) => {
    expect(runtimeSettingViolations(config, objects)).toStrictEqual([]);
  });

  test.each(rendered)('%s: each single-writer claim has one writer', (_label, { objects }) => {
    expect(singleWriterViolations(objects)).toStrictEqual([]);
  });
});

describe('each property catches a mutated object', () => {
  test('flows: without allow-acme-http01-solver, the solver is unreachable (cert-manager #2334)', () => {
    const { config, objects } = example('saplings.yaml');
    const mutated = objects.filter((o) => o.metadata.name !== 'allow-acme-http01-solver');
    expect(flowViolations(config, mutated)).toStrictEqual(['ingress controller or Gateway proxy → cert-manager HTTP-01 solver (8089): denied, but the stack needs it']);
  });

  test('flows: allow-dns admitting only kube-dns pods breaks node-local DNS', () => {
    const { config, objects } = example('saplings.yaml');
    const allowDns = named(objects, 'NetworkPolicy', 'allow-dns');
    allowDns.spec.egress = allowDns.spec.egress.filter((rule: any) => !rule.to?.[0]?.ipBlock);
    // The app's own egress policy repeats the resolvers; drop them there too, as before issue 21.
    const egress = named(objects, 'NetworkPolicy', 'saplings-netpol-egress');
    egress.spec.egress = egress.spec.egress.filter((rule: any) => !(rule.to[0].ipBlock?.cidr ?? '').startsWith('169.254.'));
    expect(flowViolations(config, objects)).toStrictEqual([
      'app → NodeLocal DNSCache (UDP 53): denied, but the stack needs it',
      'app → the metadata server as a resolver (UDP 53): denied, but the stack needs it',
    ]);
  });

  test('flows: a resolver rule without ports opens the metadata API', () => {
    const { config, objects } = example('saplings.yaml');
    const allowDns = named(objects, 'NetworkPolicy', 'allow-dns');
    for (const rule of allowDns.spec.egress) if (rule.to?.[0]?.ipBlock) delete rule.ports;
    expect(flowViolations(config, objects)).toStrictEqual(['app → the metadata API (TCP 80): allowed, but must be denied']);
  });

  test('flows: the external database is denied without its rule, and another namespace gets in with an open ingress rule', () => {
    const { config, objects } = example('production.yaml');
    const egress = named(objects, 'NetworkPolicy', 'saplings-netpol-egress');
    egress.spec.egress = egress.spec.egress.filter((rule: any) => rule.to[0].ipBlock?.cidr !== '10.20.0.0/24');
    const ingress = named(objects, 'NetworkPolicy', 'saplings-netpol-ingress');
    ingress.spec.ingress.push({ from: [{ namespaceSelector: {} }] });
    expect(flowViolations(config, objects)).toStrictEqual([
      'another namespace → app: allowed, but must be denied',
      'app → the external database: denied, but the stack needs it',
    ]);
  });

  test('writable paths: without the multiprocess emptyDir, prometheus_client writes the read-only root', () => {
    const { objects } = example('saplings.yaml');
    const container = named(objects, 'Deployment', 'saplings-app').spec.template.spec.containers[0];
    container.volumeMounts = container.volumeMounts.filter((m: any) => m.mountPath !== '/app/prometheus-multiproc');
    expect(writablePathViolations(objects)).toStrictEqual(['saplings-app/saplings: /app/prometheus-multiproc is on the read-only root filesystem']);
  });

  test('writable paths: staging memory under /app without its mount, and a claim without fsGroup', () => {
    const { objects } = example('staging.yaml');
    const pod = named(objects, 'Deployment', 'saplings-staging-app').spec.template.spec;
    pod.containers[0].volumeMounts = pod.containers[0].volumeMounts.filter((m: any) => m.mountPath !== '/app/staging_data');
    delete pod.securityContext.fsGroup;
    expect(writablePathViolations(objects)).toStrictEqual([
      'saplings-staging-app/saplings: /app/data is on claim volume data-volume, root-owned without fsGroup',
      'saplings-staging-app/saplings: /app/staging_data is on the read-only root filesystem',
    ]);
  });

  test('writable paths: a writable root still leaves an image directory owned by another user unwritable', () => {
    const { objects } = example('qdrant.yaml');
    const pod = named(objects, 'Deployment', 'qdrant').spec.template.spec;
    pod.containers[0].securityContext.readOnlyRootFilesystem = false;
    pod.containers[0].securityContext.runAsUser = 1234;
    pod.containers[0].securityContext.runAsGroup = 1234;
    pod.containers[0].volumeMounts = pod.containers[0].volumeMounts.filter((m: any) => m.mountPath !== '/qdrant/snapshots');
    expect(writablePathViolations(objects)).toStrictEqual(['qdrant/qdrant: /qdrant/snapshots is 1000:1000 755 in qdrant/qdrant:v1.13.4-unprivileged, not writable by 1234:1234']);
  });

  test('runtime settings: the image CMD ignores app.port and MAX_WORKERS', () => {
    const { config, objects } = example('staging.yaml');
    const pod = named(objects, 'Deployment', 'saplings-staging-app').spec.template.spec;
    delete pod.containers[0].args;
    pod.containers[0].ports[0].containerPort = 9000;
    named(objects, 'ConfigMap', 'saplings-staging-config').data.MAX_WORKERS = '8';
    expect(runtimeSettingViolations(config, objects)).toStrictEqual([
      'gunicorn binds 0.0.0.0:8000, but the container port, probes and Service target 9000',
      'gunicorn runs 4 workers, but MAX_WORKERS is 8',
      "gunicorn's graceful timeout 30 s cuts requests of up to 120 s",
    ]);
  });

  test('runtime settings: the default 30 s grace period and no preStop cut a 120 s request', () => {
    const { config, objects } = example('saplings.yaml');
    const pod = named(objects, 'Deployment', 'saplings-app').spec.template.spec;
    delete pod.terminationGracePeriodSeconds;
    delete pod.containers[0].lifecycle;
    expect(runtimeSettingViolations(config, objects)).toStrictEqual([
      'the app has no preStop drain: endpoints still route to it as it stops',
      'terminationGracePeriodSeconds 30 is shorter than the drain (0 s) and the longest request (120 s)',
    ]);
  });

  test('runtime settings: a probe calling a binary the image lacks', () => {
    const { config, objects } = example('saplings.yaml');
    named(objects, 'Deployment', 'redis').spec.template.spec.containers[0].readinessProbe.exec.command = ['valkey-cli', 'ping'];
    expect(runtimeSettingViolations(config, objects)).toStrictEqual(['redis/redis: calls valkey-cli, which redis:7-alpine lacks']);
  });

  test('single writer: development.yaml under RollingUpdate with maxSurge 1, or with 3 replicas', () => {
    const { objects } = example('development.yaml');
    const deployment = named(objects, 'Deployment', 'saplings-dev-app');
    deployment.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    deployment.spec.replicas = 3;
    expect(singleWriterViolations(objects)).toStrictEqual([
      'saplings-dev-data-pvc (ReadWriteOnce) is mounted by up to 3 pods of saplings-dev-app',
      'saplings-dev-data-pvc (ReadWriteOnce) gets a second writer while saplings-dev-app rolls out (RollingUpdate)',
    ]);
  });

  test('single writer: an HPA on a Deployment with one RWO claim', () => {
    const { objects } = example('development.yaml');
    objects.push({ kind: 'HorizontalPodAutoscaler', metadata: { name: 'x' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'saplings-dev-app' }, minReplicas: 1, maxReplicas: 4 } });
    expect(singleWriterViolations(objects)).toStrictEqual(['saplings-dev-data-pvc (ReadWriteOnce) is mounted by up to 4 pods of saplings-dev-app']);
  });
});

describe('the NetworkPolicy model', () => {
  const policy = (spec: any, namespace = 'a') => ({ kind: 'NetworkPolicy', metadata: { name: 'p', namespace }, spec });
  const pod = (namespace: string, labels: Record<string, string>, ip: string) => ({ namespace, labels, ip });

  test('a pod no policy selects accepts anything; one selected for ingress only still sends anything', () => {
    const state = { policies: [policy({ podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] })] };
    expect(isFlowAllowed(state, { from: pod('a', { app: 'web' }, '10.0.0.1'), to: pod('a', { app: 'web' }, '10.0.0.2'), port: 80 })).toBe(true);
    expect(isFlowAllowed(state, { from: pod('a', { app: 'db' }, '10.0.0.1'), to: pod('a', { app: 'web' }, '10.0.0.2'), port: 80 })).toBe(true);
    expect(isFlowAllowed(state, { from: pod('a', { app: 'web' }, '10.0.0.1'), to: pod('a', { app: 'db' }, '10.0.0.2'), port: 80 })).toBe(false);
  });

  test('policyTypes absent: Ingress, and Egress only with an egress section', () => {
    const state = { policies: [policy({ podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] })] };
    const from = pod('a', {}, '10.0.0.1');
    expect(isFlowAllowed(state, { from, to: { ip: '1.1.1.1' }, port: 53, protocol: 'UDP' })).toBe(true);
    expect(isFlowAllowed(state, { from, to: { ip: '1.1.1.1' }, port: 53 })).toBe(false);
    expect(isFlowAllowed(state, { from: pod('b', {}, '10.0.0.3'), to: from, port: 80 })).toBe(false);
  });

  test('ipBlock with except; namespaceSelector and podSelector together; endPort ranges; named ports', () => {
    const state = {
      policies: [
        policy({
          podSelector: {},
          policyTypes: ['Egress', 'Ingress'],
          egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 1000, endPort: 2000 }] }],
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'x' } }, podSelector: { matchExpressions: [{ key: 'role', operator: 'In', values: ['proxy'] }] } }], ports: [{ port: 'http' }] }],
        }),
      ],
      namespaceLabels: { edge: { team: 'x' } },
    };
    const self = { ...pod('a', {}, '10.1.0.1'), namedPorts: { http: 8000 } };
    expect(isFlowAllowed(state, { from: self, to: { ip: '8.8.8.8' }, port: 1500 })).toBe(true);
    expect(isFlowAllowed(state, { from: self, to: { ip: '8.8.8.8' }, port: 2001 })).toBe(false);
    expect(isFlowAllowed(state, { from: self, to: { ip: '10.2.3.4' }, port: 1500 })).toBe(false);
    expect(isFlowAllowed(state, { from: pod('edge', { role: 'proxy' }, '10.3.0.1'), to: self, port: 8000 })).toBe(true);
    expect(isFlowAllowed(state, { from: pod('edge', { role: 'other' }, '10.3.0.1'), to: self, port: 8000 })).toBe(false);
    expect(isFlowAllowed(state, { from: pod('other', { role: 'proxy' }, '10.3.0.1'), to: self, port: 8000 })).toBe(false);
    expect(isFlowAllowed(state, { from: pod('edge', { role: 'proxy' }, '10.3.0.1'), to: self, port: 8001 })).toBe(false);
  });

  test('selectors: NotIn, Exists and DoesNotExist', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, { a: '2' })).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'Exists' }] }, {})).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, {})).toBe(true);
  });

  test('image facts are found by repository, whatever the registry and tag', () => {
    expect(factsOf('registry.example.com/saplings:1.0.0').user).toStrictEqual({ uid: 999, gid: 999 });
    expect(factsOf('redis:7-alpine').volumes).toStrictEqual(['/data']);
    expect(() => factsOf('nginx:1.27')).toThrow('no image facts for nginx:1.27');
  });
});
