import { isPinnedImage, parseImageReference } from '../../conventions/image';
import { plaintextSecret } from './credentials';
import { asList, asObject, isObject, quote } from '../json';
import { ContainerRef, PolicyReporter, PodTemplate, Resource, containersOf } from './objects';

/*
 * Per-container reliability and hygiene checks in the spirit of kube-score and
 * Polaris. They read one pod template at a time; the checks that relate
 * objects to each other live in relations.ts.
 */

const RESOURCE_FIELDS = [
  { group: 'requests', resource: 'cpu', example: '250m', why: 'the scheduler cannot place the pod by its real CPU need' },
  { group: 'requests', resource: 'memory', example: '512Mi', why: 'the scheduler cannot place the pod by its real memory need' },
  { group: 'limits', resource: 'cpu', example: '1', why: 'one busy pod can starve its neighbours of CPU' },
  { group: 'limits', resource: 'memory', example: '1Gi', why: 'one leaking pod can exhaust the node and get other pods OOM-killed' },
] as const;

/** Reports the per-container practices of a pod template. */
export function checkContainerPractices(template: PodTemplate, sink: PolicyReporter): void {
  const owner = template.owner;
  // Ephemeral containers may not set resources or probes; they are debugging tools.
  for (const c of containersOf(template, ['initContainers', 'containers'])) {
    checkResources(owner, c, sink);
    const securityContext = c.securityContext;
    if (securityContext.readOnlyRootFilesystem !== true) {
      sink.report(
        owner,
        'warning',
        'practice-readonly-rootfs',
        [...c.securityContextPath, 'readOnlyRootFilesystem'],
        `${c.label} can write to its root filesystem; set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it must write`,
      );
    }
  }
  if (template.longRunning) {
    for (const c of containersOf(template, ['containers'])) {
      for (const [probe, why] of [
        ['readinessProbe', 'Services send it traffic before it is ready'],
        ['livenessProbe', 'a hung process is never restarted'],
      ] as const) {
        if (isObject(c.container[probe])) continue;
        sink.report(owner, 'warning', 'practice-probes', [...c.path, probe], `${c.label} has no ${probe}, so ${why}; add a ${probe} (httpGet, tcpSocket, grpc or exec)`);
      }
    }
  }
  for (const c of containersOf(template)) {
    checkImage(owner, c, sink);
    checkEnv(owner, c, sink);
  }
}

function checkResources(owner: Resource, c: ContainerRef, sink: PolicyReporter): void {
  const resources = asObject(c.container.resources) ?? {};
  for (const field of RESOURCE_FIELDS) {
    const value = asObject(resources[field.group])?.[field.resource];
    if (value !== undefined && value !== null && value !== '') continue;
    const severity = field.group === 'limits' && field.resource === 'memory' ? 'error' : 'warning';
    const what = `${field.resource} ${field.group === 'limits' ? 'limit' : 'request'}`;
    sink.report(
      owner,
      severity,
      'practice-resources',
      [...c.path, 'resources', field.group, field.resource],
      `${c.label} sets no ${what}, so ${field.why}; set resources.${field.group}.${field.resource} (e.g. ${field.example})`,
    );
  }
}

function checkImage(owner: Resource, c: ContainerRef, sink: PolicyReporter): void {
  const image = c.container.image;
  if (typeof image !== 'string' || image === '') return;
  if (!isPinnedImage(image)) {
    const ref = parseImageReference(image);
    const wrong = ref.tag === 'latest' ? 'uses the :latest tag' : 'has no tag, so it means :latest';
    sink.report(
      owner,
      'error',
      'practice-image-pinned',
      [...c.path, 'image'],
      `${c.label} image ${quote(image)} ${wrong}, so each pod start may run different code; pin a version tag (${ref.repository}:<version>) or a digest (${ref.repository}@sha256:<digest>)`,
    );
    return;
  }
  if (c.container.imagePullPolicy === 'Always') {
    sink.report(
      owner,
      'info',
      'practice-pull-policy',
      [...c.path, 'imagePullPolicy'],
      `${c.label} re-pulls the pinned image ${quote(image)} on every start, which adds a registry dependency for nothing; set imagePullPolicy: IfNotPresent`,
    );
  }
}

function checkEnv(owner: Resource, c: ContainerRef, sink: PolicyReporter): void {
  asList(c.container.env).forEach((env, index) => {
    if (!isObject(env) || typeof env.name !== 'string' || typeof env.value !== 'string' || isObject(env.valueFrom)) return;
    const why = plaintextSecret(env.name, env.value);
    if (why === undefined) return;
    sink.report(
      owner,
      'error',
      'practice-secret-in-env',
      [...c.path, 'env', index, 'value'],
      `env var ${quote(env.name)} of ${c.label} holds a secret in plain text (${why}); put it in a Secret and use valueFrom.secretKeyRef instead of value`,
    );
  });
}

/** Reports ConfigMap entries that hold a secret in plain text. */
export function checkConfigMap(configMap: Resource, sink: PolicyReporter): void {
  const data = asObject(configMap.object.data) ?? {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string') continue;
    const why = plaintextSecret(key, value);
    if (why === undefined) continue;
    sink.report(
      configMap,
      'error',
      'practice-secret-in-env',
      ['data', key],
      `ConfigMap key ${quote(key)} holds a secret in plain text (${why}); ConfigMaps are readable by anyone who can read the namespace, so move it to a Secret and reference that instead`,
    );
  }
}
