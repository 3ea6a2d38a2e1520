import { z } from 'zod';
import { reservedEnvProblem } from '../conventions/reserved-env';
import { appObjectNames } from '../conventions/names';
import { ENVIRONMENTS, LOG_LEVELS, SEED } from '../conventions/defaults';
import { compareQuantities, isQuantity, parseQuantity } from '../conventions/quantity';
import { NODE_DNS_RESOLVER_CIDRS, PRIVATE_IPV4_RANGES } from '../conventions/cidr';
import { hostnameError } from '../conventions/field-rules';
import { VECTOR_DB_IMAGES } from '../conventions/backing-services';
import { MAX_STACK_NAME_LENGTH } from './stack-name';
import { MAX_ANNOTATION_BYTES, cloudRunLabelProblem, labelKeyProblem, labelValueProblem, userLabelKeyProblem } from '../conventions/labels';
import { PROMETHEUS_DURATION_HELP, isPositivePrometheusDuration, isPrometheusDuration } from '../conventions/prometheus-duration';
import { nginxSizeProblem } from '../targets/compose/defaults';
import { ENV_VAR_NAME, envVarName, imageReference, port } from './fields';
import type { TargetConfig, TargetConfigIssue } from '../targets/target-config';
import type { StackConfig, StackConfigInput } from './types';
import { cloudRunConfig } from '../targets/cloudrun/config';
import { ECS_MAX_TAGS, ECS_OWN_TAG_KEYS, ecsConfig } from '../targets/ecs/config';
import { composeConfig } from '../targets/compose/config';
import { registeredTargetConfigs } from '../targets';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;


/** Namespaces that belong to Kubernetes itself. */
const SYSTEM_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

// Kept apart from zod (and re-exported here) so that saplings-k8s/config declares it without loading zod's types.
export { MAX_STACK_NAME_LENGTH };

const dnsLabel = (max = 63) =>
  z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    .regex(DNS_LABEL, {
      error: 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit',
    });

const dnsSubdomain = z
  .string()
  .max(253)
  .regex(DNS_SUBDOMAIN, { error: 'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and "."' });

const quantity = (what: string) =>
  z
    .union([z.string(), z.number()])
    .transform((v) => String(v))
    .refine((v) => isQuantity(v) && (parseQuantity(v) ?? 0) > 0, {
      error: `must be a positive Kubernetes quantity (${what})`,
    });

const cpu = quantity('CPU, e.g. 500m or 2');
const memory = quantity('memory, e.g. 512Mi or 4Gi');
const size = quantity('storage size, e.g. 20Gi');

// Quantities are transformed (numbers become strings), so their defaults are
// `prefault`s: input-side defaults, which the JSON Schema can show.
const percent = z.int().min(1).max(100);

const resourcesSchema = (defaults: {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}) =>
  z
    .strictObject({
      requests: z
        .strictObject({
          cpu: cpu.prefault(defaults.requests.cpu).describe('CPU request, a Kubernetes quantity (500m, 2); at most the limit'),
          memory: memory.prefault(defaults.requests.memory).describe('Memory request, a Kubernetes quantity (512Mi, 4Gi); at most the limit'),
        })
        .prefault({}),
      limits: z
        .strictObject({
          cpu: cpu.prefault(defaults.limits.cpu).describe('CPU limit'),
          memory: memory.prefault(defaults.limits.memory).describe('Memory limit'),
        })
        .prefault({}),
    })
    .prefault({})
    .superRefine((r, ctx) => {
      for (const resource of ['cpu', 'memory'] as const) {
        if ((compareQuantities(r.requests[resource], r.limits[resource]) ?? 0) > 0) {
          ctx.addIssue({
            code: 'custom',
            path: ['requests', resource],
            input: r.requests[resource],
            message: `must be ≤ limits.${resource} (${r.limits[resource]}), got ${r.requests[resource]}`,
          });
        }
      }
    });

const storageSchema = (defaults: { size: string; storageClassName: string }) =>
  z
    .strictObject({
      size: size.prefault(defaults.size).describe('Requested capacity of the claim (ReadWriteOnce)'),
      storageClassName: dnsSubdomain.default(defaults.storageClassName).describe('StorageClass of the claim'),
    })
    .prefault({});

const labelKey = z.string().superRefine((key, ctx) => {
  const problem = labelKeyProblem(key);
  if (problem) ctx.addIssue({ code: 'custom', input: key, message: problem });
});
const labelValue = z.string().superRefine((value, ctx) => {
  const problem = labelValueProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', input: value, message: problem });
});

/** Labels a user adds to our objects: label syntax, and none of the keys Kubernetes reserves or the tool sets. */
const userLabels = (_on: string) =>
  z
    .record(
      z.string().superRefine((key, ctx) => {
        const problem = userLabelKeyProblem(key, 'label');
        if (problem) ctx.addIssue({ code: 'custom', input: key, message: problem });
      }),
      labelValue,
    )
    .default({});

/** Annotations a user adds: label-key syntax, any string value, at most 256 KiB in all (the API server's limit). */
const userAnnotations = z
  .record(
    z.string().superRefine((key, ctx) => {
      const problem = userLabelKeyProblem(key, 'annotation');
      if (problem) ctx.addIssue({ code: 'custom', input: key, message: problem });
    }),
    z.string(),
  )
  // https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/#syntax-and-character-set
  .refine((a) => configDataBytes(a) <= MAX_ANNOTATION_BYTES, { error: `must hold at most ${MAX_ANNOTATION_BYTES} bytes of keys and values (the API server's limit for one object's annotations)` })
  .default({});

// The pod spec's scheduling fields, shaped as the Kubernetes API takes them:
// https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#scheduling
const tolerationSchema = z
  .strictObject({
    key: labelKey.optional().describe('Taint key; empty with operator Exists tolerates every taint'),
    operator: z.enum(['Equal', 'Exists']).default('Equal').describe('Equal: key and value match; Exists: the key is present'),
    value: labelValue.optional().describe('Taint value, with operator Equal'),
    effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional().describe('Taint effect; empty: every effect'),
    tolerationSeconds: z.int().min(0).optional().describe('NoExecute only: how long the pod stays bound after the taint appears'),
  })
  .superRefine((t, ctx) => {
    // "If the operator is Exists, the value should be empty": https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
    if (t.operator === 'Exists' && t.value !== undefined) ctx.addIssue({ code: 'custom', path: ['value'], input: t.value, message: 'must be empty with operator Exists; remove it or use operator: Equal' });
    if (t.operator === 'Equal' && t.key === undefined) ctx.addIssue({ code: 'custom', path: ['key'], input: undefined, message: 'is required with operator Equal; use operator: Exists to tolerate every taint' });
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      ctx.addIssue({ code: 'custom', path: ['tolerationSeconds'], input: t.tolerationSeconds, message: 'applies only to effect: NoExecute' });
    }
  });

const labelSelectorRequirement = z.strictObject({
  key: labelKey,
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(labelValue).optional(),
});
const labelSelectorSchema = z.strictObject({
  matchLabels: z.record(labelKey, labelValue).optional(),
  matchExpressions: z.array(labelSelectorRequirement).optional(),
});
const nodeSelectorTerm = z.strictObject({
  matchExpressions: z.array(z.strictObject({ key: labelKey, operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']), values: z.array(z.string()).optional() })).optional(),
  matchFields: z.array(z.strictObject({ key: z.string().min(1), operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']), values: z.array(z.string()).optional() })).optional(),
});
const podAffinityTerm = z.strictObject({
  topologyKey: labelKey,
  labelSelector: labelSelectorSchema.optional(),
  namespaces: z.array(dnsLabel()).optional(),
  namespaceSelector: labelSelectorSchema.optional(),
  matchLabelKeys: z.array(labelKey).optional(),
  mismatchLabelKeys: z.array(labelKey).optional(),
});
const weight = z.int().min(1).max(100);
const podAffinitySchema = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: z.array(podAffinityTerm).optional(),
  preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({ weight, podAffinityTerm })).optional(),
});
const affinitySchema = z.strictObject({
  nodeAffinity: z
    .strictObject({
      requiredDuringSchedulingIgnoredDuringExecution: z.strictObject({ nodeSelectorTerms: z.array(nodeSelectorTerm).min(1) }).optional(),
      preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({ weight, preference: nodeSelectorTerm })).optional(),
    })
    .optional(),
  podAffinity: podAffinitySchema.optional(),
  podAntiAffinity: podAffinitySchema.optional(),
});
const topologySpreadSchema = z.strictObject({
  maxSkew: z.int().min(1),
  topologyKey: labelKey,
  whenUnsatisfiable: z.enum(['DoNotSchedule', 'ScheduleAnyway']),
  labelSelector: labelSelectorSchema.optional().describe("Pods counted; defaults to the app's pods"),
  minDomains: z.int().min(1).optional(),
  matchLabelKeys: z.array(labelKey).optional(),
  nodeAffinityPolicy: z.enum(['Honor', 'Ignore']).optional(),
  nodeTaintsPolicy: z.enum(['Honor', 'Ignore']).optional(),
});

// An env var read from elsewhere; a plain value belongs in app.config. The sources the API takes:
// https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#environment-variables
const keyRef = (nameKey: string) => z.strictObject({ name: dnsSubdomain.describe(nameKey), key: z.string().regex(/^[-._a-zA-Z0-9]+$/, { error: 'must be a ConfigMap or Secret key: letters, digits, "-", "_" and "."' }), optional: z.boolean().optional() });
const extraEnvSchema = z
  .strictObject({
    name: envVarName,
    value: z.union([z.string(), z.number(), z.boolean()]).optional().describe('Refused: a plain value goes in app.config'),
    valueFrom: z
      .union(
        [
          z.strictObject({ secretKeyRef: keyRef('Secret name') }),
          z.strictObject({ configMapKeyRef: keyRef('ConfigMap name') }),
          // https://kubernetes.io/docs/concepts/workloads/pods/downward-api/#downwardapi-fieldRef
          z.strictObject({ fieldRef: z.strictObject({ fieldPath: z.string().regex(/^(metadata\.(name|namespace|uid|labels\['[^']+'\]|annotations\['[^']+'\])|spec\.(nodeName|serviceAccountName)|status\.(hostIP|hostIPs|podIP|podIPs))$/, { error: 'must be a downward API field: metadata.name, metadata.namespace, metadata.uid, metadata.labels[\'KEY\'], metadata.annotations[\'KEY\'], spec.nodeName, spec.serviceAccountName, status.hostIP, status.podIP (and their plural forms)' }), apiVersion: z.literal('v1').optional() }) }),
          z.strictObject({ resourceFieldRef: z.strictObject({ resource: z.enum(['limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage']), divisor: z.string().optional(), containerName: z.string().optional() }) }),
        ],
        { error: 'must be exactly one of secretKeyRef {name, key}, configMapKeyRef {name, key}, fieldRef {fieldPath} or resourceFieldRef {resource}' },
      )
      .optional(),
  })
  .superRefine((e, ctx) => {
    // params.about: a value here may be a secret pasted by mistake, so the message never quotes it.
    if (e.value !== undefined) ctx.addIssue({ code: 'custom', path: ['value'], input: undefined, params: { about: 'key' }, message: 'plain values go in app.config (a ConfigMap entry); app.extraEnv takes only valueFrom: secretKeyRef, configMapKeyRef, fieldRef or resourceFieldRef' });
    else if (e.valueFrom === undefined) ctx.addIssue({ code: 'custom', path: ['valueFrom'], input: undefined, message: 'is required: one of secretKeyRef {name, key}, configMapKeyRef {name, key}, fieldRef {fieldPath} or resourceFieldRef {resource}' });
  });

// Volume sources a pod under Pod Security "restricted" may use (no hostPath):
// https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
const keyToPath = z.strictObject({ key: z.string().min(1), path: z.string().min(1), mode: z.int().min(0).max(0o777).optional() });
const extraVolumeSchema = z.union(
  [
    z.strictObject({ name: dnsLabel(), configMap: z.strictObject({ name: dnsSubdomain, items: z.array(keyToPath).optional(), defaultMode: z.int().min(0).max(0o777).optional(), optional: z.boolean().optional() }) }),
    z.strictObject({ name: dnsLabel(), secret: z.strictObject({ secretName: dnsSubdomain, items: z.array(keyToPath).optional(), defaultMode: z.int().min(0).max(0o777).optional(), optional: z.boolean().optional() }) }),
    z.strictObject({ name: dnsLabel(), emptyDir: z.strictObject({ medium: z.enum(['', 'Memory']).optional(), sizeLimit: size.optional() }) }),
    z.strictObject({ name: dnsLabel(), persistentVolumeClaim: z.strictObject({ claimName: dnsSubdomain, readOnly: z.boolean().optional() }) }),
    z.strictObject({ name: dnsLabel(), csi: z.strictObject({ driver: dnsSubdomain, readOnly: z.boolean().optional(), volumeAttributes: z.record(z.string(), z.string()).optional() }) }),
  ],
  { error: 'must be {name, and one of configMap, secret, emptyDir, persistentVolumeClaim or csi} (sources allowed under Pod Security "restricted")' },
);
const extraVolumeMountSchema = z.strictObject({
  name: dnsLabel().describe('A volume of app.extraVolumes'),
  mountPath: z.string().regex(/^\/[^:]*$/, { error: 'must be an absolute path without ":"' }),
  readOnly: z.boolean().optional(),
  subPath: z.string().regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$)).*$/, { error: 'must be a relative path without ".."' }).optional(),
});

const appSchema = z
  .strictObject({
    port: port.default(SEED.app.port).describe('Port gunicorn listens on'),
    replicas: z
      .int()
      .min(1)
      .default(SEED.app.replicas)
      .describe('Fixed replica count, used only when autoscaling is disabled'),
    resources: resourcesSchema(SEED.app.resources),
    config: z
      .record(z.string().regex(ENV_VAR_NAME, { error: 'must be an environment variable name: letters, digits and _, not starting with a digit' }), z.string())
      .refine((data) => configDataBytes(data) <= MAX_CONFIG_MAP_DATA_BYTES, {
        error: (issue) =>
          `must hold at most ${MAX_CONFIG_MAP_DATA_BYTES} bytes of keys and values (a ConfigMap holds 1 MiB, the API server's limit, less the app's own settings); move large values into a volume, got ${configDataBytes(issue.input as Record<string, string>)} bytes`,
      })
      .default({})
      .describe('Extra ConfigMap entries, exposed to the app as environment variables'),
    logLevel: z.enum(LOG_LEVELS).optional().describe('LOG_LEVEL; defaults to the environment preset'),
    gasa: z.boolean().optional().describe('GASA_ENABLED; defaults to the environment preset'),
    monitoring: z.boolean().optional().describe('MONITORING_ENABLED; defaults to the environment preset'),
    selfHealing: z.boolean().optional().describe('SELF_HEALING_ENABLED; defaults to the environment preset'),
    maxWorkers: z.int().min(1).max(64).optional().describe('MAX_WORKERS; defaults to the environment preset'),
    timeoutSeconds: z.int().min(1).max(3600).optional().describe('TIMEOUT; defaults to the environment preset'),
    command: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe("The app container's command, for images that do not start like the guide's; defaults to the guide's Dockerfile CMD: gunicorn --bind 0.0.0.0:<port> --workers <maxWorkers> --timeout <timeoutSeconds> --graceful-timeout <timeoutSeconds> main:app"),
    storage: z
      .strictObject({
        size: size.prefault(SEED.app.storage.size).describe('Requested capacity of the data volume'),
        storageClassName: dnsSubdomain
          .optional()
          .describe("StorageClass; defaults to the cluster's default class (the guide's fast-ssd exists only where you created it)"),
        accessMode: z
          .enum(['ReadWriteOnce', 'ReadWriteMany', 'ReadWriteOncePod'])
          .default(SEED.app.storage.accessMode)
          .describe('ReadWriteOnce: one node mounts a claim; ReadWriteMany lets every replica mount one shared claim, and needs a StorageClass that offers it (NFS, EFS, Filestore, Azure Files)'),
        perPod: z
          .boolean()
          .default(SEED.app.storage.perPod)
          .describe('Each pod gets its own claim, created and deleted with it (a generic ephemeral volume), so every replica writes its own; false: one claim shared by every replica'),
      })
      .prefault({}),
    runAsUser: z
      .int()
      .min(1)
      .default(SEED.app.runAsUser.uid)
      .describe("UID of the image's non-root user (the guide's Dockerfile: useradd -r saplings, 999 on Debian); change it if your image's user differs, as Pod Security needs a numeric user that matches"),
    runAsGroup: z.int().min(1).default(SEED.app.runAsUser.gid).describe("GID of the image's group; also the volumes' fsGroup"),
    imagePullSecrets: z
      .array(dnsSubdomain)
      .default([...SEED.app.imagePullSecrets])
      .describe('Secrets for pulling the image from a private registry'),
    waitForBackends: z
      .int()
      .min(0)
      .max(3600)
      .default(SEED.app.waitForBackendsSeconds)
      .describe('Seconds the init container wait-for-backends waits for Redis and the vector DB to accept TCP connections before the pod fails to start (the kubelet then retries with back-off); 0: no init container'),
    podLabels: userLabels('the pods of the app').describe("Labels on the app's pods only (Kubernetes), e.g. {team: search}; they never select"),
    podAnnotations: userAnnotations.describe("Annotations on the app's pods only (Kubernetes), e.g. {\"prometheus.io/scrape\": \"false\"}"),
    nodeSelector: z
      .record(labelKey, labelValue)
      .optional()
      .describe('Node labels the app\'s pods must run on (Kubernetes), e.g. {"kubernetes.io/arch": amd64}'),
    tolerations: z
      .array(tolerationSchema)
      .optional()
      .describe('Taints the app\'s pods tolerate (Kubernetes), e.g. [{key: dedicated, operator: Equal, value: llm, effect: NoSchedule}]'),
    affinity: affinitySchema
      .optional()
      .describe('Node and pod (anti-)affinity of the app\'s pods (Kubernetes), as the pod spec\'s affinity: nodeAffinity, podAffinity, podAntiAffinity'),
    topologySpreadConstraints: z
      .array(topologySpreadSchema)
      .optional()
      .describe("Replaces the app's spread over zones and nodes (Kubernetes); unset keeps it: maxSkew 1 per topology.kubernetes.io/zone and kubernetes.io/hostname, ScheduleAnyway, selecting the app's pods"),
    priorityClassName: dnsSubdomain.optional().describe("PriorityClass of the app's pods (Kubernetes), which must exist in the cluster"),
    imagePullPolicy: z
      .enum(['Always', 'IfNotPresent', 'Never'])
      .optional()
      .describe("Pull policy of the app container, its init container and sidecars (Kubernetes); defaults to IfNotPresent for a pinned image and Always for :latest or no tag"),
    extraEnv: z
      .array(extraEnvSchema)
      .default([])
      .describe('Variables read from a Secret key, a ConfigMap key or the downward API (Kubernetes): [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]; plain values go in app.config'),
    extraVolumes: z
      .array(extraVolumeSchema)
      .default([])
      .describe("Volumes added to the app's pods (Kubernetes): a configMap, secret, emptyDir, persistentVolumeClaim or csi source, by name"),
    extraVolumeMounts: z
      .array(extraVolumeMountSchema)
      .default([])
      .describe("Mounts of extraVolumes into the app container (Kubernetes); they may not cover the app's own mounts (/app/data, /app/logs, /app/prometheus-multiproc, /tmp)"),
  })
  .prefault({})
  .superRefine((app, ctx) => {
    const volumes = new Set<string>();
    app.extraVolumes.forEach((v, i) => {
      if (volumes.has(v.name)) ctx.addIssue({ code: 'custom', path: ['extraVolumes', i, 'name'], input: v.name, message: `${v.name} is the name of an earlier volume; give each volume a name of its own` });
      volumes.add(v.name);
    });
    app.extraVolumeMounts.forEach((m, i) => {
      if (!volumes.has(m.name)) {
        ctx.addIssue({ code: 'custom', path: ['extraVolumeMounts', i, 'name'], input: m.name, message: `names no volume of app.extraVolumes (${[...volumes].join(', ') || 'none'}); add the volume there first` });
      }
    });
    const names = new Set<string>();
    app.extraEnv.forEach((e, i) => {
      if (names.has(e.name)) ctx.addIssue({ code: 'custom', path: ['extraEnv', i, 'name'], input: e.name, message: `${e.name} is set by an earlier entry of app.extraEnv; keep one` });
      names.add(e.name);
    });
  });

/**
 * The API server refuses a ConfigMap whose data exceeds 1 MiB. app.config
 * may use most of it; 4 KiB stay for the settings and connection URLs the
 * stack adds to the same ConfigMap.
 */
const MAX_CONFIG_MAP_DATA_BYTES = 1024 * 1024 - 4096;

/** Bytes of a ConfigMap's data as the API server counts them: keys and values, UTF-8. */
function configDataBytes(data: Record<string, string>): number {
  let bytes = 0;
  for (const [key, value] of Object.entries(data)) bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  return bytes;
}

/**
 * A key the app's Secret must hold. A pasted `NAME=value` is refused with its
 * own message, and problemsFromZod never quotes it (see checks/redaction).
 */
const secretKeyName = z
  .string()
  .refine((key) => !key.includes('='), {
    error: 'holds "=", like a pasted NAME=value; list only the name here and keep the value in the secret store',
    abort: true,
  })
  .regex(ENV_VAR_NAME, { error: 'must be an environment variable name: letters, digits and _, not starting with a digit' });

const secretsSchema = z
  .strictObject({
    name: dnsSubdomain.optional().describe('Secret holding the app credentials; defaults to <name>-secrets'),
    keys: z
      .array(secretKeyName)
      .min(1)
      .default([...SEED.secrets.keys])
      .describe('Keys the Secret must hold (REDIS_PASSWORD, POSTGRES_PASSWORD and QDRANT_API_KEY are added when needed)'),
    source: z
      .enum(['existing', 'external', 'inline'])
      .default('existing')
      .describe('existing: created out of band; external: an ExternalSecret; inline: written with values (development only)'),
    external: z
      .strictObject({
        storeName: dnsSubdomain.describe('SecretStore or ClusterSecretStore to read from'),
        storeKind: z.enum(['SecretStore', 'ClusterSecretStore']).default('ClusterSecretStore').describe('Kind of the store named by storeName'),
        remoteKeyPrefix: z.string().default('').describe('Prepended to each key to form its remote key: saplings/prod/ reads saplings/prod/OPENAI_API_KEY'),
        refreshInterval: z
          .string()
          .regex(/^(\d+(ns|us|µs|ms|s|m|h))+$/, { error: 'must be a Go duration such as 1h or 30m' })
          .default('1h')
          .describe('How often the operator re-reads the store (a Go duration)'),
      })
      .optional()
      .describe('Where source: external reads the values'),
    values: z.record(envVarName, z.string()).optional().describe('source: inline only: the values, written into the manifest'),
    fromEnv: z.boolean().default(false).describe('source: inline only: read missing values from environment variables at synth time'),
    reloader: z
      .boolean()
      .default(false)
      .describe("source: existing or external: annotate the app's, Redis's and the vector DB's Deployments for stakater Reloader (installed separately), which rolls them when the Secret changes; an inline Secret needs no switch, as its checksum rolls the pods"),
  })
  .prefault({})
  .superRefine((secrets, ctx) => {
    if (secrets.source === 'external' && !secrets.external) {
      ctx.addIssue({ code: 'custom', path: ['external'], input: undefined, message: 'is required when source is external (set at least external.storeName)' });
    }
    if (secrets.source !== 'external' && secrets.external) {
      ctx.addIssue({ code: 'custom', path: ['external'], input: secrets.external, message: `applies only to source: external, but source is ${secrets.source}` });
    }
    if (secrets.source === 'inline' && secrets.reloader) {
      ctx.addIssue({
        code: 'custom',
        path: ['reloader'],
        input: true,
        message: 'applies only to source: existing or external; an inline Secret is written by the stack, and its checksum already rolls the pods',
      });
    }
    if (secrets.source !== 'inline') {
      for (const key of ['values', 'fromEnv'] as const) {
        if (key === 'values' ? secrets.values : secrets.fromEnv) {
          ctx.addIssue({ code: 'custom', path: [key], input: secrets[key], message: `applies only to source: inline, but source is ${secrets.source}` });
        }
      }
    }
  });

const networkSchema = z
  .strictObject({
    ingressControllerNamespace: dnsLabel().default(SEED.network.ingressControllerNamespace).describe('Namespace of the ingress controller, allowed to reach the app (ingress.api: ingress)'),
    gatewayNamespace: dnsLabel()
      .optional()
      .describe("ingress.api: gateway only: namespace of the Gateway's proxies, allowed to reach the app; defaults to envoy-gateway-system with envoy-gateway, else the Gateway's namespace"),
    prometheusNamespace: dnsLabel().default(SEED.network.prometheusNamespace).describe('Namespace of Prometheus, allowed to scrape the app'),
    egressCidrs: z
      .array(z.union([z.cidrv4(), z.cidrv6()], { error: 'must be a CIDR such as 0.0.0.0/0' }))
      .default([...SEED.network.egressCidrs])
      .describe('Ranges the app may reach outside the cluster (the LLM APIs)'),
    egressExceptCidrs: z
      .array(z.cidrv4({ error: 'must be an IPv4 CIDR such as 10.0.0.0/8' }))
      .default([...PRIVATE_IPV4_RANGES])
      .describe('Ranges carved out of egressCidrs: private, link-local (cloud metadata) and CGNAT by default'),
    egressPorts: z.array(port).min(1).default([...SEED.network.egressPorts]).describe('Ports the app may reach outside the cluster'),
    dnsResolverCidrs: z
      .array(z.union([z.cidrv4(), z.cidrv6()], { error: 'must be a CIDR such as 169.254.20.10/32' }))
      .default([...NODE_DNS_RESOLVER_CIDRS])
      .describe("Resolvers that are not pods, which every pod reaches on port 53 only: NodeLocal DNSCache (169.254.20.10) and GKE's metadata server (169.254.169.254) by default; add your cluster DNS Service IP if node-local DNS intercepts it"),
    database: z
      .strictObject({
        cidrs: z
          .array(z.union([z.cidrv4(), z.cidrv6()], { error: 'must be a CIDR such as 10.20.0.5/32' }))
          .min(1)
          .describe("Address ranges of the database DATABASE_URL names (the managed database's address or subnet)"),
        port: port.default(5432).describe("The database's port"),
      })
      .optional()
      .describe('Where the external database is: the app may open connections to exactly these ranges on this port (Kubernetes NetworkPolicy)'),
  })
  .prefault({});

const redisSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Deploy Redis and wire REDIS_URL'),
    auth: z.boolean().optional().describe('Require a password (REDIS_PASSWORD in the Secret); defaults to on outside development'),
    image: imageReference.default(SEED.redis.image).describe('Redis image'),
    storage: storageSchema(SEED.redis.storage),
    resources: resourcesSchema(SEED.redis.resources),
  })
  .prefault({});

const vectorDbSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Deploy a vector database and wire its connection settings'),
    engine: z.enum(['pgvector', 'qdrant']).default(SEED.vectorDb.engine).describe('Vector database engine: pgvector (Postgres 16 with pgvector, port 5432) or qdrant (ports 6333 HTTP, 6334 gRPC)'),
    image: imageReference.optional().describe(`Image; defaults to the engine's pinned image (${VECTOR_DB_IMAGES.pgvector} or ${VECTOR_DB_IMAGES.qdrant})`),
    auth: z.boolean().optional().describe('Qdrant: require QDRANT_API_KEY from the Secret; defaults to on outside development (Postgres always has a password)'),
    storage: storageSchema(SEED.vectorDb.storage),
    resources: resourcesSchema(SEED.vectorDb.resources),
  })
  .prefault({});

const autoscalingSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Create an autoscaling/v2 HorizontalPodAutoscaler, and leave replicas to it; it scales down over a 300 s window by at most 10 % per 60 s, and up over 60 s by at most 50 % per 60 s'),
    minReplicas: z.int().min(1).default(SEED.autoscaling.minReplicas).describe('Fewest replicas the HPA keeps'),
    maxReplicas: z.int().min(1).default(SEED.autoscaling.maxReplicas).describe('Most replicas the HPA scales to; at least minReplicas'),
    targetCPUUtilization: percent.default(SEED.autoscaling.targetCPUUtilization).describe('Percent of CPU request'),
    targetMemoryUtilization: percent
      .default(SEED.autoscaling.targetMemoryUtilization)
      .describe('Percent of memory request'),
  })
  .prefault({})
  .superRefine((a, ctx) => {
    // Only compare two valid counts: a count below 1 has its own message already.
    if (a.minReplicas >= 1 && a.maxReplicas >= 1 && a.maxReplicas < a.minReplicas) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxReplicas'],
        input: a.maxReplicas,
        message: `must be ≥ minReplicas (${a.minReplicas}), got ${a.maxReplicas}`,
      });
    }
  });

const gatewaySchema = z
  .strictObject({
    name: dnsSubdomain.optional().describe('The Gateway: an existing one to attach to (required then), or the one created (default <name>-gateway)'),
    namespace: dnsLabel().optional().describe("Namespace of the existing Gateway; required unless create is true (a created Gateway is in the stack's namespace)"),
    sectionName: dnsSubdomain.optional().describe("The existing Gateway's listener to attach to; defaults to every listener matching the host"),
    create: z.boolean().default(false).describe("Create a Gateway in the stack's namespace (HTTPS with a cert-manager certificate, HTTP redirecting to it)"),
    className: dnsSubdomain.optional().describe("GatewayClass of the created Gateway (eg in Envoy Gateway's quickstart); required with create: true"),
    implementation: z
      .enum(['envoy-gateway'])
      .optional()
      .describe("Emit this implementation's policies for the rate limit, body size and /metrics allow-list; without it none is enforced"),
    requestTimeout: z
      .boolean()
      .default(true)
      .describe("Set the route's timeouts.request from readTimeoutSeconds/sendTimeoutSeconds (Extended support: turn off if the implementation lacks it)"),
  })
  .superRefine((gateway, ctx) => {
    const misplaced = (key: 'namespace' | 'sectionName' | 'className', why: string) => {
      if (gateway[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], input: gateway[key], message: why });
    };
    if (gateway.create) {
      if (gateway.className === undefined) {
        ctx.addIssue({ code: 'custom', path: ['className'], input: undefined, message: 'is required with create: true: the GatewayClass of the Gateway the stack creates (e.g. eg for Envoy Gateway)' });
      }
      misplaced('namespace', "applies only to an existing Gateway (create: false); the created Gateway is in the stack's namespace");
      misplaced('sectionName', "applies only to an existing Gateway (create: false); routes attach to the created Gateway's https listener");
      return;
    }
    for (const key of ['name', 'namespace'] as const) {
      if (gateway[key] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          input: undefined,
          message: `is required to attach to an existing Gateway: its ${key}; or set create: true and className to create one in the stack's namespace`,
        });
      }
    }
    misplaced('className', 'applies only with create: true; an existing Gateway already has its GatewayClass (ingress.className is the IngressClass of api: ingress)');
  });

const ingressSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Expose the app: through an Ingress, or a Gateway API route with api: gateway'),
    api: z
      .enum(['ingress', 'gateway'])
      .default('ingress')
      .describe('ingress: an ingress-nginx Ingress; gateway: a Gateway API HTTPRoute (recommended for new clusters)'),
    gateway: gatewaySchema.optional().describe('api: gateway only: the Gateway the route attaches to, and its implementation'),
    host: z
      .string()
      .max(253)
      .regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, {
        error: 'must be a DNS name such as api.example.com (a leading "*." wildcard is allowed)',
        abort: true,
      })
      // The same rule the API server applies to an Ingress host, which refuses an IP address.
      .refine((host) => hostnameError(host) === undefined, { error: 'must be a DNS name such as api.example.com, not an IP address' })
      .default(SEED.ingress.host)
      .describe('Public host name'),
    className: dnsSubdomain.default(SEED.ingress.className).describe('spec.ingressClassName: the IngressClass (api: ingress only)'),
    tls: z.boolean().default(true).describe('Terminate TLS with a cert-manager certificate; production refuses false, staging warns'),
    clusterIssuer: dnsSubdomain.default(SEED.ingress.clusterIssuer).describe('cert-manager ClusterIssuer'),
    tlsSecretName: dnsSubdomain.optional().describe('Secret cert-manager writes the certificate to; defaults to <name>-tls'),
    rateLimitRps: z.int().min(1).optional().describe('Requests per second per client IP (nginx.ingress.kubernetes.io/limit-rps); defaults to the environment preset'),
    maxBodySize: z
      .string()
      .superRefine((value, ctx) => {
        const problem = nginxSizeProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', input: value, message: problem });
      })
      .default(SEED.ingress.maxBodySize)
      .describe('Largest request body nginx accepts (proxy-body-size)'),
    readTimeoutSeconds: z.int().min(1).max(3600).default(SEED.ingress.readTimeoutSeconds).describe('proxy-read-timeout, in seconds'),
    sendTimeoutSeconds: z.int().min(1).max(3600).default(SEED.ingress.sendTimeoutSeconds).describe('proxy-send-timeout, in seconds'),
    metricsAllowCidrs: z
      .array(z.union([z.cidrv4(), z.cidrv6()], { error: 'must be a CIDR such as 10.0.0.0/8' }))
      .min(1)
      .default([...SEED.ingress.metricsAllowCidrs])
      .describe('Source ranges allowed to reach /metrics through the ingress'),
  })
  .prefault({})
  .superRefine((ingress, ctx) => {
    if (ingress.api === 'gateway' && ingress.gateway === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['gateway'],
        input: undefined,
        message: "is required with api: gateway: name and namespace of an existing Gateway, or create: true and className to create one in the stack's namespace",
      });
    }
    if (ingress.api === 'ingress' && ingress.gateway !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['gateway'], input: ingress.gateway, message: 'applies only to api: gateway, but api is ingress' });
    }
  });

/** A Prometheus duration (`5m`, `1h30m`), as a rule's `for:` and a range selector take it. */
const prometheusDuration = z.string().refine(isPrometheusDuration, { error: `must be ${PROMETHEUS_DURATION_HELP}` });

const alertsDefaults = SEED.monitoring.alerts;
const alertFor = (defaultFor: string) => prometheusDuration.default(defaultFor).describe('How long the condition must hold before the alert fires');
const percentAbove = (defaultPercent: number) => z.number().gt(0).max(100).default(defaultPercent);

const alertsSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Create a prometheus-operator PrometheusRule <name>-alerts with the six alerts of the runbook (when monitoring is enabled)'),
    runbookBaseUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .refine((url) => !url.includes('#'), { error: "must have no '#' fragment: each alert adds its own anchor" })
      .optional()
      .describe(
        "Where your runbook is: each alert's runbook_url is this, '#' and the alert name in lowercase (e.g. https://wiki.example.com/saplings#saplingshigherrorrate); an http(s) URL without a fragment. Unset, alerts carry no runbook_url rather than a link to a page that may not exist; docs/runbook.md in the package has a section per alert to copy",
      ),
    errorRate: z
      .strictObject({ percent: percentAbove(alertsDefaults.errorRate.percent).describe('SaplingsHighErrorRate: percent of requests answered 5xx over 5m'), for: alertFor(alertsDefaults.errorRate.for) })
      .prefault({}),
    latency: z
      .strictObject({ p95Seconds: z.number().gt(0).default(alertsDefaults.latency.p95Seconds).describe('SaplingsHighLatency: p95 request duration over 5m, in seconds'), for: alertFor(alertsDefaults.latency.for) })
      .prefault({}),
    restarts: z
      .strictObject({
        count: z.int().min(0).default(alertsDefaults.restarts.count).describe('SaplingsContainerRestarting: more than this many restarts of one container within window'),
        window: z
          .string()
          .refine(isPositivePrometheusDuration, { error: `must be ${PROMETHEUS_DURATION_HELP}, longer than zero` })
          .default(alertsDefaults.restarts.window)
          .describe('The window restarts are counted over'),
        for: alertFor(alertsDefaults.restarts.for),
      })
      .prefault({}),
    autoscalerAtMax: z.strictObject({ for: alertFor(alertsDefaults.autoscalerAtMax.for) }).prefault({}),
    volumeFull: z
      .strictObject({ percent: percentAbove(alertsDefaults.volumeFull.percent).describe("SaplingsVolumeFillingUp: percent of a claim's capacity in use"), for: alertFor(alertsDefaults.volumeFull.for) })
      .prefault({}),
    noReadyPods: z.strictObject({ for: alertFor(alertsDefaults.noReadyPods.for) }).prefault({}),
  })
  .prefault({});

const monitoringSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Expose metrics for Prometheus; off turns MONITORING_ENABLED off and drops the ServiceMonitor and alerts'),
    serviceMonitor: z.boolean().default(true).describe("Create a prometheus-operator ServiceMonitor scraping /metrics on the app's http port"),
    alerts: alertsSchema.describe('Alerts on the 5xx ratio, p95 latency, restarts, the HPA at maxReplicas, full volumes and no ready pod'),
    dashboard: z.boolean().default(false).describe('Create a Grafana dashboard ConfigMap (label grafana_dashboard: "1") for the dashboard sidecar'),
  })
  .prefault({})
  .superRefine((monitoring, ctx) => {
    if (!monitoring.enabled && monitoring.dashboard) {
      ctx.addIssue({ code: 'custom', path: ['dashboard'], input: true, message: 'needs monitoring.enabled: true; with monitoring off the app exports no metrics to show' });
    }
  });

const gitopsSchema = z
  .strictObject({
    syncWaves: z
      .boolean()
      .default(false)
      .describe('Annotate objects with argocd.argoproj.io/sync-wave in apply order'),
  })
  .prefault({})
  .describe("This stack's GitOps annotations; the fleet's Argo CD ApplicationSet and Flux Kustomizations come from `synth --gitops FILE`, not from stack keys");

const outputSchema = z
  .strictObject({
    helmSafeTemplates: z
      .boolean()
      .default(false)
      .describe(
        'Escape the PrometheusRule annotations and Grafana dashboard text ({{ ... }}) for Helm, so a chart from `cdk8s synth --format helm` renders them unchanged; only for Helm-format output',
      ),
  })
  .prefault({})
  .describe('How objects are written for the tool that consumes them');

/**
 * The built-in targets' config fragments (src/targets/<name>/config.ts), each
 * under its key, in the order the keys came into the config (so the JSON
 * Schema and the config reference keep theirs); the registry
 * (src/targets/index.ts) names the same modules, which
 * test/targets/config-fragments.test.ts holds equal.
 */
const BUILT_IN_TARGET_CONFIGS = [cloudRunConfig, ecsConfig, composeConfig] as const;

/** The keys of `configs`, each with its schema, typed, so `StackConfig` names the built-in targets' keys. */
function targetKeys<T extends readonly TargetConfig[]>(configs: T): { [C in T[number] as C['key']]: C['schema'] } {
  return Object.fromEntries(configs.map((c) => [c.key, c.schema])) as { [C in T[number] as C['key']]: C['schema'] };
}

const metadataSchema = z
  .strictObject({
    labels: userLabels('every object').describe('Labels on every object the stack writes (Kubernetes objects and pod templates, Compose services, the Cloud Run service, ECS tags), e.g. {team: search, cost-center: "42"}'),
    annotations: userAnnotations.describe('Annotations on every Kubernetes object the stack writes, e.g. {owner: "search@example.com"}'),
  })
  .prefault({});

const serviceAccountSchema = z
  .strictObject({
    create: z.boolean().default(true).describe('Create the app\'s ServiceAccount (Kubernetes); false: the pods run as the existing account named by serviceAccount.name'),
    name: dnsSubdomain.optional().describe("Name of the app's ServiceAccount; defaults to <name>-app; required with create: false"),
    annotations: userAnnotations.describe('Annotations on the created ServiceAccount, e.g. {"eks.amazonaws.com/role-arn": arn:aws:iam::123456789012:role/saplings} (IRSA) or {"iam.gke.io/gcp-service-account": saplings@PROJECT.iam.gserviceaccount.com} (Workload Identity)'),
  })
  .prefault({})
  .superRefine((sa, ctx) => {
    if (!sa.create && sa.name === undefined) ctx.addIssue({ code: 'custom', path: ['name'], input: undefined, message: 'is required with create: false: the name of the existing ServiceAccount the pods run as' });
    if (!sa.create && Object.keys(sa.annotations).length > 0) {
      ctx.addIssue({ code: 'custom', path: ['annotations'], input: undefined, message: 'applies only to a ServiceAccount the stack creates (create: true); annotate your existing account where it is defined' });
    }
  });

const imagesSchema = z
  .strictObject({
    registry: z
      .string()
      .regex(/^[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/, { error: 'must be a registry host with an optional port and path, such as registry.example.com or registry.example.com:5000/mirror' })
      .optional()
      .describe('Registry of every image the tool picks by default (Redis, the vector DB, nginx); Docker Hub names in full: redis:7-alpine becomes <registry>/library/redis:7-alpine. Images set in the config are used as written'),
  })
  .prefault({});

/** The stack's own keys, before the targets' fragments. */
const stackKeys = {
    $schema: z.string().optional().describe('JSON Schema reference for editors; ignored'),
    name: dnsLabel(MAX_STACK_NAME_LENGTH)
      .default(SEED.name)
      .describe('DNS-1123 label that prefixes every object name (<name>-app, <name>-service, …) and is the app label; short enough that the longest derived name fits in 63 characters'),
    namespace: dnsLabel().optional().describe('Namespace of the stack; defaults to name. Stack names and namespaces must be unique across the documents of a file'),
    environment: z.enum(ENVIRONMENTS).describe('Selects the preset for log level, workers, timeouts and rate limit'),
    image: imageReference.describe('App image, pinned by tag or digest (saplings:1.0.0)'),
    app: appSchema,
    secrets: secretsSchema,
    redis: redisSchema,
    vectorDb: vectorDbSchema,
    autoscaling: autoscalingSchema,
    ingress: ingressSchema,
    monitoring: monitoringSchema,
    network: networkSchema,
    gitops: gitopsSchema,
    output: outputSchema,
    metadata: metadataSchema.describe('Labels and annotations on every object'),
    serviceAccount: serviceAccountSchema.describe("The app's Kubernetes ServiceAccount (Cloud Run's is cloudrun.serviceAccount)"),
    images: imagesSchema.describe('Where the images the tool picks by default are pulled from'),
};

/** The stack schema with `configs`' keys, each checked by its own schema and its {@link TargetConfig.stackRules}. */
function composeStackSchema<T extends readonly TargetConfig[]>(configs: T) {
  return z
    .strictObject({ ...stackKeys, ...targetKeys(configs) })
    .superRefine((stack, ctx) => {
      stackRules(stack as StackConfig, ctx);
      for (const config of configs) {
        const own = (stack as Record<string, unknown>)[config.key];
        if (own === undefined || own === null || !config.stackRules) continue;
        config.stackRules(own, stack as StackConfig, (issue: TargetConfigIssue) =>
          ctx.addIssue({ code: 'custom', path: [config.key, ...issue.path], input: issue.input, message: issue.message }),
        );
      }
    })
    .meta({ title: 'saplings-k8s stack', description: 'One Saplings stack: app, Redis, vector DB, autoscaling, ingress and monitoring' });
}

/** The schema of one stack: one YAML document of a config file, with the built-in targets' keys. */
export const StackConfigSchema = composeStackSchema(BUILT_IN_TARGET_CONFIGS);

/**
 * The stack schema with the keys of `extra` too: the config fragments of
 * targets registered from outside the package (`registerTarget`), each under
 * its own key. Without any it is {@link StackConfigSchema}.
 */
export function stackConfigSchemaWith(extra: readonly TargetConfig[]): z.ZodType<StackConfig, StackConfigInput> {
  if (extra.length === 0) return StackConfigSchema as z.ZodType<StackConfig, StackConfigInput>;
  const taken = new Set([...Object.keys(stackKeys), ...BUILT_IN_TARGET_CONFIGS.map((c) => c.key)]);
  for (const config of extra) {
    if (taken.has(config.key)) throw new Error(`a target's config key "${config.key}" is already a key of the stack config`);
    taken.add(config.key);
  }
  return composeStackSchema([...BUILT_IN_TARGET_CONFIGS, ...extra]) as unknown as z.ZodType<StackConfig, StackConfigInput>;
}

let lastComposed: { extra: readonly TargetConfig[]; schema: z.ZodType<StackConfig, StackConfigInput> } | undefined;

/** {@link stackConfigSchemaWith} the config fragments of the targets registered now; composed again only when they change. */
export function registeredStackConfigSchema(): z.ZodType<StackConfig, StackConfigInput> {
  const extra = registeredTargetConfigs() as TargetConfig[];
  if (!lastComposed || lastComposed.extra.length !== extra.length || lastComposed.extra.some((c, i) => c !== extra[i])) {
    lastComposed = { extra, schema: stackConfigSchemaWith(extra) };
  }
  return lastComposed.schema;
}

/** The rules that relate the stack's own keys to each other. */
function stackRules(stack: StackConfig, ctx: z.RefinementCtx): void {
  // The inner block keeps these rules at the indentation they had in the schema's superRefine, and so their history.
  {
    for (const key of Object.keys(stack.app.config)) {
      const reserved = reservedEnvProblem(key);
      const secret = !reserved && stack.secrets.keys.includes(key) ? 'is a key of the app Secret (secrets.keys), whose value the app already receives; remove it here' : undefined;
      // params.about: the problem is the key itself, so the message points at it and says nothing of its value.
      if (reserved ?? secret) ctx.addIssue({ code: 'custom', path: ['app', 'config', key], input: undefined, params: { about: 'key' }, message: (reserved ?? secret)! });
    }
    helmValuesProblems(stack, ctx);
    const namespace = stack.namespace ?? stack.name;
    if (SYSTEM_NAMESPACES.includes(namespace)) {
      ctx.addIssue({
        code: 'custom',
        path: [stack.namespace ? 'namespace' : 'name'],
        input: namespace,
        message: `${namespace} is a Kubernetes system namespace; the stack would relabel it for Pod Security "restricted": choose another namespace`,
      });
    }
    const backing: string[] = [
      ...(stack.redis.enabled ? [SEED.redis.name] : []),
      ...(stack.vectorDb.enabled ? [stack.vectorDb.engine] : []),
    ];
    if (backing.includes(stack.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        input: stack.name,
        message: `is the name of the stack's ${stack.name} service, whose objects (${stack.name}-service, ${stack.name}-data-pvc) would collide with the app's; choose another name`,
      });
    }
    const storage = stack.app.storage;
    // One claim that one node (or pod) mounts, shared by replicas: a second writer waits on Multi-Attach forever.
    // https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes
    if (!storage.perPod && storage.accessMode !== 'ReadWriteMany') {
      const writers = stack.autoscaling.enabled ? `autoscaling runs ${stack.autoscaling.minReplicas} to ${stack.autoscaling.maxReplicas} replicas` : stack.app.replicas > 1 ? `app.replicas is ${stack.app.replicas}` : undefined;
      if (writers) {
        ctx.addIssue({
          code: 'custom',
          path: ['app', 'storage', 'accessMode'],
          input: storage.accessMode,
          message: `is ${storage.accessMode} on one claim shared by every replica (perPod: false), but ${writers}, and only one of them can mount it; set app.storage.perPod: true (a claim per pod), accessMode: ReadWriteMany with a StorageClass that offers it, or one replica without autoscaling`,
        });
      }
    }
    const secretName = stack.secrets.name ?? appObjectNames(stack.name).secret;
    if (stack.ingress.enabled && (stack.ingress.tlsSecretName ?? appObjectNames(stack.name).tlsSecret) === secretName) {
      ctx.addIssue({
        code: 'custom',
        path: ['ingress', 'tlsSecretName'],
        input: secretName,
        message: `is also the app's Secret (secrets.name); cert-manager would overwrite the app's credentials with the certificate`,
      });
    }
    if (stack.network.gatewayNamespace !== undefined && stack.ingress.api !== 'gateway') {
      ctx.addIssue({
        code: 'custom',
        path: ['network', 'gatewayNamespace'],
        input: stack.network.gatewayNamespace,
        message: `applies only to ingress.api: gateway, but api is ${stack.ingress.api}; ingress-nginx's namespace is network.ingressControllerNamespace`,
      });
    }
    if (stack.secrets.source === 'inline' && stack.environment !== 'development') {
      ctx.addIssue({
        code: 'custom',
        path: ['secrets', 'source'],
        input: 'inline',
        message: `inline writes secret values into the manifests and is allowed only in development, not ${stack.environment}; use existing or external`,
      });
    }
  }
}

/** The Helm-values keys' rules that span sections: extra env names, labels on targets with narrower syntax. */
function helmValuesProblems(stack: StackConfig, ctx: z.RefinementCtx): void {
  stack.app.extraEnv.forEach((e, i) => {
    const problem =
      reservedEnvProblem(e.name) ??
      (e.name in stack.app.config ? 'is set in app.config too; keep one of the two' : undefined) ??
      (stack.secrets.keys.includes(e.name) ? 'is a key of the app Secret (secrets.keys), whose value the app already receives; remove it here' : undefined);
    if (problem) ctx.addIssue({ code: 'custom', path: ['app', 'extraEnv', i, 'name'], input: e.name, message: problem });
  });
  if (stack.cloudrun) {
    for (const [key, value] of Object.entries(stack.metadata.labels)) {
      const problem = cloudRunLabelProblem(key, value);
      // params.about: a key's problem points at the key, which the path names.
      const aboutKey = cloudRunLabelProblem(key, '') !== undefined;
      if (problem) ctx.addIssue({ code: 'custom', path: ['metadata', 'labels', key], input: value, ...(aboutKey ? { params: { about: 'key' } } : {}), message: problem });
    }
  }
  if (stack.ecs) {
    // Each label is an ECS tag too: at most 50 per resource, one value per key.
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-using-tags.html#tag-restrictions
    for (const key of Object.keys(stack.metadata.labels)) {
      if (key in stack.ecs.tags || (ECS_OWN_TAG_KEYS as readonly string[]).includes(key)) {
        ctx.addIssue({ code: 'custom', path: ['metadata', 'labels', key], input: key, message: `is an ECS tag already (ecs.tags or ${ECS_OWN_TAG_KEYS.join(' and ')}), and a resource holds one value per tag key; keep one` });
      }
    }
    const labels = Object.keys(stack.metadata.labels).length;
    const count = labels + Object.keys(stack.ecs.tags).length + ECS_OWN_TAG_KEYS.length;
    // Too many ecs.tags alone is ecs.tags' own problem.
    if (labels > 0 && count > ECS_MAX_TAGS) {
      ctx.addIssue({ code: 'custom', path: ['metadata', 'labels'], input: count, message: `with ecs.tags and ${ECS_OWN_TAG_KEYS.join(' and ')} makes ${count} ECS tags, but a resource holds at most ${ECS_MAX_TAGS}; drop some` });
    }
  }
}

/*
 * `StackConfigInput` (a stack as written in a file) and `StackConfig` (after
 * validation, every default applied) are plain interfaces generated from this
 * schema (scripts/gen-config-types.js), so that declarations which name them
 * load no zod type; test/config/types.test.ts holds them equal to
 * z.input / z.output of StackConfigSchema.
 */
export type { StackConfig, StackConfigInput } from './types';
