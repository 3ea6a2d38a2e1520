import { z } from 'zod';
import { imageReference, port } from '../../config/fields';
import type { TargetConfig } from '../target-config';
import { DEFAULT_NGINX_IMAGE, DEFAULT_PUBLISHED_PORTS } from './defaults';

// The Compose target's config fragment: loaded with every config, so it imports no render code.

const composeSchema = z
  .strictObject({
    bindAddress: z
      .union([z.ipv4(), z.ipv6()], { error: 'must be an IP address such as 127.0.0.1 or ::1' })
      .optional()
      .describe("Host address the published ports bind to; defaults to every address for nginx and 127.0.0.1 for development's app"),
    ports: z
      .strictObject({
        http: port.default(DEFAULT_PUBLISHED_PORTS.http).describe("Host port published for nginx's HTTP listener"),
        https: port.default(DEFAULT_PUBLISHED_PORTS.https).describe("Host port published for nginx's HTTPS listener (with ingress.tls)"),
        app: port.optional().describe("Host port published for development's app; defaults to app.port"),
      })
      .prefault({})
      .describe('Host ports the stack publishes'),
    nginx: z
      .strictObject({
        image: imageReference.default(DEFAULT_NGINX_IMAGE).describe('Image of the nginx front end; it must run as uid 101 like nginx-unprivileged'),
      })
      .prefault({})
      .describe('The nginx front end (staging and production with ingress.enabled)'),
  })
  .prefault({});

/** The Compose target's settings when a config has no `compose` key. */
export const COMPOSE_DEFAULTS: z.infer<typeof composeSchema> = composeSchema.parse({});

/** The `compose:` key: Docker Compose (`--target compose`). */
export const composeConfig: TargetConfig<'compose', ReturnType<typeof composeSchema.optional>> = {
  key: 'compose',
  schema: composeSchema.optional().describe('Docker Compose (--target compose): published address and ports, nginx image'),
};
