import { Json, Path, asList, asObject, isObject, joinAnd, quote } from '../json';
import { ContainerRef, PolicyReporter, PodTemplate, PolicyRule, containersOf } from './objects';

/*
 * The Pod Security Standards, Baseline and Restricted, as Kubernetes v1.28
 * defines them (https://kubernetes.io/docs/concepts/security/pod-security-standards/)
 * and pod-security-admission enforces them. Every control reports at the
 * field to change. Where a restricted control supersedes a baseline one
 * (volume types over hostPath, capabilities, seccomp) a field is reported
 * once, under the stricter reading, and the message names the profile.
 */

// Capabilities the baseline profile lets a container add: the container runtime's default set.
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

// The "safe" sysctls of the baseline profile in v1.28 (ip_local_reserved_ports joined in v1.27).
const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ping_group_range',
  'net.ipv4.tcp_syncookies',
];

const SELINUX_TYPES = ['container_t', 'container_init_t', 'container_kvm_t'];

// The volume sources the restricted profile allows; anything else needs a PersistentVolume.
const RESTRICTED_VOLUME_SOURCES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

const SECCOMP_ALLOWED = new Set(['RuntimeDefault', 'Localhost']);
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

const HOST_NAMESPACES: ReadonlyArray<readonly [field: string, what: string]> = [
  ['hostNetwork', 'network'],
  ['hostPID', 'process ID'],
  ['hostIPC', 'IPC'],
];

/** One pod template, with what every control reads. */
interface Pod {
  readonly template: PodTemplate;
  readonly containers: readonly ContainerRef[];
  readonly securityContext: Json;
  readonly securityContextPath: Path;
  /** Since v1.25 the Linux-only restricted controls do not apply to Windows pods. */
  readonly windows: boolean;
  readonly report: (path: Path, rule: PolicyRule, message: string) => void;
}

type Control = (pod: Pod) => void;

/** Reports every Pod Security Standards (baseline and restricted) violation of a pod template. Severity `error`. */
export function checkPodSecurity(template: PodTemplate, sink: PolicyReporter): void {
  const pod: Pod = {
    template,
    containers: containersOf(template),
    securityContext: asObject(template.spec.securityContext) ?? {},
    securityContextPath: [...template.specPath, 'securityContext'],
    windows: asObject(template.spec.os)?.name === 'windows',
    report: (path, rule, message) => sink.report(template.owner, 'error', rule, path, message),
  };
  for (const control of CONTROLS) control(pod);
}

const hostProcess: Control = ({ containers, securityContext, securityContextPath, report }) => {
  const setters: Array<[Json, Path, string]> = [[securityContext, securityContextPath, 'the pod']];
  for (const c of containers) setters.push([c.securityContext, c.securityContextPath, c.label]);
  for (const [context, path, who] of setters) {
    if (asObject(context.windowsOptions)?.hostProcess !== true) continue;
    report(
      [...path, 'windowsOptions', 'hostProcess'],
      'pss-host-process',
      `${who} runs as a Windows HostProcess with full access to the node, which Pod Security baseline forbids; remove windowsOptions.hostProcess or set it to false`,
    );
  }
};

const hostNamespaces: Control = ({ template, report }) => {
  for (const [field, what] of HOST_NAMESPACES) {
    if (template.spec[field] !== true) continue;
    report(
      [...template.specPath, field],
      'pss-host-namespaces',
      `${field}: true shares the node's ${what} namespace with the pod, which Pod Security baseline forbids; remove ${field} or set it to false`,
    );
  }
};

const privileged: Control = ({ containers, report }) => {
  for (const c of containers) {
    if (c.securityContext.privileged !== true) continue;
    report(
      [...c.securityContextPath, 'privileged'],
      'pss-privileged',
      `${c.label} runs privileged, with every device and capability of the node, which Pod Security baseline forbids; remove privileged or set it to false`,
    );
  }
};

const capabilities: Control = ({ containers, windows, report }) => {
  for (const c of containers) checkCapabilities(c, windows, report);
};

const volumes: Control = ({ template, report }) => checkVolumes(template, report);

const hostPorts: Control = ({ containers, report }) => {
  for (const c of containers) {
    asList(c.container.ports).forEach((port, index) => {
      const hostPort = isObject(port) ? port.hostPort : undefined;
      if (!isSet(hostPort) || hostPort === 0) return;
      report(
        [...c.path, 'ports', index, 'hostPort'],
        'pss-host-ports',
        `${c.label} binds hostPort ${String(hostPort)} on the node, which Pod Security baseline forbids; remove hostPort and reach the pod through a Service`,
      );
    });
  }
};

const appArmor: Control = ({ template, containers, securityContext, securityContextPath, report }) =>
  checkAppArmor(template, containers, securityContext, securityContextPath, report);

const seLinux: Control = ({ containers, securityContext, securityContextPath, report }) => {
  checkSeLinux(securityContext.seLinuxOptions, [...securityContextPath, 'seLinuxOptions'], 'the pod', report);
  for (const c of containers) {
    checkSeLinux(c.securityContext.seLinuxOptions, [...c.securityContextPath, 'seLinuxOptions'], c.label, report);
  }
};

const procMount: Control = ({ containers, report }) => {
  for (const c of containers) {
    const value = c.securityContext.procMount;
    if (!isSet(value) || value === 'Default') continue;
    report(
      [...c.securityContextPath, 'procMount'],
      'pss-proc-mount',
      `${c.label} sets procMount ${describeValue(value)}, which unmasks /proc and is forbidden by Pod Security baseline; remove procMount or set it to Default`,
    );
  }
};

const seccomp: Control = ({ containers, securityContext, securityContextPath, windows, report }) =>
  checkSeccomp(containers, securityContext, securityContextPath, windows, report);

const sysctls: Control = ({ securityContext, securityContextPath, report }) => {
  asList(securityContext.sysctls).forEach((sysctl, index) => {
    const name = isObject(sysctl) ? sysctl.name : undefined;
    if (typeof name !== 'string' || SAFE_SYSCTLS.includes(name)) return;
    report(
      [...securityContextPath, 'sysctls', index, 'name'],
      'pss-sysctls',
      `sysctl ${quote(name)} is not in the Pod Security baseline safe set; remove it, or use only ${SAFE_SYSCTLS.join(', ')}`,
    );
  });
};

const privilegeEscalation: Control = ({ containers, windows, report }) => {
  if (windows) return;
  for (const c of containers) {
    const value = c.securityContext.allowPrivilegeEscalation;
    if (value === false) continue;
    const wrong = value === true ? 'sets allowPrivilegeEscalation: true' : 'does not set allowPrivilegeEscalation, which defaults to true';
    report(
      [...c.securityContextPath, 'allowPrivilegeEscalation'],
      'pss-allow-privilege-escalation',
      `${c.label} ${wrong}, so setuid binaries can gain privileges; Pod Security restricted requires securityContext.allowPrivilegeEscalation: false`,
    );
  }
};

const runAsNonRoot: Control = ({ containers, securityContext, securityContextPath, report }) =>
  checkRunAsNonRoot(containers, securityContext, securityContextPath, report);

const runAsUser: Control = ({ containers, securityContext, securityContextPath, report }) => {
  const setters: Array<[Json, Path, string]> = [[securityContext, securityContextPath, 'the pod']];
  for (const c of containers) setters.push([c.securityContext, c.securityContextPath, c.label]);
  for (const [context, path, who] of setters) {
    if (context.runAsUser !== 0) continue;
    report(
      [...path, 'runAsUser'],
      'pss-run-as-user',
      `${who} sets runAsUser: 0 (root), which Pod Security restricted forbids; set runAsUser to a non-zero UID such as 10001`,
    );
  }
};

// In the order the Pod Security Standards page lists them, baseline then restricted.
const CONTROLS: readonly Control[] = [
  hostProcess,
  hostNamespaces,
  privileged,
  capabilities,
  volumes,
  hostPorts,
  appArmor,
  seLinux,
  procMount,
  seccomp,
  sysctls,
  privilegeEscalation,
  runAsNonRoot,
  runAsUser,
];

type Report = Pod['report'];

function checkCapabilities(c: ContainerRef, windows: boolean, report: Report): void {
  const capabilities = asObject(c.securityContext.capabilities) ?? {};
  const capabilitiesPath = [...c.securityContextPath, 'capabilities'];
  asList(capabilities.add).forEach((capability, index) => {
    if (typeof capability !== 'string' || capability === 'NET_BIND_SERVICE') return;
    if (!BASELINE_CAPABILITIES.has(capability)) {
      report(
        [...capabilitiesPath, 'add', index],
        'pss-capabilities',
        `${c.label} adds capability ${capability}, which Pod Security baseline forbids; remove it from capabilities.add (restricted allows adding only NET_BIND_SERVICE)`,
      );
    } else if (!windows) {
      report(
        [...capabilitiesPath, 'add', index],
        'pss-capabilities',
        `${c.label} adds capability ${capability}, which Pod Security restricted forbids; remove it from capabilities.add (only NET_BIND_SERVICE may be added)`,
      );
    }
  });
  if (windows) return;
  const drop = capabilities.drop;
  if (Array.isArray(drop) && drop.includes('ALL')) return;
  const wrong = Array.isArray(drop) && drop.length > 0
    ? `drops only ${drop.filter((d) => typeof d === 'string').join(', ')}`
    : 'does not drop capabilities';
  report(
    [...capabilitiesPath, 'drop'],
    'pss-capabilities',
    `${c.label} ${wrong}, but Pod Security restricted requires dropping all of them; set capabilities.drop: [ALL]`,
  );
}

function checkVolumes(template: PodTemplate, report: Report): void {
  asList(template.spec.volumes).forEach((volume, index) => {
    if (!isObject(volume)) return;
    const path = [...template.specPath, 'volumes', index];
    const name = typeof volume.name === 'string' ? `volume ${quote(volume.name)}` : 'the volume';
    if (isSet(volume.hostPath)) {
      report(
        [...path, 'hostPath'],
        'pss-host-path-volumes',
        `${name} mounts a hostPath from the node, which Pod Security baseline forbids; use an emptyDir, configMap, secret or persistentVolumeClaim instead`,
      );
      return;
    }
    if (RESTRICTED_VOLUME_SOURCES.some((source) => isSet(volume[source]))) return;
    const source = Object.keys(volume).find((key) => key !== 'name' && isSet(volume[key]));
    report(
      source === undefined ? path : [...path, source],
      'pss-volume-types',
      `${name} ${source === undefined ? 'has no volume source' : `is of type ${source}`}, which Pod Security restricted forbids; use one of ${RESTRICTED_VOLUME_SOURCES.join(', ')} (wrap other storage in a PersistentVolume and claim it)`,
    );
  });
}

function checkAppArmor(
  template: PodTemplate,
  containers: readonly ContainerRef[],
  podSecurityContext: Json,
  podSecurityContextPath: Path,
  report: Report,
): void {
  const annotations = asObject(template.metadata.annotations) ?? {};
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(APPARMOR_ANNOTATION)) continue;
    if (!isSet(value) || value === '' || value === 'runtime/default' || (typeof value === 'string' && value.startsWith('localhost/'))) continue;
    const container = key.slice(APPARMOR_ANNOTATION.length);
    report(
      [...template.metadataPath, 'annotations', key],
      'pss-apparmor',
      `container ${quote(container)} sets AppArmor profile ${describeValue(value)}, which Pod Security baseline forbids; use runtime/default or localhost/<profile>, or remove the annotation`,
    );
  }
  // The appArmorProfile fields replaced the annotation in v1.30; an Unconfined profile there is the same escape.
  const fields: Array<[Json, Path, string]> = [[podSecurityContext, podSecurityContextPath, 'the pod']];
  for (const c of containers) fields.push([c.securityContext, c.securityContextPath, c.label]);
  for (const [securityContext, path, who] of fields) {
    const type = asObject(securityContext.appArmorProfile)?.type ?? undefined;
    if (type === undefined || type === 'RuntimeDefault' || type === 'Localhost') continue;
    report(
      [...path, 'appArmorProfile', 'type'],
      'pss-apparmor',
      `${who} sets appArmorProfile.type ${describeValue(type)}, which Pod Security baseline forbids; set it to RuntimeDefault or Localhost`,
    );
  }
}

function checkSeLinux(options: unknown, path: Path, who: string, report: Report): void {
  if (!isObject(options)) return;
  const type = options.type;
  if (type !== undefined && type !== null && type !== '' && !SELINUX_TYPES.includes(String(type))) {
    report(
      [...path, 'type'],
      'pss-selinux',
      `${who} sets SELinux type ${describeValue(type)}, which Pod Security baseline forbids; remove it or use one of ${SELINUX_TYPES.join(', ')}`,
    );
  }
  for (const field of ['user', 'role']) {
    const value = options[field];
    if (value === undefined || value === null || value === '') continue;
    report(
      [...path, field],
      'pss-selinux',
      `${who} sets a custom SELinux ${field}, which Pod Security baseline forbids; remove seLinuxOptions.${field}`,
    );
  }
}

function checkSeccomp(
  containers: readonly ContainerRef[],
  podSecurityContext: Json,
  podSecurityContextPath: Path,
  windows: boolean,
  report: Report,
): void {
  const podType = asObject(podSecurityContext.seccompProfile)?.type ?? undefined;
  const podTypePath = [...podSecurityContextPath, 'seccompProfile', 'type'];
  const podValid = typeof podType === 'string' && SECCOMP_ALLOWED.has(podType);
  if (podType !== undefined && !podValid) {
    // Unconfined breaks baseline everywhere; any other unknown value only breaks restricted.
    if (podType === 'Unconfined' || !windows) report(podTypePath, 'pss-seccomp', seccompMessage('the pod', podType));
  }
  const unset: string[] = [];
  for (const c of containers) {
    const type = asObject(c.securityContext.seccompProfile)?.type ?? undefined;
    if (type === undefined) {
      unset.push(c.label);
      continue;
    }
    if (typeof type === 'string' && SECCOMP_ALLOWED.has(type)) continue;
    if (type === 'Unconfined' || !windows) {
      report([...c.securityContextPath, 'seccompProfile', 'type'], 'pss-seccomp', seccompMessage(c.label, type));
    }
  }
  // Containers without their own profile inherit the pod's; a bad pod value is already reported above.
  if (windows || podType !== undefined || unset.length === 0) return;
  report(
    podTypePath,
    'pss-seccomp',
    `no seccomp profile is set for the pod or for ${joinAnd(unset)}, which Pod Security restricted requires; set securityContext.seccompProfile.type: RuntimeDefault on the pod`,
  );
}

function seccompMessage(who: string, type: unknown): string {
  const profile = type === 'Unconfined' ? 'baseline' : 'restricted';
  return `${who} sets seccompProfile.type ${describeValue(type)}, which Pod Security ${profile} forbids; set it to RuntimeDefault (or Localhost with a profile)`;
}

function checkRunAsNonRoot(
  containers: readonly ContainerRef[],
  podSecurityContext: Json,
  podSecurityContextPath: Path,
  report: Report,
): void {
  const podValue = podSecurityContext.runAsNonRoot;
  const podPath = [...podSecurityContextPath, 'runAsNonRoot'];
  if (isSet(podValue) && podValue !== true) {
    report(
      podPath,
      'pss-run-as-non-root',
      `the pod sets runAsNonRoot: ${String(podValue)}, which lets containers run as root and is forbidden by Pod Security restricted; set securityContext.runAsNonRoot: true`,
    );
  }
  const unset: string[] = [];
  for (const c of containers) {
    const value = c.securityContext.runAsNonRoot;
    if (value === true) continue;
    if (!isSet(value)) {
      unset.push(c.label);
      continue;
    }
    report(
      [...c.securityContextPath, 'runAsNonRoot'],
      'pss-run-as-non-root',
      `${c.label} sets runAsNonRoot: ${String(value)}, which is forbidden by Pod Security restricted; set it to true or remove it and set it on the pod`,
    );
  }
  // With a pod-level value of false already reported, the containers that inherit it need no second finding.
  if (isSet(podValue) || unset.length === 0) return;
  report(
    podPath,
    'pss-run-as-non-root',
    `neither the pod nor ${joinAnd(unset)} set runAsNonRoot: true, which Pod Security restricted requires; set securityContext.runAsNonRoot: true on the pod`,
  );
}

// A field counts as set unless it is absent or null, the way the Go structs read it.
function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? quote(value) : JSON.stringify(value) ?? String(value);
}
