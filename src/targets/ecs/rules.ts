import { Finding } from '../../checks/findings';
import { Path, asList, asObject, asString, at, toPath } from '../../checks/json';
import { CLOUD_IDS, CloudIdShape, arnRegion } from '../../conventions/cloud-ids';
import { plainSecretFindings } from '../managed-app';
import { FARGATE_MAX_STOP_TIMEOUT, FARGATE_TABLE, isFargateSize } from './fargate';

/** How findings name a task definition: `EcsTaskDefinition/<family>`. */
export const TASK_DEFINITION_KIND = 'EcsTaskDefinition';
/** How findings name a service: `EcsService/<serviceName>`. */
export const SERVICE_KIND = 'EcsService';

type Report = (path: Path, rule: string, message: string) => void;

function reporter(findings: Finding[], file: string, object: string): Report {
  return (path, rule, message) => findings.push({ severity: 'error', rule, file, object, path: toPath(path), message });
}

/** Reports a string field that is present but not of `shape`. */
function checkShape(document: unknown, path: Path, shape: CloudIdShape, report: Report): string | undefined {
  const value = at(document, path);
  if (value === undefined) return undefined;
  const text = asString(value);
  if (text === undefined || !shape.pattern.test(text)) report(path, 'ecs-id-shape', `must be ${shape.help}`);
  return text;
}

/**
 * What ECS refuses in a RegisterTaskDefinition input that botocore's
 * parameter validator lets through: role and secret ARNs of the wrong shape, a
 * CPU and memory pair Fargate does not run, an awslogs region that is not
 * one, a stop timeout over Fargate's 120 s, tags ECS refuses. Also refuses
 * a plain variable whose name marks it as a secret.
 */
export function taskDefinitionFindings(document: unknown, file: string): Finding[] {
  const findings: Finding[] = [];
  const report = reporter(findings, file, `${TASK_DEFINITION_KIND}/${asString(at(document, ['family'])) ?? ''}`);
  checkShape(document, ['executionRoleArn'], CLOUD_IDS.iamRoleArn, report);
  checkShape(document, ['taskRoleArn'], CLOUD_IDS.iamRoleArn, report);
  const fargate = asList(at(document, ['requiresCompatibilities'])).includes('FARGATE');
  const cpu = at(document, ['cpu']);
  const memory = at(document, ['memory']);
  if (fargate && !isFargateSize(cpu, memory)) {
    report(['cpu'], 'ecs-fargate-size', `cpu ${String(cpu)} with memory ${String(memory)} is not a size Fargate runs. ${FARGATE_TABLE}`);
  }
  asList(at(document, ['containerDefinitions'])).forEach((container, i) => {
    const base: Path = ['containerDefinitions', i];
    const stopTimeout = asObject(container)?.stopTimeout;
    if (fargate && typeof stopTimeout === 'number' && stopTimeout > FARGATE_MAX_STOP_TIMEOUT) {
      report([...base, 'stopTimeout'], 'ecs-stop-timeout', `is ${stopTimeout}; "for tasks that use the Fargate launch type, the max stop timeout value is ${FARGATE_MAX_STOP_TIMEOUT} seconds"`);
    }
    asList(asObject(container)?.secrets).forEach((_secret, j) => {
      const path = [...base, 'secrets', j, 'valueFrom'];
      const valueFrom = asString(at(document, path));
      // A bare name is an SSM parameter in the task's own region, which ECS also takes.
      if (valueFrom?.startsWith('arn:')) checkShape(document, path, CLOUD_IDS.secretArn, report);
    });
    const logOptions = asObject(at(document, [...base, 'logConfiguration', 'options']));
    if (asString(at(document, [...base, 'logConfiguration', 'logDriver'])) === 'awslogs' && logOptions) {
      checkShape(document, [...base, 'logConfiguration', 'options', 'awslogs-region'], CLOUD_IDS.awsRegion, report);
      checkShape(document, [...base, 'logConfiguration', 'options', 'awslogs-group'], CLOUD_IDS.logGroup, report);
    }
    const env = asList(asObject(container)?.environment).map((entry, j) => ({
      name: asString(asObject(entry)?.name) ?? '',
      path: toPath([...base, 'environment', j, 'value']),
    }));
    findings.push(...plainSecretFindings(env, { file, object: `${TASK_DEFINITION_KIND}/${asString(at(document, ['family'])) ?? ''}` }));
  });
  tagFindings(document, report);
  return findings;
}

/** ECS's limits on a resource's tags, which botocore checks only in part (the count, not unique keys or the aws: prefix). */
function tagFindings(document: unknown, report: Report): void {
  const tags = asList(at(document, ['tags']));
  // The Tag shape's documentation: "Maximum number of tags per resource - 50", "each tag key must be unique", and
  // "Do not use aws:, AWS:, or any upper or lowercase combination of such as a prefix for either keys or values".
  if (tags.length > 50) report(['tags'], 'ecs-tags', `has ${tags.length} tags; the maximum number of tags per resource is 50`);
  const seen = new Set<string>();
  tags.forEach((tag, i) => {
    const key = asString(asObject(tag)?.key) ?? '';
    const value = asString(asObject(tag)?.value) ?? '';
    if (seen.has(key)) report(['tags', i, 'key'], 'ecs-tags', `${key} is a tag key already; each tag key must be unique`);
    seen.add(key);
    if (/^aws:/i.test(key)) report(['tags', i, 'key'], 'ecs-tags', 'must not start with aws: (in any case), which is reserved for Amazon Web Services use');
    if (/^aws:/i.test(value)) report(['tags', i, 'value'], 'ecs-tags', 'must not start with aws: (in any case), which is reserved for Amazon Web Services use');
  });
}

/**
 * What ECS refuses in a CreateService input that botocore's parameter
 * validator lets through: a cluster, target group, subnet or security group
 * of the wrong shape, a target group in another region than the cluster, and
 * tags ECS refuses.
 */
export function serviceFindings(document: unknown, file: string): Finding[] {
  const findings: Finding[] = [];
  const report = reporter(findings, file, `${SERVICE_KIND}/${asString(at(document, ['serviceName'])) ?? ''}`);
  const cluster = checkShape(document, ['cluster'], CLOUD_IDS.ecsCluster, report);
  const clusterRegion = cluster !== undefined && CLOUD_IDS.ecsCluster.pattern.test(cluster) ? arnRegion(cluster) : undefined;
  asList(at(document, ['loadBalancers'])).forEach((_lb, i) => {
    const arn = checkShape(document, ['loadBalancers', i, 'targetGroupArn'], CLOUD_IDS.targetGroupArn, report);
    if (arn && clusterRegion && CLOUD_IDS.targetGroupArn.pattern.test(arn) && arnRegion(arn) !== clusterRegion) {
      report(['loadBalancers', i, 'targetGroupArn'], 'ecs-region', `is in ${arnRegion(arn)}, but the cluster is in ${clusterRegion}; a service registers tasks only with a target group in its own region`);
    }
  });
  const vpc: Path = ['networkConfiguration', 'awsvpcConfiguration'];
  asList(at(document, [...vpc, 'subnets'])).forEach((_s, i) => checkShape(document, [...vpc, 'subnets', i], CLOUD_IDS.subnetId, report));
  asList(at(document, [...vpc, 'securityGroups'])).forEach((_s, i) => checkShape(document, [...vpc, 'securityGroups', i], CLOUD_IDS.securityGroupId, report));
  checkShape(document, ['role'], CLOUD_IDS.iamRoleArn, report);
  tagFindings(document, report);
  return findings;
}
