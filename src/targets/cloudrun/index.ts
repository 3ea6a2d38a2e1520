import { runChecks } from '../../checks';
import { Finding } from '../../checks/findings';
import { parseManifestStream } from '../../config/yaml';
import { KubeObject } from '../../conventions/kube-object';
import { YamlValue, emitYaml } from '../yaml';
import { Target } from '../target';
import { cloudRunFindings } from './rules';
import { cloudRunService } from './service';

/**
 * Google Cloud Run: `<name>.cloudrun.yaml`, a Knative Service for
 * `gcloud run services replace`. The Service is Kubernetes-shaped, so it goes
 * through the API/CRD validator (with the Knative Service CRD) and the leak
 * guard; the policy finds no pod template in it (Cloud Run refuses a
 * securityContext and sandboxes every instance itself). Cloud Run's own rules
 * are the target's check.
 */
export const cloudRunTarget: Target = {
  name: 'cloudrun',
  // Every other key has the guide's default; which secret holds what, no default can know.
  requires: ['cloudrun.secrets'],

  render(stack, options) {
    const service = cloudRunService(stack, options.location);
    const file = `${stack.name}.cloudrun.yaml`;
    return {
      files: [{ path: file, content: options.header + emitYaml(service as unknown as YamlValue) }],
      checks: [{ objects: [service], kubernetes: true, file }],
    };
  },

  check(output, stack) {
    return output.checks.flatMap((subject) => subject.objects.flatMap((service) => cloudRunFindings(service, subject.file, stack.environment)));
  },

  // validate on a .cloudrun.yaml runs what synth runs: the CRD and leak checks, then Cloud Run's own rules.
  checkFile(file, text, environment): Finding[] {
    const parsed = parseManifestStream(text);
    const syntax = parsed.problems.map((p): Finding => ({
      severity: 'error',
      rule: 'yaml-syntax',
      file: p.position ? `${file}:${p.position.line}:${p.position.column}` : file,
      object: `document #${p.document}`,
      path: '',
      message: p.message,
    }));
    const objects = parsed.values.map((v) => v.value as KubeObject);
    const services = objects.filter((o) => o?.kind === 'Service' && o.apiVersion === 'serving.knative.dev/v1');
    return [
      ...syntax,
      ...runChecks(objects, { file, environment, kubernetes: true }),
      ...services.flatMap((service) => cloudRunFindings(service, file, environment)),
    ];
  },
};
