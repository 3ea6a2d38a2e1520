import { Environment, LogLevel } from './defaults';

/** Per-environment application settings, from the guide's `EnvironmentConfig`. */
export interface EnvironmentPreset {
  /** LOG_LEVEL in the app's ConfigMap. */
  readonly logLevel: LogLevel;
  /** GASA_ENABLED in the app's ConfigMap. */
  readonly gasa: boolean;
  /** MONITORING_ENABLED in the app's ConfigMap. */
  readonly monitoring: boolean;
  /** SELF_HEALING_ENABLED in the app's ConfigMap. */
  readonly selfHealing: boolean;
  /** MAX_WORKERS in the app's ConfigMap. */
  readonly maxWorkers: number;
  /** TIMEOUT (seconds) in the app's ConfigMap. */
  readonly timeoutSeconds: number;
  /** Requests per second per client IP at the ingress. */
  readonly rateLimitRps: number;
}

/**
 * The guide's `EnvironmentConfig` table.
 *
 * Production deviates from that table on purpose: the guide's Kubernetes
 * ConfigMap, which is what it actually deploys, sets LOG_LEVEL INFO,
 * MAX_WORKERS 4 and TIMEOUT 120, and those win over WARNING/8/300.
 */
export const ENVIRONMENT_PRESETS: Readonly<Record<Environment, EnvironmentPreset>> = {
  development: {
    logLevel: 'DEBUG',
    gasa: false,
    monitoring: true,
    selfHealing: false,
    maxWorkers: 2,
    timeoutSeconds: 60,
    rateLimitRps: 1000,
  },
  staging: {
    logLevel: 'INFO',
    gasa: true,
    monitoring: true,
    selfHealing: true,
    maxWorkers: 4,
    timeoutSeconds: 120,
    rateLimitRps: 500,
  },
  production: {
    logLevel: 'INFO',
    gasa: true,
    monitoring: true,
    selfHealing: true,
    maxWorkers: 4,
    timeoutSeconds: 120,
    rateLimitRps: 100,
  },
};
