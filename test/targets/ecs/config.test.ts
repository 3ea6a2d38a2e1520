import { InputError, formatProblem } from '../../../src/config/errors';
import { parseConfigText } from '../../../src/config/load';

/** The problems a config text is refused with, formatted as the CLI prints them. */
function problems(text: string): string[] {
  try {
    parseConfigText(text, 'saplings.yaml');
  } catch (err) {
    if (err instanceof InputError) return err.problems.map(formatProblem);
    throw err;
  }
  return [];
}

describe('the ecs: block', () => {
  test('is optional, and may be partial while the target is not selected', () => {
    const [bare] = parseConfigText('environment: production\nimage: saplings:1.0.0\n', 'saplings.yaml');
    expect(bare).not.toHaveProperty('ecs');
    const [partial] = parseConfigText('environment: production\nimage: saplings:1.0.0\necs:\n  cluster: saplings-cluster\n', 'saplings.yaml');
    expect(partial.ecs).toStrictEqual({ cluster: 'saplings-cluster', logStreamPrefix: 'ecs', tags: {} });
  });

  test('refuses the guide\'s placeholders, each at its position, saying what an AWS id looks like', () => {
    const text = `environment: production
image: saplings:1.0.0
ecs:
  cluster: saplings cluster
  region: us-west
  executionRoleArn: arn:aws:iam::account:role/ecsTaskExecutionRole
  taskRoleArn: arn:aws:iam::123456789012:user/me
  subnets: [subnet-12345, subnet-0123456789abcdef0]
  securityGroups: [sg-abcdef]
  targetGroupArn: arn:aws:elasticloadbalancing:region:account:targetgroup/saplings/123456
  secretsArnPrefix: arn:aws:s3:::bucket/
  secrets:
    OPENAI_API_KEY: arn:aws:secretsmanager:region:account:secret:saplings/openai-key
  tags: { "aws:owner": me }
`;
    expect(problems(text)).toStrictEqual([
      'saplings.yaml:4:12: ecs.cluster: must be an ECS cluster name (letters, digits, "-" and "_") or cluster ARN such as arn:aws:ecs:us-west-2:123456789012:cluster/saplings, got "saplings cluster"',
      'saplings.yaml:5:11: ecs.region: must be an AWS region such as us-west-2, got "us-west"',
      'saplings.yaml:6:21: ecs.executionRoleArn: must be an IAM role ARN such as arn:aws:iam::123456789012:role/ecsTaskExecutionRole, got "arn:aws:iam::account:role/ecsTaskExecutionRole"',
      'saplings.yaml:7:16: ecs.taskRoleArn: must be an IAM role ARN such as arn:aws:iam::123456789012:role/ecsTaskExecutionRole, got "arn:aws:iam::123456789012:user/me"',
      'saplings.yaml:8:13: ecs.subnets[0]: must be a subnet id such as subnet-0123456789abcdef0, got "subnet-12345"',
      'saplings.yaml:9:20: ecs.securityGroups[0]: must be a security group id such as sg-0123456789abcdef0, got "sg-abcdef"',
      'saplings.yaml:10:19: ecs.targetGroupArn: must be an ELB target group ARN such as arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/saplings/0123456789abcdef, got "arn:aws:elasticloadbalancing:region:account:targetgroup/...',
      'saplings.yaml:11:21: ecs.secretsArnPrefix: must be the start of a Secrets Manager ARN (arn:aws:secretsmanager:us-west-2:123456789012:secret:saplings/prod/) or an SSM parameter ARN (arn:aws:ssm:us-west-2:123456789012:parameter/saplings/prod/), which each key is appended to, got "arn:aws:s3:::bucket/"',
      'saplings.yaml:13:21: ecs.secrets.OPENAI_API_KEY: must be a Secrets Manager secret ARN (arn:aws:secretsmanager:us-west-2:123456789012:secret:saplings/OPENAI_API_KEY) or an SSM parameter ARN (arn:aws:ssm:us-west-2:123456789012:parameter/saplings/OPENAI_API_KEY), got a string of 64 characters (not shown)',
      'saplings.yaml:14:11: ecs.tags["aws:owner"]: invalid key: must not start with aws: (in any case: AWS:, Aws:), which is reserved for Amazon Web Services use, got "aws:owner"',
    ]);
  });

  test('refuses a target group in another region than the cluster', () => {
    const text = `environment: production
image: saplings:1.0.0
ecs:
  region: us-west-2
  targetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/saplings/0123456789abcdef
`;
    expect(problems(text)).toStrictEqual([
      'saplings.yaml:5:19: ecs.targetGroupArn: must be in ecs.region (us-west-2), got a target group in eu-west-1',
    ]);
  });
});

describe("ecs.tags, against ECS's tag rules", () => {
  const withTags = (tags: string) => `environment: production\nimage: saplings:1.0.0\necs:\n  tags: ${tags}\n`;
  const manyTags = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `T${i}: v`).join(', ')} }`;

  test('take 48 tags besides Environment and Application, and refuse a 49th: 50 per resource', () => {
    expect(problems(withTags(manyTags(48)))).toStrictEqual([]);
    expect(problems(withTags(manyTags(49)))).toStrictEqual([
      'saplings.yaml:4:9: ecs.tags: the maximum number of tags per resource is 50, and the tool sets Environment and Application: give at most 48, got 49',
    ]);
  });

  test('refuse the keys the tool sets, since each key must be unique, but not the same word in another case', () => {
    expect(problems(withTags('{ Environment: prod, environment: prod }'))).toStrictEqual([
      'saplings.yaml:4:24: ecs.tags.Environment: is a tag the tool sets itself (Environment and Application, from environment and name); each tag key must be unique on a resource: remove it, got "prod"',
    ]);
  });

  test('refuse the aws: prefix in any case, on keys and values, and what botocore\'s pattern does not take', () => {
    expect(problems(withTags('{ "AWS:team": a, Owner: "Aws:me", "bad#key": x, Note: "a;b" }'))).toStrictEqual([
      'saplings.yaml:4:11: ecs.tags["AWS:team"]: invalid key: must not start with aws: (in any case: AWS:, Aws:), which is reserved for Amazon Web Services use, got "AWS:team"',
      'saplings.yaml:4:33: ecs.tags.Owner: must not start with aws: (in any case: AWS:, Aws:), which is reserved for Amazon Web Services use, got "Aws:me"',
      'saplings.yaml:4:43: ecs.tags["bad#key"]: invalid key: must be a tag key of letters, numbers, spaces and + - = . _ : / @, got "bad#key"',
      'saplings.yaml:4:63: ecs.tags.Note: must be a tag value of letters, numbers, spaces and + - = . _ : / @, got "a;b"',
    ]);
  });

  test('count lengths in Unicode characters, as ECS does: 128 for a key, 256 for a value', () => {
    expect(problems(withTags(`{ "${'é'.repeat(128)}": "${'ü'.repeat(256)}" }`))).toStrictEqual([]);
    expect(problems(withTags(`{ "${'é'.repeat(129)}": v }`)).map((p) => p.replace(/, got .*/, ''))).toStrictEqual([
      `saplings.yaml:4:11: ecs.tags["${'é'.repeat(129)}"]: invalid key: must be a tag key of 1 to 128 Unicode characters`,
    ]);
    expect(problems(withTags(`{ Note: "${'ü'.repeat(257)}" }`)).map((p) => p.replace(/, got .*/, ''))).toStrictEqual([
      'saplings.yaml:4:17: ecs.tags.Note: must be a tag value of at most 256 Unicode characters',
    ]);
  });
});
