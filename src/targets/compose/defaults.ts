/**
 * The Compose target's defaults and nginx's own value rules: a leaf module
 * (no imports), so the config schema can read it without importing the target.
 */

/**
 * The nginx image the front end runs unless `compose.nginx.image` says
 * otherwise: the unprivileged build of the official image. It runs as uid 101,
 * so it needs no capability, where nginx:alpine starts as root to bind 80/443 and setuid.
 */
export const DEFAULT_NGINX_IMAGE = 'nginxinc/nginx-unprivileged:1.28-alpine';

/** The host ports nginx is published on, and the development app's, unless `compose.ports` says otherwise. */
export const DEFAULT_PUBLISHED_PORTS = { http: 80, https: 443 } as const;

// nginx parses a size with ngx_parse_offset/ngx_parse_size: digits and an
// optional k/m/g, the product at most NGX_MAX_OFF_T_VALUE (2^63-1 on 64-bit
// builds), else "invalid value" and nginx refuses to start.
// https://nginx.org/en/docs/syntax.html (sizes) and src/core/ngx_parse.c
const NGINX_SIZE = /^(\d+)([kKmMgG]?)$/;
const NGX_MAX_OFF_T = 2n ** 63n - 1n;
const SIZE_SCALE: Readonly<Record<string, bigint>> = { '': 1n, k: 1024n, m: 1024n ** 2n, g: 1024n ** 3n };

/** Why nginx would refuse `value` as a size (client_max_body_size), or undefined when it accepts it. */
export function nginxSizeProblem(value: string): string | undefined {
  const match = NGINX_SIZE.exec(value);
  if (!match) return `must be an nginx size: digits and an optional unit k, m or g, such as 10m, got "${value}"`;
  const max = NGX_MAX_OFF_T / SIZE_SCALE[match[2].toLowerCase()];
  if (BigInt(match[1]) > max) return `must be at most ${max}${match[2]} (nginx refuses larger sizes), got "${value}"`;
  return undefined;
}
