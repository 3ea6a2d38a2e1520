import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfigFile } from '../../../src/config/load';
import { renderStack } from '../../../src/targets/kubernetes/render';

/** Dummy values for the keys examples/inline-dev.yaml reads from the environment. */
const ENV = { OPENAI_API_KEY: 'dummy-openai', ANTHROPIC_API_KEY: 'dummy-anthropic', ENCRYPTION_KEY: 'dummy-encryption' };

/**
 * Every selector of every example's objects, by example, stack and object:
 * the Deployments' selectors, the Services', the PodDisruptionBudgets', the
 * NetworkPolicies' podSelectors (and their peers'), the topology spread
 * constraints' and the HPAs' targets.
 */
export function selectorsOfExamples(examplesDir: string, only?: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const example of fs.readdirSync(examplesDir).filter((f) => /\.ya?ml$/.test(f) && (!only || only.includes(f))).sort()) {
    for (const stack of loadConfigFile(path.join(examplesDir, example), { env: ENV })) {
      for (const o of renderStack(stack).objects as any[]) {
        const spec = o.spec ?? {};
        const selectors: Record<string, unknown> = {};
        if (o.kind === 'Deployment' || o.kind === 'StatefulSet') {
          selectors.selector = spec.selector;
          selectors.topologySpread = (spec.template?.spec?.topologySpreadConstraints ?? []).map((c: any) => c.labelSelector);
        }
        if (o.kind === 'Service' || o.kind === 'PodDisruptionBudget') selectors.selector = spec.selector;
        if (o.kind === 'NetworkPolicy') {
          selectors.podSelector = spec.podSelector;
          selectors.peers = [...(spec.ingress ?? []).flatMap((r: any) => r.from ?? []), ...(spec.egress ?? []).flatMap((r: any) => r.to ?? [])];
        }
        if (o.kind === 'HorizontalPodAutoscaler') selectors.target = spec.scaleTargetRef;
        if (Object.keys(selectors).length > 0) out[`${example} ${stack.name} ${o.kind}/${o.metadata.name}`] = selectors;
      }
    }
  }
  return out;
}
