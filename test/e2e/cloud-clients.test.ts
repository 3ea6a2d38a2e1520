import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, runCli, tempDir } from '../helpers/cli';
import { testWithTool } from '../helpers/tools';

/*
 * The Cloud Run and ECS output, read by the clients that deploy it, offline:
 * gcloud's own Cloud Run messages (what `gcloud run services replace` parses
 * the YAML into, unknown fields failing) and botocore's parameter validator
 * (what the AWS CLI checks before it sends a request). Each suite skips, and
 * says so, on a machine without the Google Cloud SDK or the AWS CLI.
 */

/** The real path of a command on PATH, or undefined. */
function commandPath(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim();
  return found ? fs.realpathSync(found) : undefined;
}

// gcloud lives in <sdk>/bin and runs the SDK's bundled Python, which has its libraries' dependencies.
const gcloud = commandPath('gcloud');
const SDK = gcloud ? path.dirname(path.dirname(gcloud)) : '/usr/lib/google-cloud-sdk';
const SDK_PYTHON = path.join(SDK, 'platform/bundledpythonunix/bin/python3');
const CLOUD_RUN_PARSE = `
import os, sys
sys.path[:0] = [os.path.join(sys.argv[1], 'lib', 'third_party'), os.path.join(sys.argv[1], 'lib')]
from googlecloudsdk.core import yaml
from googlecloudsdk.api_lib.util import apis, messages
Service = apis.GetMessagesModule('run', 'v1').Service
for path in sys.argv[2:]:
    for document in yaml.load_all_path(path):
        messages.DictToMessageWithErrorCheck(document, Service)
`;

// The AWS CLI (v1, or a pip install) runs the Python beside it, which has botocore.
const aws = commandPath('aws');
const AWS_PYTHON = aws ? path.join(path.dirname(aws), 'python') : 'python3';
const ECS_VALIDATE = `
import json, sys
import botocore.session
from botocore.validate import ParamValidator
ecs = botocore.session.get_session().get_service_model('ecs')
failed = False
for argument in sys.argv[1:]:
    operation, path = argument.split('=', 1)
    report = ParamValidator().validate(json.load(open(path)), ecs.operation_model(operation).input_shape)
    if report.has_errors():
        print(path + ': ' + report.generate_report())
        failed = True
sys.exit(1 if failed else 0)
`;

/** Synthesizes an example, changed by `edit` and with `extra` appended, for `target`; returns the target's directory of the output. */
function synth(target: string, example: string, extra = '', edit = (text: string) => text): string {
  const cwd = tempDir('saplings-clouds-e2e-');
  fs.writeFileSync(path.join(cwd, 'saplings.yaml'), edit(fs.readFileSync(path.join(ROOT, 'examples', example), 'utf8')) + extra);
  const run = runCli(['synth', '--target', target, '--out', 'out'], cwd);
  expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 });
  return path.join(cwd, 'out', target);
}

function python(interpreter: string, args: string[]): { status: number | null; output: string } {
  const run = spawnSync(interpreter, args, { encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

const QDRANT = 'vectorDb: { enabled: true, engine: qdrant }\n';

describe("gcloud's Cloud Run parser", () => {
  const parses = (file: string) => python(SDK_PYTHON, ['-c', CLOUD_RUN_PARSE, SDK, file]);
  const withSdk = testWithTool(SDK_PYTHON, ['-c', CLOUD_RUN_PARSE, SDK], "parse Cloud Run YAML with gcloud's own messages");

  withSdk('reads examples/cloudrun.yaml\'s service as a Cloud Run Service', () => {
    expect(parses(path.join(synth('cloudrun', 'cloudrun.yaml'), 'saplings.cloudrun.yaml'))).toStrictEqual({ status: 0, output: '' });
  });

  withSdk('reads a service with Qdrant, scale to zero and its own knobs', () => {
    const extra = `    QDRANT_URL: { secret: saplings-qdrant-url, version: 4 }
    QDRANT_API_KEY: { secret: saplings-qdrant-api-key, version: 2 }
  minScale: 0
  concurrency: 80
  ingress: internal
${QDRANT}`;
    expect(parses(path.join(synth('cloudrun', 'cloudrun.yaml', extra), 'saplings.cloudrun.yaml'))).toStrictEqual({ status: 0, output: '' });
  });

  withSdk('reads a service at the limits synth accepts: 1000 variables, a 32768-byte value, a connector, a private service', () => {
    // 7 preset settings, PROMETHEUS_MULTIPROC_DIR and 5 secrets, with 987 of app.config: 1000 in all.
    const config = Array.from({ length: 986 }, (_, i) => `    SETTING_${i}: x`).join('\n');
    const extra = `app:\n  config:\n${config}\n    PROMPT: "${'x'.repeat(32768)}"\n`;
    const connector = (text: string) => text.replace(/^ {2}vpcNetwork: .*$/m, '  vpcConnector: saplings-connector').replace('public: true', 'public: false');
    const file = path.join(synth('cloudrun', 'cloudrun.yaml', extra, connector), 'saplings.cloudrun.yaml');
    expect(fs.readFileSync(file, 'utf8')).toContain('run.googleapis.com/vpc-access-connector: saplings-connector');
    expect(parses(file)).toStrictEqual({ status: 0, output: '' });
  });

  withSdk('refuses a field Cloud Run does not have, so the check can fail', () => {
    const file = path.join(synth('cloudrun', 'cloudrun.yaml'), 'saplings.cloudrun.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('containerConcurrency', 'containerConcurency'));
    const run = parses(file);
    expect(run.status).toBe(1);
    expect(run.output).toContain('Service.spec.template.spec.containerConcurency');
  });
});

describe("botocore's ECS parameter validator", () => {
  const validates = (dir: string) =>
    python(AWS_PYTHON, [
      '-c',
      ECS_VALIDATE,
      `RegisterTaskDefinition=${path.join(dir, 'saplings.ecs-task-definition.json')}`,
      `CreateService=${path.join(dir, 'saplings.ecs-service.json')}`,
    ]);
  const withBotocore = testWithTool(AWS_PYTHON, ['-c', ECS_VALIDATE], "validate ECS requests with botocore, as the AWS CLI does");

  withBotocore('takes examples/ecs.yaml\'s task definition and service as RegisterTaskDefinition and CreateService input', () => {
    expect(validates(synth('ecs', 'ecs.yaml'))).toStrictEqual({ status: 0, output: '' });
  });

  withBotocore('takes a service with Qdrant, per-key ARNs, tags and no autoscaling', () => {
    const arn = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:saplings/qdrant-url-AbCdEf';
    const extra = `  secrets: { QDRANT_URL: "${arn}" }\n  tags: { CostCenter: ai }\n${QDRANT}autoscaling: { enabled: false }\n`;
    expect(validates(synth('ecs', 'ecs.yaml', extra))).toStrictEqual({ status: 0, output: '' });
  });

  withBotocore('takes the most tags synth accepts, at the longest key and value, in Unicode', () => {
    const tags = Array.from({ length: 47 }, (_, i) => `    T${i}: "v ${i}+-=._:/@"`).join('\n');
    const extra = `  tags:\n${tags}\n    "${'é'.repeat(128)}": "${'ü'.repeat(256)}"\n`;
    const dir = synth('ecs', 'ecs.yaml', extra);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'saplings.ecs-service.json'), 'utf8')).tags).toHaveLength(50);
    expect(validates(dir)).toStrictEqual({ status: 0, output: '' });
  });

  withBotocore("refuses the guide's serviceTags, so the check can fail", () => {
    const dir = synth('ecs', 'ecs.yaml');
    const file = path.join(dir, 'saplings.ecs-service.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"tags"', '"serviceTags"'));
    const run = validates(dir);
    expect(run.status).toBe(1);
    expect(run.output).toContain('Unknown parameter in input: "serviceTags"');
  });
});
