/**
 * The values the production deployment guide sets, written down once.
 *
 * The zod schema uses them as config-file defaults and the constructs use them
 * as prop defaults, so a library user and a CLI user get the same stack.
 */
export const SEED = {
  name: 'saplings',
  image: 'saplings:1.0.0',
  app: {
    containerName: 'saplings',
    port: 8000,
    servicePort: 80,
    replicas: 3,
    resources: {
      requests: { cpu: '1000m', memory: '2Gi' },
      limits: { cpu: '2000m', memory: '4Gi' },
    },
    // The guide's claim is 100Gi ReadWriteMany on fast-ssd, which stays Pending on clusters whose SSD class is
    // block storage (no RWX): each pod gets its own ReadWriteOnce claim on the cluster's default class instead.
    storage: { size: '100Gi', accessMode: 'ReadWriteOnce' as const, perPod: true },
    dataPath: '/app/data',
    logsPath: '/app/logs',
    imagePullSecrets: ['registry-secret'],
    // `groupadd -r saplings && useradd -r -g saplings saplings` on Debian (python:3.11-slim) gives 999:999.
    runAsUser: { uid: 999, gid: 999 },
    liveness: { path: '/health', initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    readiness: { path: '/ready', initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
    metricsPath: '/metrics',
    // Long enough for a fresh claim to be provisioned and Postgres to initialize it; short enough to surface a broken backend.
    waitForBackendsSeconds: 300,
    // A TCP connect loop in the app image's Python: a few MiB, mostly idle.
    waitForBackendsResources: {
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { cpu: '200m', memory: '128Mi' },
    },
  },
  secrets: {
    keys: ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'DATABASE_URL', 'ENCRYPTION_KEY'],
  },
  redis: {
    name: 'redis',
    image: 'redis:7-alpine',
    port: 6379,
    storage: { size: '20Gi', storageClassName: 'standard' },
    // The guide's compose file caps Redis at 512M; requests are ours.
    resources: {
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    },
  },
  vectorDb: {
    engine: 'pgvector' as const,
    storage: { size: '50Gi', storageClassName: 'standard' },
    resources: {
      requests: { cpu: '250m', memory: '1Gi' },
      limits: { cpu: '1000m', memory: '2Gi' },
    },
  },
  autoscaling: {
    minReplicas: 3,
    maxReplicas: 20,
    targetCPUUtilization: 70,
    targetMemoryUtilization: 80,
    scaleDown: { stabilizationWindowSeconds: 300, percent: 10, periodSeconds: 60 },
    scaleUp: { stabilizationWindowSeconds: 60, percent: 50, periodSeconds: 60 },
  },
  network: {
    // Where ingress-nginx and the Prometheus Operator's charts install by default.
    ingressControllerNamespace: 'ingress-nginx',
    prometheusNamespace: 'monitoring',
    // The LLM APIs: HTTPS anywhere on the internet (private ranges are excepted separately).
    egressCidrs: ['0.0.0.0/0'],
    egressPorts: [443],
  },
  ingress: {
    host: 'api.your-domain.com',
    className: 'nginx',
    clusterIssuer: 'letsencrypt-prod',
    maxBodySize: '10m',
    readTimeoutSeconds: 300,
    // From the guide's nginx.conf (proxy_send_timeout 300s).
    sendTimeoutSeconds: 300,
    // From the guide's nginx.conf: `location /metrics { allow 10.0.0.0/8; deny all; }`.
    metricsAllowCidrs: ['10.0.0.0/8'],
  },
  // The guide's cloud-run-service.yaml; its 2 CPU and 4Gi are app.resources.limits.
  cloudrun: {
    minScale: 1,
    maxScale: 100,
    concurrency: 10,
    timeoutSeconds: 300,
    cpuThrottling: false,
    executionEnvironment: 'gen2' as const,
    ingress: 'all' as const,
    liveness: { initialDelaySeconds: 10, periodSeconds: 10 },
  },
  // The guide's ecs-task-definition.json and ECS service; desiredCount is autoscaling.minReplicas.
  ecs: {
    logStreamPrefix: 'ecs',
    healthCheck: { interval: 30, timeout: 5, retries: 3, startPeriod: 30 },
  },
  monitoring: {
    alerts: {
      errorRate: { percent: 5, for: '5m' },
      latency: { p95Seconds: 2, for: '10m' },
      restarts: { count: 3, window: '15m', for: '0s' },
      autoscalerAtMax: { for: '15m' },
      volumeFull: { percent: 85, for: '5m' },
      noReadyPods: { for: '5m' },
    },
  },
  gateway: {
    // Where Envoy Gateway's Helm chart runs the proxies of every Gateway, by default.
    envoyGatewayNamespace: 'envoy-gateway-system',
    // The listeners of a Gateway a stack creates; its routes attach to them by name.
    httpListener: 'http',
    httpsListener: 'https',
  },
} as const;

/** Environments the guide defines. */
export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;

/** One of the guide's deployment environments. */
export type Environment = (typeof ENVIRONMENTS)[number];

/** Log levels the Saplings app understands (Python logging names). */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;

/** A Python logging level name. */
export type LogLevel = (typeof LOG_LEVELS)[number];
