import { z } from 'zod';
import { SEED } from '../../conventions/defaults';
import { CLOUD_IDS, arnRegion } from '../../conventions/cloud-ids';
import { cloudId, envVarName, imageReference, unpinnedImageProblem } from '../../config/fields';
import type { TargetConfig } from '../target-config';

// The ECS target's config fragment: loaded with every config, so it imports no render code.

/*
 * ECS's tag rules, in its own words (the Tag shape of the ECS API, as botocore
 * ships it, and https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-using-tags.html):
 * "Maximum number of tags per resource - 50", "each tag key must be unique",
 * "Maximum key length - 128 Unicode characters", "Maximum value length - 256
 * Unicode characters", and "Do not use aws:, AWS:, or any upper or lowercase
 * combination of such as a prefix for either keys or values". botocore's
 * patterns for TagKey and TagValue are ([\p{L}\p{Z}\p{N}_.:/=+\-@]*).
 */
export const ECS_MAX_TAGS = 50;
/** The tags the ECS target sets on every task definition and service. */
export const ECS_OWN_TAG_KEYS = ['Environment', 'Application'] as const;
const ECS_TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const AWS_PREFIX = /^aws:/i;
const ecsTagKey = z
  .string()
  .refine((k) => [...k].length >= 1 && [...k].length <= 128, { error: 'must be a tag key of 1 to 128 Unicode characters' })
  .refine((k) => ECS_TAG_TEXT.test(k), { error: 'must be a tag key of letters, numbers, spaces and + - = . _ : / @' })
  .refine((k) => !AWS_PREFIX.test(k), { error: 'must not start with aws: (in any case: AWS:, Aws:), which is reserved for Amazon Web Services use' });
const ecsTagValue = z
  .string()
  .refine((v) => [...v].length <= 256, { error: 'must be a tag value of at most 256 Unicode characters' })
  .refine((v) => ECS_TAG_TEXT.test(v), { error: 'must be a tag value of letters, numbers, spaces and + - = . _ : / @' })
  .refine((v) => !AWS_PREFIX.test(v), { error: 'must not start with aws: (in any case: AWS:, Aws:), which is reserved for Amazon Web Services use' });

const ecsSchema = z
  .strictObject({
    cluster: cloudId(CLOUD_IDS.ecsCluster).optional().describe('ECS cluster name or ARN; required by --target ecs'),
    region: cloudId(CLOUD_IDS.awsRegion).optional().describe('AWS region of the cluster and the logs; required by --target ecs'),
    executionRoleArn: cloudId(CLOUD_IDS.iamRoleArn).optional().describe('Role ECS pulls the image, reads the secrets and writes logs with; required by --target ecs'),
    taskRoleArn: cloudId(CLOUD_IDS.iamRoleArn).optional().describe('Role the app runs as; required by --target ecs'),
    subnets: z.array(cloudId(CLOUD_IDS.subnetId)).min(1).max(16).optional().describe('Private subnets of the tasks (subnet-…); required by --target ecs'),
    securityGroups: z.array(cloudId(CLOUD_IDS.securityGroupId)).min(1).max(5).optional().describe('Security groups of the tasks (sg-…); required by --target ecs'),
    targetGroupArn: cloudId(CLOUD_IDS.targetGroupArn).optional().describe("The load balancer's target group (type ip), in ecs.region; required by --target ecs"),
    secretsArnPrefix: cloudId(CLOUD_IDS.secretArnPrefix)
      .optional()
      .describe('Each secret is read from this Secrets Manager (or SSM parameter) prefix plus its name: …:secret:saplings/prod/ gives …:secret:saplings/prod/OPENAI_API_KEY; required by --target ecs unless ecs.secrets maps every variable'),
    secrets: z
      .record(envVarName, cloudId(CLOUD_IDS.secretArn))
      .optional()
      .describe('Secrets Manager or SSM parameter ARN per env var; wins over secretsArnPrefix'),
    image: imageReference.optional().describe('Image for ECS (ECR); defaults to image'),
    family: cloudId(CLOUD_IDS.ecsName).optional().describe('Task definition family; defaults to <name>-app'),
    serviceName: cloudId(CLOUD_IDS.ecsName).optional().describe('ECS service name; defaults to <name>-service'),
    logGroup: cloudId(CLOUD_IDS.logGroup).optional().describe('CloudWatch Logs group, which must exist; defaults to /ecs/<name>'),
    logStreamPrefix: z
      .string()
      .regex(/^[^:*]{1,512}$/, { error: 'must be 1 to 512 characters, without ":" or "*"' })
      .default(SEED.ecs.logStreamPrefix)
      .describe('awslogs-stream-prefix'),
    tags: z
      .record(ecsTagKey, ecsTagValue)
      .superRefine((tags, ctx) => {
        for (const key of Object.keys(tags)) {
          if ((ECS_OWN_TAG_KEYS as readonly string[]).includes(key)) {
            ctx.addIssue({ code: 'custom', path: [key], input: key, message: `is a tag the tool sets itself (${ECS_OWN_TAG_KEYS.join(' and ')}, from environment and name); each tag key must be unique on a resource: remove it` });
          }
        }
        const own = Object.keys(tags).length;
        if (own + ECS_OWN_TAG_KEYS.length > ECS_MAX_TAGS) {
          ctx.addIssue({
            code: 'custom',
            path: [],
            input: own,
            message: `the maximum number of tags per resource is ${ECS_MAX_TAGS}, and the tool sets ${ECS_OWN_TAG_KEYS.join(' and ')}: give at most ${ECS_MAX_TAGS - ECS_OWN_TAG_KEYS.length}, got ${own}`,
          });
        }
      })
      .default({})
      .describe('Tags on the task definition and service, besides Environment and Application (50 in all)'),
  })
  .superRefine((e, ctx) => {
    // A service can register its tasks only with a target group in its own region.
    const tgRegion = e.targetGroupArn && arnRegion(e.targetGroupArn);
    if (e.region && tgRegion && tgRegion !== e.region) {
      ctx.addIssue({
        code: 'custom',
        path: ['targetGroupArn'],
        input: e.targetGroupArn,
        message: `must be in ecs.region (${e.region}), got a target group in ${tgRegion}`,
      });
    }
  });


/** The `ecs:` key: AWS ECS on Fargate (`--target ecs`). In production, its own image must be pinned. */
export const ecsConfig: TargetConfig<'ecs', ReturnType<typeof ecsSchema.optional>> = {
  key: 'ecs',
  schema: ecsSchema.optional().describe('AWS ECS on Fargate (--target ecs)'),
  stackRules(ecs, stack, report) {
    const unpinned = stack.environment === 'production' ? unpinnedImageProblem(ecs.image) : undefined;
    if (unpinned) report({ path: ['image'], input: ecs.image, message: unpinned });
  },
};
