import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfigFile } from '../../src/config/load';
import { StackConfig } from '../../src/config/schema';
import { Finding } from '../../src/checks/findings';
import { validateObjects } from '../../src/checks/k8s-validate';
import { findLeaks } from '../../src/checks/leak-guard';
import { checkPolicy } from '../../src/checks/policy';
import { KubeObject, renderStack } from '../../src/targets/kubernetes/render';

/*
 * The examples are what users copy, so each must be clean: no finding from
 * the Kubernetes API check, the security policy or the leak guard, and every
 * workload locked down the way Pod Security "restricted" asks.
 */

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

/** Dummy values for the keys examples/inline-dev.yaml reads from the environment. */
const ENV = { OPENAI_API_KEY: 'dummy-openai', ANTHROPIC_API_KEY: 'dummy-anthropic', ENCRYPTION_KEY: 'dummy-encryption' };

interface RenderedExample {
  readonly example: string;
  readonly stack: StackConfig;
  readonly objects: KubeObject[];
}

const exampleFiles = fs.readdirSync(EXAMPLES).filter((f) => /\.ya?ml$/.test(f)).sort();

const rendered: RenderedExample[] = exampleFiles.flatMap((example) =>
  loadConfigFile(path.join(EXAMPLES, example), { env: ENV }).map((stack) => ({ example, stack, objects: renderStack(stack).objects })),
);

const cases = rendered.map((r) => [`${r.example} (${r.stack.name}, ${r.stack.environment})`, r] as const);

/** A finding without its message, so a failure shows what and where at a glance. */
function brief(f: Finding): string {
  return `${f.severity} ${f.rule} ${f.object} ${f.path}`;
}

describe('the examples', () => {
  test('are all found, and every document is a stack', () => {
    expect(exampleFiles.length).toBeGreaterThanOrEqual(9);
    expect(exampleFiles).toEqual(expect.arrayContaining(['saplings.yaml', 'external-secrets.yaml', 'inline-dev.yaml', 'fleet.yaml']));
    const documents = exampleFiles.reduce((n, f) => n + fs.readFileSync(path.join(EXAMPLES, f), 'utf8').split(/^---$/m).length, 0);
    expect(rendered).toHaveLength(documents);
  });

  // For its own environment: a development example's Redis runs without a password, as development allows.
  test.each(cases)('%s: the policy finds nothing', (_name, { stack, objects }) => {
    expect(checkPolicy(objects, { environment: stack.environment }).map(brief)).toStrictEqual([]);
  });

  // The ServiceMonitor and ExternalSecret are checked through their CRD bindings, so not even a note.
  test.each(cases)('%s: the API check finds nothing', (_name, { objects }) => {
    expect(validateObjects(objects).map(brief)).toStrictEqual([]);
  });

  test.each(cases.filter(([, r]) => r.stack.environment !== 'development'))('%s: the leak guard finds nothing', (_name, { objects }) => {
    expect(findLeaks(objects).map(brief)).toStrictEqual([]);
  });

  test.each(cases)('%s: every Deployment runs as non-root, with a UID, RuntimeDefault seccomp and no capabilities', (_name, { objects }) => {
    const deployments = objects.filter((o) => o.kind === 'Deployment') as any[];
    expect(deployments.length).toBeGreaterThan(0);
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      const containers = [...(pod.initContainers ?? []), ...pod.containers];
      for (const container of containers) {
        const own = container.securityContext ?? {};
        const podContext = pod.securityContext ?? {};
        const effective = (field: string) => own[field] ?? podContext[field];
        expect({
          container: `${deployment.metadata.name}/${container.name}`,
          runAsNonRoot: effective('runAsNonRoot'),
          runAsUserIsNonZero: typeof effective('runAsUser') === 'number' && effective('runAsUser') > 0,
          seccomp: effective('seccompProfile')?.type,
          dropsAll: own.capabilities?.drop?.includes('ALL') === true,
          allowPrivilegeEscalation: own.allowPrivilegeEscalation,
        }).toStrictEqual({
          container: `${deployment.metadata.name}/${container.name}`,
          runAsNonRoot: true,
          runAsUserIsNonZero: true,
          seccomp: 'RuntimeDefault',
          dropsAll: true,
          allowPrivilegeEscalation: false,
        });
      }
    }
  });
});
