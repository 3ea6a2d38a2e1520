import { REDIS_PASSWORD_KEY, VECTOR_DB_SECRET_KEYS } from '../conventions/backing-services';
import { StackConfig } from './types';

/** Whether the stack's Redis requires a password: on outside development unless set. */
export function redisRequiresPassword(stack: StackConfig): boolean {
  return stack.redis.enabled && (stack.redis.auth ?? stack.environment !== 'development');
}

/** Whether the stack's Qdrant requires an API key: on outside development unless set. */
export function qdrantRequiresApiKey(stack: StackConfig): boolean {
  return stack.vectorDb.enabled && stack.vectorDb.engine === 'qdrant' && (stack.vectorDb.auth ?? stack.environment !== 'development');
}

/**
 * Every key the app's Secret must hold: the configured ones (and any inline
 * value's key), plus the credentials of the backing services this stack wires up.
 */
export function requiredSecretKeys(stack: StackConfig): string[] {
  const keys = [...stack.secrets.keys, ...Object.keys(stack.secrets.source === 'inline' ? (stack.secrets.values ?? {}) : {})];
  if (redisRequiresPassword(stack)) keys.push(REDIS_PASSWORD_KEY);
  if (stack.vectorDb.enabled && stack.vectorDb.engine === 'pgvector') keys.push(VECTOR_DB_SECRET_KEYS.pgvector);
  if (qdrantRequiresApiKey(stack)) keys.push(VECTOR_DB_SECRET_KEYS.qdrant);
  return [...new Set(keys)];
}
