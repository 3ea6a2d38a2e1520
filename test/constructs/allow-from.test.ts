import { App, Chart, Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { RedisStore, SaplingsApp, SaplingsValidationError, VectorDb } from '../../src';
import { Endpoint, isFlowAllowed, networkPolicies } from '../deploy/network-policy';
import { Manifest } from '../helpers/objects';

// Issue 23, Why 5: a chart author's own CronJob was silently cut off from the RedisStore by its ingress NetworkPolicy.

/** The pod a workload's template makes, in `namespace`, at `ip`. */
function podOf(manifests: Manifest[], kind: string, name: string, namespace: string, ip: string): Endpoint {
  const object = manifests.find((m) => m.kind === kind && m.metadata.name === name)!;
  const template = kind === 'CronJob' ? object.spec.jobTemplate.spec.template : object.spec.template;
  return { namespace, labels: template.metadata.labels, ip };
}

function build({ allow, jobNamespace = 'team' }: { allow: boolean; jobNamespace?: string }) {
  const app = new App();
  const chart = new Chart(app, 'team', { namespace: 'team' });
  const redis = new RedisStore(chart, 'Redis', { environment: 'development' });
  const vectorDb = new VectorDb(chart, 'Vectors', { engine: 'qdrant', environment: 'development' });
  new SaplingsApp(chart, 'App', { image: 'saplings:1.0.0', environment: 'development', redis, vectorDb });
  const jobs = jobNamespace === 'team' ? chart : new Chart(app, 'jobs', { namespace: jobNamespace });
  const cleanup = new kplus.CronJob(jobs, 'Cleanup', {
    schedule: Cron.daily(),
    containers: [{ image: 'redis:7-alpine', command: ['redis-cli', '-h', `${redis.service.name}.team`, 'FLUSHDB'], securityContext: { user: 999, group: 1000 } }],
  });
  if (allow) {
    redis.allowFrom(cleanup);
    vectorDb.allowFrom(cleanup);
  }
  const manifests = [...Testing.synth(chart), ...(jobs === chart ? [] : Testing.synth(jobs as Chart))];
  const state = { policies: networkPolicies(manifests) };
  const job = podOf(manifests, 'CronJob', cleanup.name, jobNamespace, '10.0.0.9');
  const redisPod = podOf(manifests, 'Deployment', 'redis', 'team', '10.0.0.2');
  const qdrantPod = podOf(manifests, 'Deployment', 'qdrant', 'team', '10.0.0.3');
  return { state, job, redisPod, qdrantPod };
}

describe('allowFrom: your own workloads reach a RedisStore or VectorDb', () => {
  test('GIVEN a CronJob of the chart author\'s WHEN allowFrom is not called THEN the NetworkPolicy cuts it off from Redis and Qdrant', () => {
    const { state, job, redisPod, qdrantPod } = build({ allow: false });
    expect(isFlowAllowed(state, { from: job, to: redisPod, port: 6379 })).toBe(false);
    expect(isFlowAllowed(state, { from: job, to: qdrantPod, port: 6333 })).toBe(false);
  });

  test('WHEN redis.allowFrom(cronJob) and vectorDb.allowFrom(cronJob) THEN its pods get in, on the services\' ports only, and other pods still do not', () => {
    const { state, job, redisPod, qdrantPod } = build({ allow: true });
    expect(isFlowAllowed(state, { from: job, to: redisPod, port: 6379 })).toBe(true);
    expect(isFlowAllowed(state, { from: job, to: qdrantPod, port: 6333 })).toBe(true);
    expect(isFlowAllowed(state, { from: job, to: qdrantPod, port: 6334 })).toBe(true);
    expect(isFlowAllowed(state, { from: job, to: redisPod, port: 22 })).toBe(false);
    const stranger: Endpoint = { namespace: 'team', labels: { app: 'stranger' }, ip: '10.0.0.7' };
    expect(isFlowAllowed(state, { from: stranger, to: redisPod, port: 6379 })).toBe(false);
  });

  test('GIVEN the CronJob in another namespace WHEN allowed THEN it gets in from there, and the same labels elsewhere do not', () => {
    const { state, job, redisPod } = build({ allow: true, jobNamespace: 'batch' });
    expect(isFlowAllowed(state, { from: job, to: redisPod, port: 6379 })).toBe(true);
    expect(isFlowAllowed(state, { from: { ...job, namespace: 'other' }, to: redisPod, port: 6379 })).toBe(false);
  });

  test('GIVEN a selector by label expressions THEN allowFrom refuses it, naming the selector', () => {
    const chart = Testing.chart();
    const redis = new RedisStore(chart, 'Redis', { environment: 'development' });
    const pods = kplus.Pods.select(chart, 'Workers', { expressions: [kplus.LabelExpression.exists('worker')] });
    expect(() => redis.allowFrom(pods)).toThrow(SaplingsValidationError);
    expect(() => redis.allowFrom(pods)).toThrow(
      '[test/Redis/Workload] allowFrom(test/Workers) selects pods by label expressions, which a TrafficPolicy rule cannot express; select the pods by labels in one namespace',
    );
  });
});
