import { configProblems } from '../helpers/config-problems';

const BASE = 'environment: production\nimage: saplings:1.0.0\n';
const problems = (text: string) => configProblems(BASE + text);
const LABEL_KEY =
  'must be a label key: an optional DNS subdomain prefix and "/" (example.com/), then at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit';

describe('the Helm-values keys refuse bad values at their position, naming what is allowed', () => {
  test('metadata.labels and annotations: label syntax, reserved prefixes and the labels the tool sets', () => {
    expect(problems('metadata:\n  labels: { "team/": x, app: y, "kubernetes.io/zone": z, ok: "bad value!" }\n  annotations: { "k8s.io/x": y }\n')).toStrictEqual([
      `saplings.yaml:4:13: metadata.labels["team/"]: invalid key: ${LABEL_KEY}, got "team/"`,
      'saplings.yaml:4:25: metadata.labels.app: invalid key: is a label the tool sets itself (app, name on the Namespace, grafana_dashboard, and app.kubernetes.io/name, instance, component, part-of, managed-by, version); choose another key, got "app"',
      'saplings.yaml:4:33: metadata.labels["kubernetes.io/zone"]: invalid key: uses the prefix kubernetes.io/, which Kubernetes reserves for its core components; use a prefix of your own domain, got "kubernetes.io/zone"',
      'saplings.yaml:4:62: metadata.labels.ok: must be a label value: empty, or at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit, got "bad value!"',
      'saplings.yaml:5:18: metadata.annotations["k8s.io/x"]: invalid key: uses the prefix k8s.io/, which Kubernetes reserves for its core components; use a prefix of your own domain, got "k8s.io/x"',
    ]);
  });

  test('app.tolerations: the shape the scheduler takes', () => {
    expect(problems('app:\n  tolerations:\n    - { operator: Exists, value: x }\n    - { value: y }\n    - { key: a, tolerationSeconds: 5, effect: NoSchedule }\n')).toStrictEqual([
      'saplings.yaml:5:34: app.tolerations[0].value: must be empty with operator Exists; remove it or use operator: Equal, got "x"',
      'saplings.yaml:6:7: app.tolerations[1].key: is required with operator Equal; use operator: Exists to tolerate every taint, got nothing',
      'saplings.yaml:7:36: app.tolerations[2].tolerationSeconds: applies only to effect: NoExecute, got 5',
    ]);
  });

  test('app.nodeSelector, affinity, imagePullPolicy and priorityClassName', () => {
    const found = problems('app:\n  nodeSelector: { "bad key!": x }\n  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } }, extra: 1 }\n  imagePullPolicy: Sometimes\n  priorityClassName: High\n');
    expect(found).toEqual(
      expect.arrayContaining([
        `saplings.yaml:4:19: app.nodeSelector["bad key!"]: invalid key: ${LABEL_KEY}, got "bad key!"`,
        'saplings.yaml:5:100: app.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: expected array to have >=1 items, got []',
        'saplings.yaml:5:108: app.affinity.extra: unknown key; allowed here: nodeAffinity, podAffinity, podAntiAffinity',
      ]),
    );
    expect(found.find((p) => p.includes('app.imagePullPolicy'))).toMatch(/^saplings\.yaml:6:20: app\.imagePullPolicy: .*Always.*IfNotPresent.*Never/);
    expect(found.find((p) => p.includes('app.priorityClassName'))).toMatch(/^saplings\.yaml:7:22: app\.priorityClassName: must be a DNS-1123 subdomain/);
  });

  test('app.extraEnv: valueFrom only, a downward API field, and never a plain value, which is not shown', () => {
    const found = problems('app:\n  extraEnv:\n    - { name: X, value: hunter2 }\n    - { name: Y, valueFrom: { fieldRef: { fieldPath: spec.containers } } }\n    - { name: Z, valueFrom: { secretKeyRef: { name: s, key: k }, fieldRef: { fieldPath: metadata.name } } }\n    - { name: W }\n');
    expect(found).toStrictEqual([
      "saplings.yaml:5:18: app.extraEnv[0].value: plain values go in app.config (a ConfigMap entry); app.extraEnv takes only valueFrom: secretKeyRef, configMapKeyRef, fieldRef or resourceFieldRef",
      "saplings.yaml:6:54: app.extraEnv[1].valueFrom.fieldRef.fieldPath: must be a downward API field: metadata.name, metadata.namespace, metadata.uid, metadata.labels['KEY'], metadata.annotations['KEY'], spec.nodeName, spec.serviceAccountName, status.hostIP, status.podIP (and their plural forms), got \"spec.containers\"",
      'saplings.yaml:7:29: app.extraEnv[2].valueFrom: must be exactly one of secretKeyRef {name, key}, configMapKeyRef {name, key}, fieldRef {fieldPath} or resourceFieldRef {resource}, got a mapping of 2 keys (not shown)',
      'saplings.yaml:8:7: app.extraEnv[3].valueFrom: is required: one of secretKeyRef {name, key}, configMapKeyRef {name, key}, fieldRef {fieldPath} or resourceFieldRef {resource}, got nothing',
    ]);
    expect(found.join('\n')).not.toContain('hunter2');
  });

  test('app.extraEnv: no name the tool sets, app.config has or the Secret holds, and each once', () => {
    const field = '{ fieldRef: { fieldPath: metadata.name } }';
    expect(problems(`app:\n  extraEnv:\n    - { name: B, valueFrom: ${field} }\n    - { name: B, valueFrom: ${field} }\n`)).toStrictEqual([
      'saplings.yaml:6:15: app.extraEnv[1].name: B is set by an earlier entry of app.extraEnv; keep one, got "B"',
    ]);
    expect(problems(`app:\n  config: { A: "1" }\n  extraEnv:\n    - { name: LOG_LEVEL, valueFrom: ${field} }\n    - { name: A, valueFrom: ${field} }\n    - { name: OPENAI_API_KEY, valueFrom: ${field} }\n`)).toStrictEqual([
      'saplings.yaml:6:15: app.extraEnv[0].name: is set by saplings-k8s itself; remove it and use app.logLevel instead, got "LOG_LEVEL"',
      'saplings.yaml:7:15: app.extraEnv[1].name: is set in app.config too; keep one of the two, got "A"',
      'saplings.yaml:8:15: app.extraEnv[2].name: is a key of the app Secret (secrets.keys), whose value the app already receives; remove it here, got "OPENAI_API_KEY"',
    ]);
  });

  test('app.extraVolumes and extraVolumeMounts: restricted sources, unique names, mounts of a listed volume at an absolute path', () => {
    expect(problems('app:\n  extraVolumes:\n    - { name: a, hostPath: { path: /etc } }\n  extraVolumeMounts:\n    - { name: b, mountPath: relative }\n')).toStrictEqual([
      'saplings.yaml:5:7: app.extraVolumes[0]: must be {name, and one of configMap, secret, emptyDir, persistentVolumeClaim or csi} (sources allowed under Pod Security "restricted"), got {"name":"a","hostPath":{"path":"/etc"}}',
      'saplings.yaml:7:29: app.extraVolumeMounts[0].mountPath: must be an absolute path without ":", got "relative"',
    ]);
    expect(problems('app:\n  extraVolumes:\n    - { name: b, emptyDir: {} }\n    - { name: b, emptyDir: {} }\n  extraVolumeMounts:\n    - { name: c, mountPath: /x }\n')).toStrictEqual([
      'saplings.yaml:6:15: app.extraVolumes[1].name: b is the name of an earlier volume; give each volume a name of its own, got "b"',
      'saplings.yaml:8:15: app.extraVolumeMounts[0].name: names no volume of app.extraVolumes (b); add the volume there first, got "c"',
    ]);
  });

  test('serviceAccount: an existing account needs its name, and is not annotated here', () => {
    expect(problems('serviceAccount:\n  create: false\n  annotations: { a: b }\n')).toStrictEqual([
      'saplings.yaml:4:3: serviceAccount.name: is required with create: false: the name of the existing ServiceAccount the pods run as, got nothing',
      'saplings.yaml:5:16: serviceAccount.annotations: applies only to a ServiceAccount the stack creates (create: true); annotate your existing account where it is defined, got {"a":"b"}',
    ]);
  });

  test('images.registry: a registry host, not a URL', () => {
    expect(problems('images:\n  registry: "https://registry.example.com"\n')).toStrictEqual([
      'saplings.yaml:4:13: images.registry: must be a registry host with an optional port and path, such as registry.example.com or registry.example.com:5000/mirror, got "https://registry.example.com"',
    ]);
  });

  test('metadata.labels with a cloudrun section: Cloud Run label syntax', () => {
    expect(problems('metadata:\n  labels: { "example.com/team": search, Team: x, ok: Upper }\ncloudrun:\n  region: us-central1\n')).toStrictEqual([
      'saplings.yaml:4:13: metadata.labels["example.com/team"]: is written as a Cloud Run label (with a cloudrun section), whose keys are at most 63 lowercase letters, digits, "-" and "_", starting with a letter (no "/" or "."); rename it',
      'saplings.yaml:4:41: metadata.labels.Team: is written as a Cloud Run label (with a cloudrun section), whose keys are at most 63 lowercase letters, digits, "-" and "_", starting with a letter (no "/" or "."); rename it',
      'saplings.yaml:4:54: metadata.labels.ok: is written as a Cloud Run label (with a cloudrun section), whose values are at most 63 lowercase letters, digits, "-" and "_"; change the value, got "Upper"',
    ]);
  });

  test('metadata.labels with an ecs section: one value per tag key, 50 tags in all', () => {
    expect(problems('metadata:\n  labels: { Environment: x, team: y }\necs:\n  tags: { team: z }\n')).toStrictEqual([
      'saplings.yaml:4:26: metadata.labels.Environment: is an ECS tag already (ecs.tags or Environment and Application), and a resource holds one value per tag key; keep one, got "x"',
      'saplings.yaml:4:35: metadata.labels.team: is an ECS tag already (ecs.tags or Environment and Application), and a resource holds one value per tag key; keep one, got "y"',
    ]);
    const tags = (n: number, prefix: string) => `{ ${Array.from({ length: n }, (_, i) => `${prefix}${i}: v`).join(', ')} }`;
    expect(problems(`metadata:\n  labels: ${tags(2, 'l')}\necs:\n  tags: ${tags(47, 't')}\n`)).toStrictEqual([
      'saplings.yaml:4:11: metadata.labels: with ecs.tags and Environment and Application makes 51 ECS tags, but a resource holds at most 50; drop some, got {"l0":"v","l1":"v"}',
    ]);
  });
});
