import { runChecks } from '../../checks';
import { Finding } from '../../checks/findings';
import { asString, isObject } from '../../checks/json';
import { Target, asCheckedDocument } from '../target';
import { ecsDocuments } from './render';
import { SERVICE_KIND, TASK_DEFINITION_KIND, serviceFindings, taskDefinitionFindings } from './rules';

/**
 * AWS ECS on Fargate: `<name>.ecs-task-definition.json` (a
 * RegisterTaskDefinition input) and `<name>.ecs-service.json` (a
 * CreateService input). JSON has no comments, so the files carry no
 * provenance header; the output's manifest of generated files records them.
 * Both go through the leak guard; ARN shapes and Fargate sizes are the
 * target's own check.
 */
export const ecsTarget: Target = {
  name: 'ecs',
  // Values with no sane default; a secret's ARN (ecs.secretsArnPrefix or ecs.secrets) is checked per key at render.
  requires: ['ecs.cluster', 'ecs.region', 'ecs.executionRoleArn', 'ecs.taskRoleArn', 'ecs.subnets', 'ecs.securityGroups', 'ecs.targetGroupArn'],

  render(stack, options) {
    const { taskDefinition, service } = ecsDocuments(stack, options.location);
    const taskFile = `${stack.name}.ecs-task-definition.json`;
    const serviceFile = `${stack.name}.ecs-service.json`;
    return {
      files: [
        { path: taskFile, content: toJson(taskDefinition) },
        { path: serviceFile, content: toJson(service) },
      ],
      checks: [
        { objects: [asCheckedDocument(TASK_DEFINITION_KIND, String(taskDefinition.family), taskDefinition)], kubernetes: false, file: taskFile },
        { objects: [asCheckedDocument(SERVICE_KIND, String(service.serviceName), service)], kubernetes: false, file: serviceFile },
      ],
    };
  },

  check(output) {
    return output.checks.flatMap((subject) =>
      subject.objects.flatMap((object) => (object.kind === TASK_DEFINITION_KIND ? taskDefinitionFindings : serviceFindings)(object, subject.file)),
    );
  },

  checkFile(file, text, environment): Finding[] {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (err) {
      return [{ severity: 'error', rule: 'ecs-syntax', file, object: 'document #1', path: '', message: `is not JSON: ${(err as Error).message}` }];
    }
    if (!isObject(document)) {
      return [{ severity: 'error', rule: 'ecs-syntax', file, object: 'document #1', path: '', message: 'must be a JSON object: an ECS request input' }];
    }
    const isTask = /\.ecs-task-definition\.json$/.test(file);
    const kind = isTask ? TASK_DEFINITION_KIND : SERVICE_KIND;
    const name = asString(document[isTask ? 'family' : 'serviceName']) ?? '';
    const leaks = runChecks([asCheckedDocument(kind, name, document)], { file, environment, kubernetes: false });
    return [...leaks, ...(isTask ? taskDefinitionFindings(document, file) : serviceFindings(document, file))];
  },
};

function toJson(document: Record<string, unknown>): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
