/**
 * What the stack's backing services need, by convention: the Secret keys
 * their credentials are read from, and the vector-DB engine table. Config
 * (which keys the Secret must hold) and constructs (which env they wire) both
 * read it, so a key is spelled once.
 */

/** The user a container image runs as; the pod must run as the same user. */
export interface RunAsUser {
  /** Numeric user id of the image's own user. */
  readonly uid: number;
  /** Numeric group id of the image's own group; also the volumes' fsGroup. */
  readonly gid: number;
}

/** The Secret key a stack's Redis password is read from, by convention. */
export const REDIS_PASSWORD_KEY = 'REDIS_PASSWORD';

/** The official Alpine Redis image's `redis` user. */
export const REDIS_USER: RunAsUser = { uid: 999, gid: 1000 };

/** Vector database engines SaplingsApp can use. */
export const VECTOR_DB_ENGINES = ['pgvector', 'qdrant'] as const;

/** A vector database engine. */
export type VectorDbEngine = (typeof VECTOR_DB_ENGINES)[number];

/** What each vector-DB engine runs and needs. */
export interface VectorDbEngineConvention {
  /** The image it runs by default, pinned. */
  readonly image: string;
  /** The user that image runs as. */
  readonly user: RunAsUser;
  /** The Secret key its credential is read from. */
  readonly secretKey: string;
}

/** The vector-DB engine table. */
export const VECTOR_DB: Readonly<Record<VectorDbEngine, VectorDbEngineConvention>> = {
  pgvector: {
    // The pgvector project's image: the official Debian-based Postgres 16 with the extension built in.
    image: 'pgvector/pgvector:0.8.0-pg16',
    // `postgres` in the Debian-based official image.
    user: { uid: 999, gid: 999 },
    secretKey: 'POSTGRES_PASSWORD',
  },
  qdrant: {
    // The -unprivileged build runs as a non-root user; the plain image runs as root.
    image: 'qdrant/qdrant:v1.13.4-unprivileged',
    // `qdrant` in the -unprivileged image.
    user: { uid: 1000, gid: 1000 },
    secretKey: 'QDRANT_API_KEY',
  },
};

/** Images each engine runs by default, pinned. */
export const VECTOR_DB_IMAGES: Readonly<Record<VectorDbEngine, string>> = engineColumn('image');

/** The user each engine's default image runs as. */
export const VECTOR_DB_USERS: Readonly<Record<VectorDbEngine, RunAsUser>> = engineColumn('user');

/** Secret keys each engine reads its credential from. */
export const VECTOR_DB_SECRET_KEYS: Readonly<Record<VectorDbEngine, string>> = engineColumn('secretKey');

function engineColumn<K extends keyof VectorDbEngineConvention>(key: K): Record<VectorDbEngine, VectorDbEngineConvention[K]> {
  return { pgvector: VECTOR_DB.pgvector[key], qdrant: VECTOR_DB.qdrant[key] };
}

/**
 * The share of the Redis container's memory limit given to `maxmemory`: the
 * rest covers the copy-on-write pages of an AOF rewrite fork, client buffers
 * and fragmentation, so Redis evicts before the kernel kills it.
 * https://redis.io/docs/latest/operate/oss_and_stack/management/admin/ (memory)
 */
export const REDIS_MAXMEMORY_SHARE = 0.75;

/** The eviction policy used once `maxmemory` is reached: least recently used keys first. */
export const REDIS_MAXMEMORY_POLICY = 'allkeys-lru';

/**
 * `redis-server` arguments that bound its memory below the container's limit
 * (a Kubernetes quantity such as `512Mi`, or bytes): `--maxmemory` and
 * `--maxmemory-policy`. https://redis.io/docs/latest/develop/reference/eviction/
 */
export function redisMemoryArgs(memoryLimitBytes: number): string[] {
  const bytes = Math.floor(memoryLimitBytes * REDIS_MAXMEMORY_SHARE);
  return ['--maxmemory', String(bytes), '--maxmemory-policy', REDIS_MAXMEMORY_POLICY];
}
