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

const secrets = (version: string) => `cloudrun:
  secrets:
    OPENAI_API_KEY: { secret: openai, version: ${version} }
`;

describe('the cloudrun: block', () => {
  test('is optional, and a config without it keeps no cloudrun key', () => {
    const [stack] = parseConfigText('environment: production\nimage: saplings:1.0.0\n', 'saplings.yaml');
    expect(stack).not.toHaveProperty('cloudrun');
  });

  test("has the guide's values as defaults", () => {
    const [stack] = parseConfigText(`environment: production\nimage: saplings:1.0.0\n${secrets('1')}`, 'saplings.yaml');
    expect(stack.cloudrun).toStrictEqual({
      minScale: 1,
      maxScale: 100,
      concurrency: 10,
      timeoutSeconds: 300,
      cpuThrottling: false,
      executionEnvironment: 'gen2',
      ingress: 'all',
      // Private by default, as Cloud Run is; no VPC until the config names one.
      public: false,
      startupCpuBoost: true,
      vpcEgress: 'private-ranges-only',
      publicBackends: false,
      secrets: { OPENAI_API_KEY: { secret: 'openai', version: '1' } },
    });
  });

  test('refuses a secret version that is not pinned in production, at its position, and takes it in staging', () => {
    expect(problems(`environment: production\nimage: saplings:1.0.0\n${secrets('latest')}`)).toStrictEqual([
      'saplings.yaml:5:48: cloudrun.secrets.OPENAI_API_KEY.version: must be a pinned version number in production, not latest: a new version would reach running instances unreviewed, and a rollback would not restore the old one, got a string of 6 characters (not shown)',
    ]);
    expect(problems(`environment: staging\nimage: saplings:1.0.0\n${secrets('latest')}`)).toStrictEqual([]);
  });

  test('refuses shapes Google Cloud refuses, each at its position', () => {
    const text = `environment: production
image: saplings:1.0.0
cloudrun:
  project: My_Project
  region: us central
  minScale: 5
  maxScale: 2
  image: gcr.io/p/saplings:latest
  ingress: public
  secrets:
    OPENAI_API_KEY: { secret: "openai/key", version: v2 }
`;
    expect(problems(text)).toStrictEqual([
      'saplings.yaml:4:12: cloudrun.project: must be a Google Cloud project id (6 to 30 lowercase letters, digits and "-", starting with a letter) or project number, got "My_Project"',
      'saplings.yaml:5:11: cloudrun.region: must be a Google Cloud region such as us-central1, got "us central"',
      'saplings.yaml:9:12: cloudrun.ingress: expected one of "all"|"internal"|"internal-and-cloud-load-balancing", got "public"',
      'saplings.yaml:11:31: cloudrun.secrets.OPENAI_API_KEY.secret: must be a Secret Manager secret id: up to 255 letters, digits, "-" and "_", got a string of 10 characters (not shown)',
      'saplings.yaml:11:54: cloudrun.secrets.OPENAI_API_KEY.version: must be a Secret Manager version number such as 3, or latest, got a string of 2 characters (not shown)',
    ]);
  });

  test('refuses maxScale below minScale, and an unpinned Cloud Run image in production only', () => {
    const text = 'cloudrun:\n  minScale: 5\n  maxScale: 2\n  image: gcr.io/p/saplings:latest\n';
    expect(problems(`environment: production\nimage: saplings:1.0.0\n${text}`)).toStrictEqual([
      'saplings.yaml:5:13: cloudrun.maxScale: must be ≥ minScale (5), got 2',
      'saplings.yaml:6:10: cloudrun.image: must be pinned: a version tag (saplings:1.0.0) or a digest (saplings@sha256:…), never :latest or no tag (refused in production), got "gcr.io/p/saplings:latest"',
    ]);
    expect(problems(`environment: staging\nimage: saplings:1.0.0\n${text}`)).toStrictEqual(['saplings.yaml:5:13: cloudrun.maxScale: must be ≥ minScale (5), got 2']);
  });
});
