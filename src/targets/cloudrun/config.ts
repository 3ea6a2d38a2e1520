import { z } from 'zod';
import { SEED } from '../../conventions/defaults';
import { CLOUD_IDS } from '../../conventions/cloud-ids';
import { cloudId, envVarName, imageReference, unpinnedImageProblem } from '../../config/fields';
import type { TargetConfig } from '../target-config';

// The Cloud Run target's config fragment: loaded with every config, so it imports no render code.

/** A Secret Manager version: a number (3, or "3") or latest, as a string. */
const secretVersion = z
  .union([z.int().min(1), cloudId(CLOUD_IDS.gcpSecretVersion)], { error: `must be ${CLOUD_IDS.gcpSecretVersion.help}` })
  .transform((v) => String(v));

/** A VPC network or subnetwork: a name (RFC 1035 label) or its resource path. */
const gcpNetworkName = z
  .string()
  .regex(/^(?:projects\/[^/\s]+\/(?:global|regions\/[a-z]+-[a-z]+\d+)\/(?:networks|subnetworks)\/)?[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/, {
    error: 'must be a network or subnetwork name (lowercase letters, digits and -, up to 63, starting with a letter) or its projects/… path',
  });

/** A Compute Engine network tag (RFC 1035 label). */
const gcpNetworkTag = z.string().regex(/^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/, { error: 'must be a network tag: lowercase letters, digits and -, up to 63, starting with a letter' });

const cloudRunSchema = z
  .strictObject({
    project: cloudId(CLOUD_IDS.gcpProject).optional().describe("Google Cloud project (id or number), written as metadata.namespace, which Cloud Run reads as the project; else gcloud's --project decides"),
    region: cloudId(CLOUD_IDS.gcpRegion).optional().describe('Region label (cloud.googleapis.com/location); else gcloud --region decides'),
    serviceAccount: cloudId(CLOUD_IDS.gcpServiceAccount).optional().describe("Service account the revision runs as; it needs roles/secretmanager.secretAccessor on the secrets. Defaults to Cloud Run's default"),
    image: imageReference.optional().describe('Image for Cloud Run (Artifact Registry); defaults to image'),
    minScale: z.int().min(0).max(1000).default(SEED.cloudrun.minScale).describe('autoscaling.knative.dev/minScale: instances kept warm'),
    maxScale: z.int().min(1).max(1000).default(SEED.cloudrun.maxScale).describe('autoscaling.knative.dev/maxScale'),
    concurrency: z.int().min(1).max(1000).default(SEED.cloudrun.concurrency).describe('containerConcurrency: requests one instance serves at once'),
    timeoutSeconds: z.int().min(1).max(3600).default(SEED.cloudrun.timeoutSeconds).describe("Cloud Run's request timeout (not gunicorn's TIMEOUT)"),
    cpuThrottling: z.boolean().default(SEED.cloudrun.cpuThrottling).describe("run.googleapis.com/cpu-throttling: CPU only during requests; false keeps the CPU on between requests, for the agent's background work"),
    executionEnvironment: z.enum(['gen1', 'gen2']).default(SEED.cloudrun.executionEnvironment).describe('run.googleapis.com/execution-environment'),
    ingress: z
      .enum(['all', 'internal', 'internal-and-cloud-load-balancing'])
      .default(SEED.cloudrun.ingress)
      .describe('run.googleapis.com/ingress: where requests may come from'),
    public: z
      .boolean()
      .default(false)
      .describe('run.googleapis.com/invoker-iam-disabled: anyone may invoke the service; else callers need roles/run.invoker'),
    startupCpuBoost: z.boolean().default(true).describe('run.googleapis.com/startup-cpu-boost: more CPU while an instance starts'),
    vpcNetwork: z
      .strictObject({
        network: gcpNetworkName.optional().describe('VPC network (name or projects/P/global/networks/N)'),
        subnetwork: gcpNetworkName.optional().describe('Subnet in the service\'s region (name or projects/P/regions/R/subnetworks/S)'),
        tags: z.array(gcpNetworkTag).max(64).optional().describe('Network tags that firewall rules select the instances by'),
      })
      .refine((v) => v.network !== undefined || v.subnetwork !== undefined, { error: 'must name a network, a subnetwork or both' })
      .optional()
      .describe('Direct VPC egress (run.googleapis.com/network-interfaces), to reach Memorystore or a private database'),
    vpcConnector: z
      .string()
      .regex(/^(?:projects\/[^/\s]+\/locations\/[a-z]+-[a-z]+\d+\/connectors\/)?[a-z](?:[-a-z0-9]{0,23}[a-z0-9])?$/, {
        error: 'must be a Serverless VPC Access connector name (lowercase letters, digits and -, up to 25) or projects/P/locations/R/connectors/NAME',
      })
      .optional()
      .describe('Serverless VPC Access connector (run.googleapis.com/vpc-access-connector); or vpcNetwork'),
    vpcEgress: z
      .enum(['private-ranges-only', 'all-traffic'])
      .default('private-ranges-only')
      .describe('run.googleapis.com/vpc-access-egress: what goes through the VPC, with vpcNetwork or vpcConnector'),
    publicBackends: z
      .boolean()
      .default(false)
      .describe('The Redis and database the app reads are reachable over the internet, so no VPC egress is needed'),
    secrets: z
      .record(
        envVarName,
        z.strictObject({
          secret: cloudId(CLOUD_IDS.gcpSecret).describe('Secret Manager secret id'),
          version: secretVersion.describe('Secret Manager version: a number, or latest (refused in production)'),
        }),
      )
      .optional()
      .describe('Every variable the app reads from a secret, as ENV_NAME: {secret, version}; required by --target cloudrun'),
  })
  .superRefine((c, ctx) => {
    if (c.maxScale < c.minScale) {
      ctx.addIssue({ code: 'custom', path: ['maxScale'], input: c.maxScale, message: `must be ≥ minScale (${c.minScale}), got ${c.maxScale}` });
    }
    // A revision sends VPC traffic one way, Direct VPC egress or a connector: https://cloud.google.com/run/docs/configuring/connecting-vpc
    if (c.vpcNetwork !== undefined && c.vpcConnector !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['vpcConnector'], input: c.vpcConnector, message: 'a service uses Direct VPC egress (vpcNetwork) or a connector, not both: remove one' });
    }
  });


/**
 * The `cloudrun:` key: Google Cloud Run (`--target cloudrun`). In
 * production, a secret's version must be a number and the image pinned.
 */
export const cloudRunConfig: TargetConfig<'cloudrun', ReturnType<typeof cloudRunSchema.optional>> = {
  key: 'cloudrun',
  schema: cloudRunSchema.optional().describe('Google Cloud Run (--target cloudrun)'),
  stackRules(cloudrun, stack, report) {
    if (stack.environment !== 'production') return;
    for (const [key, ref] of Object.entries(cloudrun.secrets ?? {})) {
      if (ref.version === 'latest') {
        report({
          path: ['secrets', key, 'version'],
          input: ref.version,
          message: 'must be a pinned version number in production, not latest: a new version would reach running instances unreviewed, and a rollback would not restore the old one',
        });
      }
    }
    const unpinned = unpinnedImageProblem(cloudrun.image);
    if (unpinned) report({ path: ['image'], input: cloudrun.image, message: unpinned });
  },
};
