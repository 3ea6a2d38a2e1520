import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import * as YAML from 'yaml';
import { Finding, formatFinding } from '../../src/checks/findings';
import { checkPolicy, findCredentials, isSecretLikeName } from '../../src/checks/policy';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'policy');

/** The documents of a fixture file, failing the test on a YAML error. */
function load(name: string): any[] {
  const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${name}: ${doc.errors[0].message}`);
  }
  return docs.map((d) => d.toJS());
}

type Tuple = [rule: string, object: string, path: string, severity: Finding['severity']];
/** An expected finding: the tuple, plus text its message must contain (the advice). */
type Expected = [...Tuple, advice: string];

const tuple = (f: Finding): Tuple => [f.rule, f.object, f.path, f.severity];

/** Asserts the findings of `object` exactly, and that each message carries its advice. */
function expectFindings(findings: readonly Finding[], object: string, expected: readonly Expected[]): void {
  const mine = findings.filter((f) => f.object === object);
  expect(mine.map(tuple)).toStrictEqual(expected.map(([rule, obj, p, severity]) => [rule, obj, p, severity]));
  expect(mine.map((f) => f.message)).toStrictEqual(expected.map(([, , , , advice]) => expect.stringContaining(advice)));
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

describe('a hardened Deployment, CronJob, Service, PDB, NetworkPolicy, HPA and ServiceAccount', () => {
  const objects = load('hardened.yaml');

  test('yield no findings', () => {
    expect(checkPolicy(objects).map(formatFinding)).toStrictEqual([]);
  });

  // GIVEN the hardened fixture WHEN one safeguard is removed THEN exactly that safeguard is reported.
  // This proves the empty result above comes from the checks passing, not from the checks not running.
  const deployment = (docs: any[]) => docs.find((o) => o.kind === 'Deployment');
  const agent = (docs: any[]) => deployment(docs).spec.template.spec.containers[0];
  test.each<[string, (docs: any[]) => void, Tuple[]]>([
    [
      'allowPrivilegeEscalation',
      (docs) => delete agent(docs).securityContext.allowPrivilegeEscalation,
      [['pss-allow-privilege-escalation', 'Deployment/agent', 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation', 'error']],
    ],
    [
      'runAsNonRoot',
      (docs) => delete deployment(docs).spec.template.spec.securityContext.runAsNonRoot,
      [['pss-run-as-non-root', 'Deployment/agent', 'spec.template.spec.securityContext.runAsNonRoot', 'error']],
    ],
    [
      'the memory limit',
      (docs) => delete agent(docs).resources.limits.memory,
      [['practice-resources', 'Deployment/agent', 'spec.template.spec.containers[0].resources.limits.memory', 'error']],
    ],
    [
      'the PodDisruptionBudget',
      (docs) => docs.splice(docs.findIndex((o) => o.kind === 'PodDisruptionBudget'), 1),
      [['practice-pdb', 'Deployment/agent', '', 'warning']],
    ],
    [
      'the default-deny NetworkPolicy',
      (docs) => docs.splice(docs.findIndex((o) => o.metadata.name === 'default-deny'), 1),
      [['practice-network-policy', 'CronJob/agent-cleanup', '', 'warning']],
    ],
    [
      'the ServiceAccount that disables the token',
      (docs) => docs.splice(docs.findIndex((o) => o.kind === 'ServiceAccount'), 1),
      [['practice-sa-token', 'CronJob/agent-cleanup', 'spec.jobTemplate.spec.template.spec.automountServiceAccountToken', 'warning']],
    ],
  ])('removing %s is reported', (_what, mutate, expected) => {
    const docs = clone(objects);
    mutate(docs);
    expect(checkPolicy(docs).map(tuple)).toStrictEqual(expected);
  });
});

describe('Pod Security Standards (pod-security.yaml)', () => {
  const findings = checkPolicy(load('pod-security.yaml'));
  const cases: Array<[string, Expected[]]> = [
    [
      'Deployment/privileged',
      [['pss-privileged', 'Deployment/privileged', 'spec.template.spec.containers[0].securityContext.privileged', 'error', 'remove privileged or set it to false']],
    ],
    [
      'Pod/host-network',
      [['pss-host-namespaces', 'Pod/host-network', 'spec.hostNetwork', 'error', 'remove hostNetwork or set it to false']],
    ],
    [
      'DaemonSet/host-path',
      [['pss-host-path-volumes', 'DaemonSet/host-path', 'spec.template.spec.volumes[1].hostPath', 'error', 'use an emptyDir, configMap, secret or persistentVolumeClaim instead']],
    ],
    [
      'Deployment/root-user',
      [['pss-run-as-user', 'Deployment/root-user', 'spec.template.spec.securityContext.runAsUser', 'error', 'set runAsUser to a non-zero UID']],
    ],
    [
      'StatefulSet/no-seccomp',
      [['pss-seccomp', 'StatefulSet/no-seccomp', 'spec.template.spec.securityContext.seccompProfile.type', 'error', 'set securityContext.seccompProfile.type: RuntimeDefault on the pod']],
    ],
    [
      'Deployment/sys-admin',
      [
        ['pss-capabilities', 'Deployment/sys-admin', 'spec.template.spec.containers[0].securityContext.capabilities.add[1]', 'error', 'SYS_ADMIN, which Pod Security baseline forbids; remove it from capabilities.add'],
        ['pss-capabilities', 'Deployment/sys-admin', 'spec.template.spec.containers[0].securityContext.capabilities.add[2]', 'error', 'CHOWN, which Pod Security restricted forbids; remove it from capabilities.add'],
      ],
    ],
    [
      'Deployment/no-drop-all',
      [['pss-capabilities', 'Deployment/no-drop-all', 'spec.template.spec.containers[0].securityContext.capabilities.drop', 'error', 'set capabilities.drop: [ALL]']],
    ],
    [
      'Deployment/escalation-unset',
      [['pss-allow-privilege-escalation', 'Deployment/escalation-unset', 'spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation', 'error', 'requires securityContext.allowPrivilegeEscalation: false']],
    ],
    [
      'Deployment/baseline-misc',
      [
        ['pss-apparmor', 'Deployment/baseline-misc', 'spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]', 'error', 'use runtime/default or localhost/<profile>'],
        ['pss-host-ports', 'Deployment/baseline-misc', 'spec.template.spec.containers[0].ports[0].hostPort', 'error', 'remove hostPort'],
        ['pss-proc-mount', 'Deployment/baseline-misc', 'spec.template.spec.containers[0].securityContext.procMount', 'error', 'set it to Default'],
        ['pss-run-as-non-root', 'Deployment/baseline-misc', 'spec.template.spec.containers[0].securityContext.runAsNonRoot', 'error', 'set it to true'],
        ['pss-selinux', 'Deployment/baseline-misc', 'spec.template.spec.containers[0].securityContext.seLinuxOptions.role', 'error', 'remove seLinuxOptions.role'],
        ['pss-selinux', 'Deployment/baseline-misc', 'spec.template.spec.containers[0].securityContext.seLinuxOptions.user', 'error', 'remove seLinuxOptions.user'],
        ['pss-seccomp', 'Deployment/baseline-misc', 'spec.template.spec.containers[0].securityContext.seccompProfile.type', 'error', 'set it to RuntimeDefault'],
        ['pss-selinux', 'Deployment/baseline-misc', 'spec.template.spec.securityContext.seLinuxOptions.type', 'error', 'use one of container_t, container_init_t, container_kvm_t'],
        ['pss-sysctls', 'Deployment/baseline-misc', 'spec.template.spec.securityContext.sysctls[1].name', 'error', 'sysctl "net.core.somaxconn" is not in the Pod Security baseline safe set; remove it'],
        ['pss-volume-types', 'Deployment/baseline-misc', 'spec.template.spec.volumes[0].nfs', 'error', 'use one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret'],
      ],
    ],
  ];

  test.each(cases)('%s', (object, expected) => {
    expectFindings(findings, object, expected);
  });

  test('nothing else is reported: each workload has only its own mistake', () => {
    expect([...new Set(findings.map((f) => f.object))].sort()).toStrictEqual(cases.map(([o]) => o).sort());
  });

  test('a CronJob with a privileged container is reported inside spec.jobTemplate.spec.template', () => {
    expect(checkPolicy(load('cronjob-privileged.yaml')).map(tuple)).toStrictEqual([
      ['pss-privileged', 'CronJob/backup', 'spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged', 'error'],
    ]);
  });
});

/** A Pod that passes every check, for the focused tests to break one field at a time. */
function hardenedPod(name = 'app', namespace = 'unit'): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      serviceAccountName: 'app',
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [hardenedContainer('app')],
    },
  };
}

function hardenedContainer(name: string): any {
  return {
    name,
    image: 'registry.example.com/app:1.0.0',
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
    livenessProbe: { httpGet: { path: '/health', port: 8080 } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
  };
}

const DENY_ALL = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'deny', namespace: 'unit' },
  spec: { podSelector: {} },
};

/** The findings for `pod` beside the deny-all policy, as tuples. */
const checkPod = (pod: any, ...others: any[]): Tuple[] => checkPolicy([pod, DENY_ALL, ...others]).map(tuple);

describe('Pod Security Standards: how pod and container levels combine', () => {
  test('GIVEN the hardened pod THEN nothing is reported', () => {
    expect(checkPod(hardenedPod())).toStrictEqual([]);
  });

  test('runAsNonRoot and seccomp may be set on every container instead of the pod', () => {
    const pod = hardenedPod();
    pod.spec.securityContext = { runAsUser: 10001 };
    pod.spec.containers[0].securityContext.runAsNonRoot = true;
    pod.spec.containers[0].securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'app.json' };
    expect(checkPod(pod)).toStrictEqual([]);
  });

  test('a container without its own runAsNonRoot, under a pod without one, is reported once at pod level, naming it', () => {
    const pod = hardenedPod();
    delete pod.spec.securityContext.runAsNonRoot;
    pod.spec.containers.push(hardenedContainer('sidecar'));
    pod.spec.containers[1].securityContext.runAsNonRoot = true;
    const findings = checkPolicy([pod, DENY_ALL]);
    expect(findings.map(tuple)).toStrictEqual([['pss-run-as-non-root', 'Pod/app', 'spec.securityContext.runAsNonRoot', 'error']]);
    expect(findings[0].message).toContain('neither the pod nor container "app" set runAsNonRoot: true');
  });

  test('a pod-level runAsNonRoot: false is reported even when every container sets true', () => {
    const pod = hardenedPod();
    pod.spec.securityContext.runAsNonRoot = false;
    pod.spec.containers[0].securityContext.runAsNonRoot = true;
    expect(checkPod(pod)).toStrictEqual([['pss-run-as-non-root', 'Pod/app', 'spec.securityContext.runAsNonRoot', 'error']]);
  });

  test('a pod-level seccomp Unconfined is reported once; a container that overrides it with RuntimeDefault is fine', () => {
    const pod = hardenedPod();
    pod.spec.securityContext.seccompProfile = { type: 'Unconfined' };
    pod.spec.containers.push(hardenedContainer('sidecar'));
    pod.spec.containers[1].securityContext.seccompProfile = { type: 'RuntimeDefault' };
    expect(checkPod(pod)).toStrictEqual([['pss-seccomp', 'Pod/app', 'spec.securityContext.seccompProfile.type', 'error']]);
  });

  test('init and ephemeral containers are held to the same rules', () => {
    const pod = hardenedPod();
    pod.spec.initContainers = [{ ...hardenedContainer('init'), securityContext: { privileged: true } }];
    pod.spec.ephemeralContainers = [{ name: 'debug', image: 'busybox:1.36.1', securityContext: { runAsUser: 0 } }];
    expect(checkPod(pod).filter(([rule]) => rule.startsWith('pss-'))).toStrictEqual([
      ['pss-allow-privilege-escalation', 'Pod/app', 'spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation', 'error'],
      ['pss-capabilities', 'Pod/app', 'spec.ephemeralContainers[0].securityContext.capabilities.drop', 'error'],
      ['pss-run-as-user', 'Pod/app', 'spec.ephemeralContainers[0].securityContext.runAsUser', 'error'],
      ['pss-allow-privilege-escalation', 'Pod/app', 'spec.initContainers[0].securityContext.allowPrivilegeEscalation', 'error'],
      ['pss-capabilities', 'Pod/app', 'spec.initContainers[0].securityContext.capabilities.drop', 'error'],
      ['pss-privileged', 'Pod/app', 'spec.initContainers[0].securityContext.privileged', 'error'],
    ]);
  });

  test('the allowed values pass: hostPort 0, safe sysctls, core and CSI volumes, NET_BIND_SERVICE, allowed SELinux types', () => {
    const pod = hardenedPod();
    pod.spec.hostNetwork = false;
    pod.spec.containers[0].ports = [{ containerPort: 80, hostPort: 0 }];
    pod.spec.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE'];
    pod.spec.containers[0].securityContext.procMount = 'Default';
    pod.spec.containers[0].securityContext.seLinuxOptions = { type: 'container_init_t', level: 's0:c123,c456' };
    pod.spec.securityContext.sysctls = [
      { name: 'net.ipv4.ip_local_reserved_ports', value: '8080' },
      { name: 'net.ipv4.ping_group_range', value: '0 2147483647' },
    ];
    pod.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'localhost/k8s-app' };
    pod.spec.volumes = [
      { name: 'a', configMap: { name: 'x' } },
      { name: 'b', csi: { driver: 'secrets-store.csi.k8s.io' } },
      { name: 'c', downwardAPI: { items: [] } },
      { name: 'd', emptyDir: {} },
      { name: 'e', ephemeral: { volumeClaimTemplate: { spec: {} } } },
      { name: 'f', persistentVolumeClaim: { claimName: 'x' } },
      { name: 'g', projected: { sources: [] } },
      { name: 'h', secret: { secretName: 'x' } },
    ];
    expect(checkPod(pod)).toStrictEqual([]);
  });

  test('hostPID and hostIPC are reported like hostNetwork', () => {
    const pod = hardenedPod();
    pod.spec.hostPID = true;
    pod.spec.hostIPC = true;
    expect(checkPod(pod)).toStrictEqual([
      ['pss-host-namespaces', 'Pod/app', 'spec.hostIPC', 'error'],
      ['pss-host-namespaces', 'Pod/app', 'spec.hostPID', 'error'],
    ]);
  });

  test('a Windows pod is exempt from the Linux-only restricted controls, not from runAsNonRoot or baseline', () => {
    const pod = hardenedPod();
    pod.spec.os = { name: 'windows' };
    pod.spec.securityContext = { runAsNonRoot: true };
    pod.spec.containers[0].securityContext = {
      readOnlyRootFilesystem: true,
      capabilities: { add: ['CHOWN', 'SYS_ADMIN'] },
      windowsOptions: { hostProcess: true },
    };
    expect(checkPod(pod)).toStrictEqual([
      ['pss-capabilities', 'Pod/app', 'spec.containers[0].securityContext.capabilities.add[1]', 'error'],
      ['pss-host-process', 'Pod/app', 'spec.containers[0].securityContext.windowsOptions.hostProcess', 'error'],
    ]);
  });

  test('a volume type outside the restricted list is reported at its source field', () => {
    const pod = hardenedPod();
    pod.spec.volumes = [{ name: 'repo', gitRepo: { repository: 'https://example.com/r.git' } }];
    const findings = checkPolicy([pod, DENY_ALL]);
    expect(findings.map(tuple)).toStrictEqual([['pss-volume-types', 'Pod/app', 'spec.volumes[0].gitRepo', 'error']]);
    expect(findings[0].message).toContain('volume "repo" is of type gitRepo');
  });
});

describe('container practices (practices.yaml)', () => {
  const findings = checkPolicy(load('practices.yaml'));
  const cases: Array<[string, Expected[]]> = [
    [
      'Deployment/latest-image',
      [
        ['practice-image-pinned', 'Deployment/latest-image', 'spec.template.spec.containers[0].image', 'error', 'uses the :latest tag, so each pod start may run different code; pin a version tag (nginxinc/nginx-unprivileged:<version>)'],
        ['practice-image-pinned', 'Deployment/latest-image', 'spec.template.spec.initContainers[0].image', 'error', 'has no tag, so it means :latest'],
      ],
    ],
    [
      'Deployment/always-pull',
      [['practice-pull-policy', 'Deployment/always-pull', 'spec.template.spec.containers[0].imagePullPolicy', 'info', 'set imagePullPolicy: IfNotPresent']],
    ],
    [
      'Deployment/no-probes',
      [
        ['practice-probes', 'Deployment/no-probes', 'spec.template.spec.containers[0].livenessProbe', 'warning', 'add a livenessProbe'],
        ['practice-probes', 'Deployment/no-probes', 'spec.template.spec.containers[0].readinessProbe', 'warning', 'add a readinessProbe'],
      ],
    ],
    [
      'Deployment/no-limits',
      [
        ['practice-resources', 'Deployment/no-limits', 'spec.template.spec.containers[0].resources.limits.cpu', 'warning', 'set resources.limits.cpu'],
        ['practice-resources', 'Deployment/no-limits', 'spec.template.spec.containers[0].resources.limits.memory', 'error', 'set resources.limits.memory'],
      ],
    ],
    [
      'Deployment/writable',
      [['practice-readonly-rootfs', 'Deployment/writable', 'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem', 'warning', 'set securityContext.readOnlyRootFilesystem: true']],
    ],
    [
      'Deployment/default-sa',
      [
        ['practice-sa-token', 'Deployment/default-sa', 'spec.template.spec.automountServiceAccountToken', 'warning', 'set automountServiceAccountToken: false'],
        ['practice-sa-token', 'Deployment/default-sa', 'spec.template.spec.serviceAccountName', 'warning', 'create a ServiceAccount for this workload and set serviceAccountName'],
      ],
    ],
  ];

  test.each(cases)('%s', (object, expected) => {
    expectFindings(findings, object, expected);
  });

  test('nothing else is reported', () => {
    expect([...new Set(findings.map((f) => f.object))].sort()).toStrictEqual(cases.map(([o]) => o).sort());
  });

  test('an unpinned image with imagePullPolicy: Always is reported as unpinned only', () => {
    expect(findings.filter((f) => f.object === 'Deployment/latest-image' && f.rule === 'practice-pull-policy')).toStrictEqual([]);
  });

  test('a missing request or limit of each kind is reported, and only the memory limit is an error', () => {
    const pod = hardenedPod();
    delete pod.spec.containers[0].resources;
    expect(checkPod(pod)).toStrictEqual([
      ['practice-resources', 'Pod/app', 'spec.containers[0].resources.limits.cpu', 'warning'],
      ['practice-resources', 'Pod/app', 'spec.containers[0].resources.limits.memory', 'error'],
      ['practice-resources', 'Pod/app', 'spec.containers[0].resources.requests.cpu', 'warning'],
      ['practice-resources', 'Pod/app', 'spec.containers[0].resources.requests.memory', 'warning'],
    ]);
  });

  test('Jobs, CronJobs and run-to-completion Pods need no probes', () => {
    const pod = hardenedPod();
    pod.spec.restartPolicy = 'Never';
    delete pod.spec.containers[0].readinessProbe;
    delete pod.spec.containers[0].livenessProbe;
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once', namespace: 'unit' },
      spec: { template: { metadata: { labels: { app: 'once' } }, spec: { ...clone(pod.spec), restartPolicy: 'OnFailure' } } },
    };
    expect(checkPod(pod, job)).toStrictEqual([]);
  });

  test.each([
    ['registry.example.com:5000/app', false],
    ['registry.example.com:5000/app:2.0', true],
    ['app:latest', false],
    ['app:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', true],
    ['app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', true],
    ['app@sha256:short', false],
  ])('image %s is pinned: %s', (image, pinned) => {
    const pod = hardenedPod();
    pod.spec.containers[0].image = image;
    expect(checkPod(pod).map(([rule]) => rule)).toStrictEqual(pinned ? [] : ['practice-image-pinned']);
  });
});

describe('ServiceAccount tokens', () => {
  const account = (automount?: boolean): any => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'app', namespace: 'unit' },
    ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
  });

  test('GIVEN the pod leaves it unset WHEN its ServiceAccount sets false THEN no token is mounted and nothing is reported', () => {
    const pod = hardenedPod();
    delete pod.spec.automountServiceAccountToken;
    expect(checkPod(pod, account(false))).toStrictEqual([]);
  });

  test('GIVEN neither sets false THEN the token is reported, naming the ServiceAccount', () => {
    const pod = hardenedPod();
    delete pod.spec.automountServiceAccountToken;
    const findings = checkPolicy([pod, DENY_ALL, account()]);
    expect(findings.map(tuple)).toStrictEqual([['practice-sa-token', 'Pod/app', 'spec.automountServiceAccountToken', 'warning']]);
    expect(findings[0].message).toContain('neither the pod nor ServiceAccount "app" sets automountServiceAccountToken: false');
  });

  test('an explicit true with a dedicated ServiceAccount is a deliberate opt-in and is not reported', () => {
    const pod = hardenedPod();
    pod.spec.automountServiceAccountToken = true;
    expect(checkPod(pod, account(false))).toStrictEqual([]);
  });

  test('an explicit true on the default ServiceAccount is reported, as is the default ServiceAccount itself', () => {
    const pod = hardenedPod();
    pod.spec.automountServiceAccountToken = true;
    pod.spec.serviceAccountName = 'default';
    expect(checkPod(pod)).toStrictEqual([
      ['practice-sa-token', 'Pod/app', 'spec.automountServiceAccountToken', 'warning'],
      ['practice-sa-token', 'Pod/app', 'spec.serviceAccountName', 'warning'],
    ]);
  });
});

describe('relations between objects (relations.yaml)', () => {
  const findings = checkPolicy(load('relations.yaml'));
  const cases: Array<[string, Expected[]]> = [
    [
      'Deployment/api',
      [
        ['practice-network-policy', 'Deployment/api', '', 'warning', 'add a NetworkPolicy whose podSelector matches its pod labels'],
        ['practice-sa-token', 'Deployment/api', 'spec.template.spec.automountServiceAccountToken', 'warning', 'set automountServiceAccountToken: false'],
      ],
    ],
    [
      'Deployment/web',
      [
        ['practice-network-policy', 'Deployment/web', '', 'warning', 'a default-deny policy with podSelector: {} covers the whole namespace'],
        ['practice-pdb', 'Deployment/web', '', 'warning', 'runs 3 replicas but no PodDisruptionBudget in namespace "store" selects its pods'],
      ],
    ],
    [
      'HorizontalPodAutoscaler/search',
      [['practice-hpa-target', 'HorizontalPodAutoscaler/search', 'spec.scaleTargetRef', 'error', 'point scaleTargetRef at the workload']],
    ],
    [
      'PodDisruptionBudget/api',
      [['practice-pdb', 'PodDisruptionBudget/api', 'spec.maxUnavailable', 'warning', 'set maxUnavailable: 1']],
    ],
    [
      'PodDisruptionBudget/worker',
      [['practice-pdb', 'PodDisruptionBudget/worker', 'spec.minAvailable', 'warning', 'is not below the 2 pods it selects (StatefulSet/worker)']],
    ],
    [
      'Service/checkout',
      [['practice-service-selector', 'Service/checkout', 'spec.selector', 'error', 'make spec.selector equal to the target workload\'s spec.template.metadata.labels']],
    ],
    [
      'StatefulSet/worker',
      [
        ['practice-network-policy', 'StatefulSet/worker', '', 'warning', 'add a NetworkPolicy'],
        ['practice-hpa-target', 'StatefulSet/worker', 'spec.replicas', 'warning', 'remove spec.replicas'],
      ],
    ],
  ];

  test.each(cases)('%s', (object, expected) => {
    expectFindings(findings, object, expected);
  });

  test('nothing else is reported: Service/web finds its pods and the ExternalName Service has no selector', () => {
    expect([...new Set(findings.map((f) => f.object))].sort()).toStrictEqual(cases.map(([o]) => o).sort());
  });
});

describe('PodDisruptionBudgets, NetworkPolicies and namespaces', () => {
  const deployment = (name: string, replicas?: number, namespace = 'unit'): any => {
    const pod = hardenedPod(name, namespace);
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace },
      spec: {
        ...(replicas === undefined ? {} : { replicas }),
        selector: { matchLabels: { app: name } },
        template: { metadata: pod.metadata, spec: pod.spec },
      },
    };
  };
  const hpa = (target: string, minReplicas: number): any => ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: target, namespace: 'unit' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, minReplicas, maxReplicas: 10 },
  });
  const pdb = (spec: any): any => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'pdb', namespace: 'unit' }, spec });

  test('a Deployment scaled by an HPA with minReplicas > 1 needs a PodDisruptionBudget', () => {
    const findings = checkPolicy([deployment('api'), hpa('api', 3), DENY_ALL]);
    expect(findings.map(tuple)).toStrictEqual([['practice-pdb', 'Deployment/api', '', 'warning']]);
    expect(findings[0].message).toContain('is scaled by HorizontalPodAutoscaler/api to at least 3 replicas');
  });

  test('a single replica needs no PodDisruptionBudget; minAvailable below the replica count is fine', () => {
    expect(checkPolicy([deployment('one'), deployment('three', 3), pdb({ minAvailable: 2, selector: { matchLabels: { app: 'three' } } }), DENY_ALL]).map(tuple)).toStrictEqual([]);
  });

  test('minAvailable: 100% and maxUnavailable: 0% allow no disruption', () => {
    expect(checkPolicy([pdb({ minAvailable: '100%', selector: {} })]).map(tuple)).toStrictEqual([
      ['practice-pdb', 'PodDisruptionBudget/pdb', 'spec.minAvailable', 'warning'],
    ]);
    expect(checkPolicy([pdb({ maxUnavailable: '0%', selector: {} })]).map(tuple)).toStrictEqual([
      ['practice-pdb', 'PodDisruptionBudget/pdb', 'spec.maxUnavailable', 'warning'],
    ]);
  });

  test('a NetworkPolicy that selects other pods does not cover a workload; matchExpressions are honoured', () => {
    const policy = (podSelector: any) => ({ ...DENY_ALL, spec: { podSelector } });
    const objects = [deployment('api'), deployment('web')];
    expect(checkPolicy([...objects, policy({ matchLabels: { app: 'web' } })]).map(tuple)).toStrictEqual([
      ['practice-network-policy', 'Deployment/api', '', 'warning'],
    ]);
    expect(checkPolicy([...objects, policy({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] })]).map(tuple)).toStrictEqual([
      ['practice-network-policy', 'Deployment/web', '', 'warning'],
    ]);
  });

  test('selector values match labels as text: a Service selecting version 1 selects pods labelled "1", and the other way round', () => {
    const web = deployment('web');
    web.spec.template.metadata.labels.version = '1';
    const service = (selector: any) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'unit' }, spec: { selector } });
    expect(checkPolicy([web, service({ app: 'web', version: 1 }), DENY_ALL]).map(tuple)).toStrictEqual([]);

    web.spec.template.metadata.labels.version = 1;
    expect(checkPolicy([web, service({ app: 'web', version: '1' }), DENY_ALL]).map(tuple)).toStrictEqual([]);
  });

  test('a selector the API server would reject covers no pod: an unknown operator, or matchLabels that is not a map', () => {
    const covered = (selector: any) => !checkPolicy([deployment('api', 2), pdb({ maxUnavailable: 1, selector }), DENY_ALL]).some((f) => f.rule === 'practice-pdb');
    expect(covered({ matchLabels: { app: 'api' } })).toBe(true);
    expect(covered({ matchLabels: { app: 'api' }, matchExpressions: [{ key: 'app', operator: 'Has' }] })).toBe(false);
    expect(covered({ matchLabels: ['app=api'] })).toBe(false);
    expect(covered({ matchExpressions: 'app in (api)' })).toBe(false);
  });

  test('objects relate only within a namespace, and no namespace means "default"', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { selector: { app: 'api' } } };
    const elsewhere = deployment('api', undefined, 'other');
    const findings = checkPolicy([service, elsewhere, { ...DENY_ALL, metadata: { name: 'deny', namespace: 'other' } }]);
    expect(findings.map(tuple)).toStrictEqual([['practice-service-selector', 'Service/api', 'spec.selector', 'error']]);
    expect(findings[0].message).toContain('matches no pod template in namespace "default"');

    const here = deployment('api');
    delete here.metadata.namespace;
    const denyDefault = { ...DENY_ALL, metadata: { name: 'deny' } };
    expect(checkPolicy([service, here, denyDefault]).map(tuple)).toStrictEqual([]);
  });
});

describe('secrets in plain text (secrets.yaml)', () => {
  const findings = checkPolicy(load('secrets.yaml'));

  test('a password in an env value, a password in a URL and an AWS key id are reported on the env entry', () => {
    expectFindings(findings, 'Deployment/agent', [
      ['practice-secret-in-env', 'Deployment/agent', 'spec.template.spec.containers[0].env[0].value', 'error', 'env var "DB_PASSWORD" of container "agent" holds a secret in plain text (its name marks it as a secret'],
      ['practice-secret-in-env', 'Deployment/agent', 'spec.template.spec.containers[0].env[3].value', 'error', 'looks like a password in URL'],
      ['practice-secret-in-env', 'Deployment/agent', 'spec.template.spec.containers[0].env[4].value', 'error', 'looks like an AWS access key id'],
    ]);
    for (const f of findings) expect(f.message).toContain('Secret');
  });

  test('an API key and a URL password in a ConfigMap are reported on the data key', () => {
    expectFindings(findings, 'ConfigMap/agent-config', [
      ['practice-secret-in-env', 'ConfigMap/agent-config', 'data.OPENAI_API_KEY', 'error', 'it looks like an OpenAI-style API key'],
      ['practice-secret-in-env', 'ConfigMap/agent-config', 'data["app.properties"]', 'error', 'it looks like a password in URL'],
    ]);
  });

  test('messages never repeat the secret', () => {
    const text = findings.map((f) => f.message).join('\n');
    for (const secret of ['hunter2', 's3cr3t-redis', 'AKIAIOSFODNN7EXAMPLE', 'Xk3v9QzT2mB7', 'Tr0ub4dor3']) expect(text).not.toContain(secret);
  });

  test('nothing else is reported', () => {
    expect([...new Set(findings.map((f) => f.object))].sort()).toStrictEqual(['ConfigMap/agent-config', 'Deployment/agent']);
  });
});

describe('findCredentials', () => {
  test.each([
    ['sk-proj-Xk3v9QzT2mB7nLw4Rj8Hc1Yp6Fd0Gs5A', ['OpenAI-style API key']],
    ['Authorization: Bearer sk-ant-api03-abcdefghij0123456789', ['OpenAI-style API key']],
    ['AKIAIOSFODNN7EXAMPLE', ['AWS access key id']],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----', ['PEM private key']],
    ['-----BEGIN PRIVATE KEY-----', ['PEM private key']],
    ['-----BEGIN OPENSSH PRIVATE KEY-----', ['PEM private key']],
    ['ghp_0123456789abcdefghijABCDEFGHIJ0123456789', ['GitHub token']],
    ['xoxb-1234567890-abcdefghij', ['Slack token']],
    ['AIzaSyA-0123456789abcdefghijklmnopqrstu', ['Google API key']],
    ['postgresql://agent:hunter2@postgres:5432/agent', ['password in URL']],
    ['redis://:s3cret@redis-service:6379/0', ['password in URL']],
    ['amqp://u:p@mq:5672/ and sk-0123456789abcdefghijKLMN and AKIAIOSFODNN7EXAMPLE', ['OpenAI-style API key', 'AWS access key id', 'password in URL']],
  ])('%j contains %j', (text, kinds) => {
    expect(findCredentials(text)).toStrictEqual(kinds);
  });

  test.each([
    'postgresql://u:$(POSTGRES_PASSWORD)@h:5432/db',
    'redis://:$(REDIS_PASSWORD)@redis-service:6379',
    'postgresql://u:${DB_PASSWORD}@h:5432/db',
    'redis://redis-service:6379',
    'https://user@example.com/path?next=a:b@c',
    'https://example.com/search?q=a:b@c',
    'http://u:***@proxy:3128',
    'task-queue-processing-worker-pool-01',
    'sk-learn-notebook-environment-image',
    'disk-0123456789abcdefghijklmnop',
    '-----BEGIN CERTIFICATE-----',
    'MAX_TOKENS',
    'ghcr.io/example/agent:1.4.2',
    '',
  ])('%j contains no credential', (text) => {
    expect(findCredentials(text)).toStrictEqual([]);
  });
});

describe('isSecretLikeName', () => {
  test.each(['DB_PASSWORD', 'postgres-passwd', 'CLIENT_SECRET', 'HF_TOKEN', 'OPENAI_API_KEY', 'apiKey', 'TLS_PRIVATE_KEY', 'gcpCredentials', 'Password'])(
    '%s looks like a secret',
    (name) => expect(isSecretLikeName(name)).toBe(true),
  );
  test.each(['MAX_TOKENS', 'TOKENIZER', 'REDIS_URL', 'PWD', 'API_KEY_FILE', 'SECRET_NAME', 'KEY_ID', 'PASSWORD_PATH', 'OAUTH_TOKEN_URL', ''])(
    '%s does not',
    (name) => expect(isSecretLikeName(name)).toBe(false),
  );
});

describe('robustness and order', () => {
  test('malformed input is skipped, never thrown on', () => {
    const junk: unknown[] = [
      null,
      undefined,
      42,
      'Deployment',
      [],
      {},
      { kind: 7 },
      { kind: 'Deployment' },
      { kind: 'Deployment', spec: { template: 'x' } },
      { kind: 'Deployment', spec: { template: { spec: { containers: [null, 1, 'x', { securityContext: 'x', env: 'y', ports: [null, { hostPort: 'x' }], image: 5 }] } } } },
      { kind: 'Pod', metadata: 'x', spec: { securityContext: { seccompProfile: null, sysctls: [null, { name: 3 }] }, volumes: [null, {}], containers: {} } },
      { kind: 'Service', spec: { selector: 'app=x' } },
      { kind: 'HorizontalPodAutoscaler', spec: { scaleTargetRef: { kind: 'Deployment' } } },
      { kind: 'PodDisruptionBudget', spec: { minAvailable: {}, selector: { matchExpressions: 'x' } } },
      { kind: 'NetworkPolicy', spec: { podSelector: { matchLabels: [] } } },
      { kind: 'ConfigMap', data: ['x'] },
      { kind: 'List', items: [null, { kind: 'Pod' }] },
    ];
    expect(() => checkPolicy(junk)).not.toThrow();
    expect(() => checkPolicy(undefined as unknown as unknown[])).not.toThrow();
    expect(checkPolicy(null as unknown as unknown[])).toStrictEqual([]);
  });

  test('property: any JSON value at any field of the hardened fixture is checked without throwing, deterministically', () => {
    const base = load('hardened.yaml');
    const paths: Array<Array<string | number>> = [];
    const walk = (value: unknown, at: Array<string | number>) => {
      if (at.length > 0) paths.push(at);
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...at, i]));
      else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
    };
    walk(base, []);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue(), (at, replacement) => {
        const docs: any = clone(base);
        let parent = docs;
        for (const key of at.slice(0, -1)) parent = parent[key];
        parent[at[at.length - 1]] = replacement;
        const findings = checkPolicy(docs);
        // Each object's findings are contiguous, and the input order does not matter.
        const objects = findings.map((f) => f.object).filter((o, i, all) => i === 0 || all[i - 1] !== o);
        expect(new Set(objects).size).toBe(objects.length);
        expect(checkPolicy([...docs].reverse())).toStrictEqual(findings);
      }),
      { numRuns: 300 },
    );
    fc.assert(fc.property(fc.array(fc.anything()), (xs) => Array.isArray(checkPolicy(xs))), { numRuns: 200 });
  });

  test('findings are sorted by object, then path with numeric indexes, whatever the input order', () => {
    const pod = hardenedPod();
    pod.spec.containers = Array.from({ length: 11 }, (_, i) => ({ ...hardenedContainer(`c${i}`), image: `app:latest` }));
    const other = hardenedPod('aaa');
    other.spec.hostPID = true;
    const forward = checkPolicy([pod, other, DENY_ALL]);
    expect(forward.map((f) => `${f.object} ${f.path}`)).toStrictEqual([
      'Pod/aaa spec.hostPID',
      ...Array.from({ length: 11 }, (_, i) => `Pod/app spec.containers[${i}].image`),
    ]);
    expect(checkPolicy([DENY_ALL, other, pod])).toStrictEqual(forward);
  });

  test('the file option is copied onto every finding, and left out otherwise', () => {
    const pod = hardenedPod();
    pod.spec.hostPID = true;
    expect(checkPolicy([pod, DENY_ALL], { file: 'manifests/app.yaml' })).toStrictEqual([
      expect.objectContaining({ file: 'manifests/app.yaml', object: 'Pod/app', path: 'spec.hostPID' }),
    ]);
    expect(Object.keys(checkPolicy([pod, DENY_ALL])[0]).sort()).toStrictEqual(['message', 'object', 'path', 'rule', 'severity']);
    expect(formatFinding(checkPolicy([pod, DENY_ALL], { file: 'app.yaml' })[0])).toMatch(
      /^app\.yaml: Pod\/app: spec\.hostPID: error: hostPID: true shares the node's process ID namespace .*; remove hostPID or set it to false \[pss-host-namespaces\]$/,
    );
  });

  test('the items of a kind: List are checked like top-level objects', () => {
    const pod = hardenedPod();
    pod.spec.hostIPC = true;
    expect(checkPolicy([{ apiVersion: 'v1', kind: 'List', items: [pod, DENY_ALL] }]).map(tuple)).toStrictEqual([
      ['pss-host-namespaces', 'Pod/app', 'spec.hostIPC', 'error'],
    ]);
  });
});
