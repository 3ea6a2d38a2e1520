import { StackConfig } from '../../config/types';
import { SEED } from '../../conventions/defaults';
import { ENVIRONMENT_PRESETS } from '../../conventions/presets';
import { COMPOSE_GUIDE, SERVICES } from './compose-file';

/**
 * The guide's nginx values (its "Nginx Configuration"), where nothing in the
 * config overrides them.
 */
export const NGINX_GUIDE = {
  workerConnections: 1024,
  burst: 20,
  connectTimeout: '60s',
  buffers: { bufferSize: '128k', buffers: '4 256k', busyBuffersSize: '256k' },
  gzipTypes: 'text/plain application/json',
} as const;

/**
 * TLS 1.2 ciphers: ECDHE with AES-GCM or ChaCha20-Poly1305 (Mozilla's
 * "intermediate" list, less the DHE suites, which need a dhparam file). The
 * guide's `ECDHE-RSA-AES256-GCM-SHA512:DHE-RSA-AES256-GCM-SHA512` name suites
 * OpenSSL does not have, so nginx refuses to start with them. TLS 1.3 suites
 * are OpenSSL's defaults.
 */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** The guide's security headers, plus HSTS once the site is served over TLS only. */
const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['X-XSS-Protection', '"1; mode=block"'],
];

/**
 * nginx.conf for the stack's front end: every app replica, resolved at
 * request time, the environment's rate limit, TLS with the operator's
 * certificate, the guide's headers, timeouts and body size, `/metrics` only
 * from the allowed ranges, `/health` (that path exactly) passed through
 * unlimited, and a health path nginx answers itself for its healthcheck.
 *
 * It runs as the unprivileged image's user on a read-only root filesystem,
 * so it listens on unprivileged ports and keeps its pid and temporary files
 * in the /tmp tmpfs.
 */
export function nginxConf(stack: StackConfig, header: string): string {
  const { ingress } = stack;
  const rate = ingress.rateLimitRps ?? ENVIRONMENT_PRESETS[stack.environment].rateLimitRps;
  const g = NGINX_GUIDE;
  const { nginxHttpPort, nginxHttpsPort, certificateDirectory, nginxHealthPath } = COMPOSE_GUIDE;
  const backend = 'http://$saplings_app';
  const headers = ingress.tls ? [...SECURITY_HEADERS, ['Strict-Transport-Security', '"max-age=31536000"'] as const] : SECURITY_HEADERS;

  const site = [
    `server_name ${ingress.host};`,
    ...(ingress.tls
      ? [
          '',
          `ssl_certificate ${certificateDirectory}/cert.pem;`,
          `ssl_certificate_key ${certificateDirectory}/key.pem;`,
          'ssl_protocols TLSv1.2 TLSv1.3;',
          `ssl_ciphers ${TLS12_CIPHERS};`,
          'ssl_prefer_server_ciphers off;',
          'ssl_session_cache shared:SSL:10m;',
        ]
      : []),
    '',
    // `always`: error responses (429, 502) carry them too.
    ...headers.map(([name, value]) => `add_header ${name} ${value} always;`),
    '',
    'gzip on;',
    `gzip_types ${g.gzipTypes};`,
    `client_max_body_size ${ingress.maxBodySize};`,
    '',
    '# Set for the whole server, so every location proxies the same way.',
    'proxy_http_version 1.1;',
    'proxy_set_header Upgrade $http_upgrade;',
    'proxy_set_header Connection $connection_upgrade;',
    'proxy_set_header Host $host;',
    'proxy_set_header X-Real-IP $remote_addr;',
    'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    'proxy_set_header X-Forwarded-Proto $scheme;',
    `proxy_connect_timeout ${g.connectTimeout};`,
    `proxy_send_timeout ${ingress.sendTimeoutSeconds}s;`,
    `proxy_read_timeout ${ingress.readTimeoutSeconds}s;`,
    'proxy_buffering on;',
    `proxy_buffer_size ${g.buffers.bufferSize};`,
    `proxy_buffers ${g.buffers.buffers};`,
    `proxy_busy_buffers_size ${g.buffers.busyBuffersSize};`,
    '',
    ...block('location /', [`limit_req zone=api burst=${g.burst} nodelay;`, `proxy_pass ${backend};`]),
    '',
    // Exact, so /health/anything is rate limited like any other path.
    ...block(`location = ${SEED.app.liveness.path}`, ['access_log off;', `proxy_pass ${backend};`]),
    '',
    ...block(`location ${SEED.app.metricsPath}`, [
      ...ingress.metricsAllowCidrs.map((cidr) => `allow ${cidr};`),
      'deny all;',
      `proxy_pass ${backend};`,
    ]),
  ];
  const ownHealth = block(`location = ${nginxHealthPath}`, ['access_log off;', 'allow 127.0.0.1;', 'deny all;', 'return 204;']);

  const servers = ingress.tls
    ? [
        // The redirect sits in `location /`: a server-level return would answer the health path too.
        ...block('server', [`listen ${nginxHttpPort};`, `server_name ${ingress.host};`, '', ...ownHealth, '', ...block('location /', ['return 301 https://$host$request_uri;'])]),
        '',
        // `listen … http2` rather than `http2 on`, which nginx before 1.25.1 does not know; newer ones warn and accept it.
        ...block('server', [`listen ${nginxHttpsPort} ssl http2;`, ...site]),
      ]
    : block('server', [`listen ${nginxHttpPort};`, ...site, '', ...ownHealth]);

  const http = [
    'server_tokens off;',
    'access_log /dev/stdout;',
    '',
    '# The root filesystem is read-only: temporary files go to the /tmp tmpfs.',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path /tmp/${kind}_temp;`),
    '',
    // proxy_pass to a variable makes nginx resolve the name per request through
    // Docker's embedded DNS (127.0.0.11 on user-defined networks), so a recreated or
    // scaled app is found without restarting nginx; the addresses are used round-robin.
    // https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass ("server name ... resolver")
    // https://docs.docker.com/engine/network/#dns-services
    'resolver 127.0.0.11 valid=10s ipv6=off;',
    `map $host $saplings_app { default ${SERVICES.app}:${stack.app.port}; }`,
    '',
    '# WebSocket upgrades pass through; other requests keep the upstream connection alive.',
    ...block('map $http_upgrade $connection_upgrade', ["default upgrade;", "'' '';"]),
    '',
    `limit_req_zone $binary_remote_addr zone=api:10m rate=${rate}r/s;`,
    'limit_req_status 429;',
    '',
    ...servers,
  ];

  const lines = [
    'worker_processes auto;',
    'pid /tmp/nginx.pid;',
    'error_log stderr warn;',
    '',
    ...block('events', [`worker_connections ${g.workerConnections};`]),
    '',
    ...block('http', http),
  ];
  return `${header}${lines.join('\n')}\n`;
}

function block(head: string, body: readonly string[]): string[] {
  return [`${head} {`, ...body.map((line) => (line === '' ? '' : `    ${line}`)), '}'];
}
