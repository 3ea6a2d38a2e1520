import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SEED } from '../conventions/defaults';
import { appObjectNames } from '../conventions/names';
import { propsError } from './errors';
import { SaplingsApp } from './saplings-app';

/** How fast the autoscaler may move in one direction. */
export interface ScalingBehavior {
  /** How long a recommendation must hold before it is acted on, in seconds. */
  readonly stabilizationWindowSeconds: number;
  /** Largest change per period, in percent of current replicas. */
  readonly percent: number;
  /** Length of one period, in seconds. */
  readonly periodSeconds: number;
}

/** Props for {@link Autoscaler}. */
export interface AutoscalerProps {
  /** What to scale: a SaplingsApp, or any cdk8s-plus Deployment. */
  readonly target: SaplingsApp | kplus.Deployment;
  /** Fewest replicas. @default 3 */
  readonly minReplicas?: number;
  /** Most replicas. @default 20 */
  readonly maxReplicas?: number;
  /** Average CPU utilization to hold, in percent of requests. @default 70 */
  readonly targetCPUUtilization?: number;
  /** Average memory utilization to hold, in percent of requests. @default 80 */
  readonly targetMemoryUtilization?: number;
  /** Scale-up limits. @default - window 60s, at most +50% per 60s */
  readonly scaleUp?: ScalingBehavior;
  /** Scale-down limits. @default - window 300s, at most -10% per 60s */
  readonly scaleDown?: ScalingBehavior;
  /** Object name. @default - '<app name>-hpa', or '<deployment name>-hpa' */
  readonly name?: string;
}

/**
 * An `autoscaling/v2` HorizontalPodAutoscaler on CPU and memory.
 *
 * The target Deployment then leaves `replicas` out: a fixed count next to an
 * HPA would reset the replica count on every apply.
 */
export class Autoscaler extends Construct {
  /** The HorizontalPodAutoscaler. */
  public readonly hpa: kplus.HorizontalPodAutoscaler;
  /** Fewest replicas the HPA keeps. */
  public readonly minReplicas: number;
  /** Most replicas the HPA allows. */
  public readonly maxReplicas: number;

  constructor(scope: Construct, id: string, props: AutoscalerProps) {
    super(scope, id);
    const defaults = SEED.autoscaling;
    const app = props.target instanceof SaplingsApp ? props.target : undefined;
    const deployment = app?.deployment ?? (props.target as kplus.Deployment);
    const name = props.name ?? (app ? appObjectNames(app.name).autoscaler : `${deployment.name}-hpa`);
    this.minReplicas = props.minReplicas ?? defaults.minReplicas;
    this.maxReplicas = props.maxReplicas ?? defaults.maxReplicas;
    if (this.minReplicas > this.maxReplicas) {
      throw propsError(
        this,
        `'minReplicas' (${this.minReplicas}) must be less than or equal to 'maxReplicas' (${this.maxReplicas}); raise maxReplicas or lower minReplicas`,
      );
    }

    this.hpa = new kplus.HorizontalPodAutoscaler(this, 'Hpa', {
      metadata: { name, labels: app?.selectorLabels },
      target: deployment,
      minReplicas: this.minReplicas,
      maxReplicas: this.maxReplicas,
      metrics: [
        kplus.Metric.resourceCpu(
          kplus.MetricTarget.averageUtilization(props.targetCPUUtilization ?? defaults.targetCPUUtilization),
        ),
        kplus.Metric.resourceMemory(
          kplus.MetricTarget.averageUtilization(props.targetMemoryUtilization ?? defaults.targetMemoryUtilization),
        ),
      ],
      scaleUp: toScalingRules(props.scaleUp ?? defaults.scaleUp),
      scaleDown: toScalingRules(props.scaleDown ?? defaults.scaleDown),
    });
  }
}

function toScalingRules(b: ScalingBehavior): kplus.ScalingRules {
  return {
    stabilizationWindow: Duration.seconds(b.stabilizationWindowSeconds),
    policies: [{ replicas: kplus.Replicas.percent(b.percent), duration: Duration.seconds(b.periodSeconds) }],
  };
}
