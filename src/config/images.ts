import { StackConfig } from './types';
import { SEED } from '../conventions/defaults';
import { VECTOR_DB } from '../conventions/backing-services';
import { withRegistry } from '../conventions/labels';
import { DEFAULT_NGINX_IMAGE } from '../targets/compose/defaults';

/*
 * The images a stack runs that the tool picks by default, pulled from
 * `images.registry` when one is given. An image the config sets is used as
 * written; redis.image and compose.nginx.image have defaults in the schema,
 * so there the default image itself counts as unset.
 */

/** Redis's image. */
export function redisImage(config: StackConfig): string {
  const image = config.redis.image;
  return image === SEED.redis.image ? withRegistry(image, config.images.registry) : image;
}

/** The vector database's image. */
export function vectorDbImage(config: StackConfig): string {
  return config.vectorDb.image ?? withRegistry(VECTOR_DB[config.vectorDb.engine].image, config.images.registry);
}

/** The Compose front end's nginx image. */
export function nginxImage(config: StackConfig, configured: string): string {
  return configured === DEFAULT_NGINX_IMAGE ? withRegistry(configured, config.images.registry) : configured;
}
