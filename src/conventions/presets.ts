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

/** The app settings a stack may set, each falling back to its environment's preset. */
export interface AppSettingChoices {
  /** LOG_LEVEL. @default - from the environment preset */
  readonly logLevel?: LogLevel;
  /** GASA_ENABLED. @default - from the environment preset */
  readonly gasa?: boolean;
  /** MONITORING_ENABLED. @default - from the environment preset */
  readonly monitoring?: boolean;
  /** SELF_HEALING_ENABLED. @default - from the environment preset */
  readonly selfHealing?: boolean;
  /** MAX_WORKERS. @default - from the environment preset */
  readonly maxWorkers?: number;
  /** TIMEOUT in seconds. @default - from the environment preset */
  readonly timeoutSeconds?: number;
}

/**
 * The app's preset-backed settings, as its environment variables, in the
 * ConfigMap's order: one rule for every target, so a Compose, Cloud Run or
 * ECS app reads what the Kubernetes one does.
 */
export function presetSettings(environment: Environment, choices: AppSettingChoices): Record<string, string> {
  const preset = ENVIRONMENT_PRESETS[environment];
  return {
    ENVIRONMENT: environment,
    LOG_LEVEL: choices.logLevel ?? preset.logLevel,
    GASA_ENABLED: String(choices.gasa ?? preset.gasa),
    MONITORING_ENABLED: String(choices.monitoring ?? preset.monitoring),
    SELF_HEALING_ENABLED: String(choices.selfHealing ?? preset.selfHealing),
    MAX_WORKERS: String(choices.maxWorkers ?? preset.maxWorkers),
    TIMEOUT: String(choices.timeoutSeconds ?? preset.timeoutSeconds),
  };
}
