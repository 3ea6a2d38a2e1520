/**
 * The shapes of the Google Cloud and AWS identifiers a config names (ARNs,
 * regions, subnet ids, Secret Manager versions), written once: the config
 * schema refuses a bad one with its position, and the ECS and Cloud Run
 * targets check their output (and anyone's files, in `validate`) with the same
 * rules the clouds apply.
 */

/** One identifier's shape, and how a message describes it. */
export interface CloudIdShape {
  /** The whole identifier must match. */
  readonly pattern: RegExp;
  /** What it must be, with an example, for messages: "must be <help>". */
  readonly help: string;
}

const PARTITION = 'aws(?:-cn|-us-gov)?';
const AWS_REGION = '[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\\d';
const ACCOUNT = '\\d{12}';
// A Secrets Manager secret name, then the optional json-key:version-stage:version-id that ECS reads.
const SECRET_NAME = '[A-Za-z0-9/_+=.@-]+';
const SSM_NAME = '[A-Za-z0-9_./-]+';
// A prefix each key is appended to; it may end anywhere, even be empty after `secret:`.
const SECRET_PREFIX = '[A-Za-z0-9/_+=.@-]*';
const SSM_PREFIX = '[A-Za-z0-9_./-]*';

/** Every identifier shape, by what it names. */
export const CLOUD_IDS = {
  awsRegion: { pattern: new RegExp(`^${AWS_REGION}$`), help: 'an AWS region such as us-west-2' },
  iamRoleArn: {
    pattern: new RegExp(`^arn:${PARTITION}:iam::${ACCOUNT}:role/(?:[\\x21-\\x7e]*/)?[\\w+=,.@-]{1,64}$`),
    help: 'an IAM role ARN such as arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
  },
  targetGroupArn: {
    pattern: new RegExp(`^arn:${PARTITION}:elasticloadbalancing:${AWS_REGION}:${ACCOUNT}:targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$`),
    help: 'an ELB target group ARN such as arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/saplings/0123456789abcdef',
  },
  ecsCluster: {
    pattern: new RegExp(`^(?:[A-Za-z0-9_-]{1,255}|arn:${PARTITION}:ecs:${AWS_REGION}:${ACCOUNT}:cluster/[A-Za-z0-9_-]{1,255})$`),
    help: 'an ECS cluster name (letters, digits, "-" and "_") or cluster ARN such as arn:aws:ecs:us-west-2:123456789012:cluster/saplings',
  },
  ecsName: { pattern: /^[A-Za-z0-9_-]{1,255}$/, help: 'up to 255 letters, digits, "-" and "_"' },
  subnetId: { pattern: /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, help: 'a subnet id such as subnet-0123456789abcdef0' },
  securityGroupId: { pattern: /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, help: 'a security group id such as sg-0123456789abcdef0' },
  secretArn: {
    pattern: new RegExp(
      `^arn:${PARTITION}:(?:secretsmanager:${AWS_REGION}:${ACCOUNT}:secret:${SECRET_NAME}(?::[^:]*:[^:]*:[^:]*)?|ssm:${AWS_REGION}:${ACCOUNT}:parameter/${SSM_NAME})$`,
    ),
    help: 'a Secrets Manager secret ARN (arn:aws:secretsmanager:us-west-2:123456789012:secret:saplings/OPENAI_API_KEY) or an SSM parameter ARN (arn:aws:ssm:us-west-2:123456789012:parameter/saplings/OPENAI_API_KEY)',
  },
  secretArnPrefix: {
    pattern: new RegExp(`^arn:${PARTITION}:(?:secretsmanager:${AWS_REGION}:${ACCOUNT}:secret:${SECRET_PREFIX}|ssm:${AWS_REGION}:${ACCOUNT}:parameter/${SSM_PREFIX})$`),
    help: 'the start of a Secrets Manager ARN (arn:aws:secretsmanager:us-west-2:123456789012:secret:saplings/prod/) or an SSM parameter ARN (arn:aws:ssm:us-west-2:123456789012:parameter/saplings/prod/), which each key is appended to',
  },
  logGroup: { pattern: /^[.\-_/#A-Za-z0-9]{1,512}$/, help: 'a CloudWatch Logs group name such as /ecs/saplings' },
  gcpProject: {
    pattern: /^(?:[a-z][a-z0-9-]{4,28}[a-z0-9]|[0-9]{1,20})$/,
    help: 'a Google Cloud project id (6 to 30 lowercase letters, digits and "-", starting with a letter) or project number',
  },
  gcpRegion: { pattern: /^[a-z]+-[a-z]+[0-9]+$/, help: 'a Google Cloud region such as us-central1' },
  gcpServiceAccount: {
    pattern: /^[a-z0-9][a-z0-9-]{0,62}@[a-z0-9][a-z0-9.-]*\.gserviceaccount\.com$/,
    help: 'a service account email such as saplings@my-project.iam.gserviceaccount.com',
  },
  gcpSecret: { pattern: /^[A-Za-z0-9_-]{1,255}$/, help: 'a Secret Manager secret id: up to 255 letters, digits, "-" and "_"' },
  gcpSecretVersion: { pattern: /^(?:latest|[1-9][0-9]*)$/, help: 'a Secret Manager version number such as 3, or latest' },
  cloudRunService: {
    pattern: /^[a-z](?:[-a-z0-9]{0,47}[a-z0-9])?$/,
    help: 'a Cloud Run service name: at most 49 lowercase letters, digits and "-", starting with a letter and not ending with "-"',
  },
} as const satisfies Record<string, CloudIdShape>;

/** The region of an AWS ARN (`us-west-2` in `arn:aws:ecs:us-west-2:…`), or undefined for a global one (IAM). */
export function arnRegion(arn: string): string | undefined {
  const region = arn.split(':')[3];
  return region ? region : undefined;
}
