/**
 * What the images the stacks run contain, as far as running them depends on
 * it: the user they run as, directories with owner and mode, binaries the
 * manifests call, and declared VOLUMEs (which Docker and Fargate populate, and
 * Kubernetes does not). Each fact cites where it comes from.
 */

/** A directory in an image. */
export interface DirectoryFact {
  readonly uid: number;
  readonly gid: number;
  /** Octal permission bits, e.g. 0o755. */
  readonly mode: number;
}

/** What one image holds. */
export interface ImageFacts {
  /** Where the facts come from. */
  readonly source: string;
  /** The user the image runs as (its USER), by number. */
  readonly user: { readonly uid: number; readonly gid: number };
  /** The image's ENTRYPOINT, which a container's `command` replaces and its `args` follow. @default - none */
  readonly entrypoint?: readonly string[];
  /** The image's CMD (its arguments after ENTRYPOINT), which a container's `args` replaces. */
  readonly cmd?: readonly string[];
  /** Directories, by absolute path. */
  readonly directories: Readonly<Record<string, DirectoryFact>>;
  /** Executables on the image's PATH that manifests call (commands, probes, hooks). */
  readonly binaries: readonly string[];
  /** VOLUME instructions of the image. */
  readonly volumes: readonly string[];
}

/** The facts, by image repository (tag ignored: the stacks pin one tag of each). */
export const IMAGE_FACTS: Readonly<Record<string, ImageFacts>> = {
  // The guide's Dockerfile (production-deployment-guide.md, "Dockerfile"): FROM python:3.11-slim,
  // `groupadd -r saplings && useradd -r -g saplings saplings` (999:999 on Debian), WORKDIR /app,
  // `mkdir -p /app/data /app/logs && chown -R saplings:saplings /app`, USER saplings, no VOLUME,
  // CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "4", "--timeout", "120", "main:app"].
  // python:3.11-slim is Debian bookworm-slim, whose coreutils provide sleep:
  // https://github.com/docker-library/python/blob/master/3.11/slim-bookworm/Dockerfile
  saplings: {
    source: 'production-deployment-guide.md Dockerfile; docker-library/python 3.11/slim-bookworm',
    user: { uid: 999, gid: 999 },
    cmd: ['gunicorn', '--bind', '0.0.0.0:8000', '--workers', '4', '--timeout', '120', 'main:app'],
    directories: {
      '/app': { uid: 999, gid: 999, mode: 0o755 },
      '/app/data': { uid: 999, gid: 999, mode: 0o755 },
      '/app/logs': { uid: 999, gid: 999, mode: 0o755 },
      '/tmp': { uid: 0, gid: 0, mode: 0o1777 },
    },
    binaries: ['gunicorn', 'python', 'sleep', 'sh'],
    volumes: [],
  },
  // https://github.com/docker-library/redis/blob/master/7.4/alpine/Dockerfile: `addgroup -S -g 1000 redis && adduser -S -G redis -u 999 redis`,
  // `mkdir /data && chown redis:redis /data`, VOLUME /data, ENTRYPOINT ["docker-entrypoint.sh"] (which puts
  // redis-server before arguments that start with `-`), CMD ["redis-server"]; redis-cli is installed with it.
  redis: {
    source: 'docker-library/redis 7.4/alpine/Dockerfile',
    user: { uid: 999, gid: 1000 },
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['redis-server'],
    directories: { '/data': { uid: 999, gid: 1000, mode: 0o755 }, '/tmp': { uid: 0, gid: 0, mode: 0o1777 } },
    binaries: ['docker-entrypoint.sh', 'redis-server', 'redis-cli', 'sh'],
    volumes: ['/data'],
  },
  // https://github.com/pgvector/pgvector/blob/master/Dockerfile builds FROM postgres:16 (Debian);
  // https://github.com/docker-library/postgres/blob/master/16/bookworm/Dockerfile: `groupadd -r postgres --gid=999; useradd -r -g postgres --uid=999`,
  // `mkdir -p /var/run/postgresql && chown -R postgres:postgres /var/run/postgresql && chmod 3777 /var/run/postgresql`,
  // PGDATA /var/lib/postgresql/data (`chmod 1777`), VOLUME /var/lib/postgresql/data, /docker-entrypoint-initdb.d root 0755,
  // ENTRYPOINT ["docker-entrypoint.sh"], CMD ["postgres"].
  pgvector: {
    source: 'pgvector/pgvector Dockerfile; docker-library/postgres 16/bookworm/Dockerfile',
    user: { uid: 999, gid: 999 },
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['postgres'],
    directories: {
      '/var/run/postgresql': { uid: 999, gid: 999, mode: 0o3777 },
      '/var/lib/postgresql/data': { uid: 999, gid: 999, mode: 0o1777 },
      '/docker-entrypoint-initdb.d': { uid: 0, gid: 0, mode: 0o755 },
      '/dev/shm': { uid: 0, gid: 0, mode: 0o1777 },
      '/tmp': { uid: 0, gid: 0, mode: 0o1777 },
    },
    binaries: ['docker-entrypoint.sh', 'postgres', 'pg_isready', 'psql', 'sh'],
    volumes: ['/var/lib/postgresql/data'],
  },
  // https://github.com/qdrant/qdrant/blob/master/Dockerfile: the -unprivileged build sets USER_ID=1000 and runs as it,
  // with /qdrant/storage and /qdrant/snapshots created and owned by that user; no VOLUME.
  qdrant: {
    source: 'qdrant/qdrant Dockerfile (USER_ID=1000, -unprivileged)',
    user: { uid: 1000, gid: 1000 },
    directories: {
      '/qdrant/storage': { uid: 1000, gid: 1000, mode: 0o755 },
      '/qdrant/snapshots': { uid: 1000, gid: 1000, mode: 0o755 },
      '/tmp': { uid: 0, gid: 0, mode: 0o1777 },
    },
    binaries: ['./entrypoint.sh'],
    volumes: [],
  },
};

/** The facts of `image` (`registry/repo:tag`, `repo@sha256:…`), by the last path segment of its repository. */
export function factsOf(image: string): ImageFacts {
  const repository = image.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
  const name = repository.split('/').pop()!;
  const facts = IMAGE_FACTS[name];
  if (!facts) throw new Error(`no image facts for ${image}`);
  return facts;
}

/**
 * The paths each process writes while it runs, by container name. The app's
 * come from the guide (gunicorn's heartbeat files in the temp dir, the logs and
 * data directories its Dockerfile creates, the memory path of its environment,
 * prometheus_client's multiprocess directory); the backing services' from their
 * images' documentation.
 */
export const WRITTEN_PATHS: Readonly<Record<string, (env: Readonly<Record<string, string>>) => string[]>> = {
  // https://docs.gunicorn.org/en/stable/settings.html#worker-tmp-dir (heartbeat in the temp dir);
  // https://prometheus.github.io/client_python/multiprocess/ (PROMETHEUS_MULTIPROC_DIR).
  saplings: (env) => [
    '/tmp',
    '/app/logs',
    '/app/data',
    ...(env.PROMETHEUS_MULTIPROC_DIR ? [env.PROMETHEUS_MULTIPROC_DIR] : []),
    ...(env.ENVIRONMENT === 'staging' ? ['/app/staging_data'] : env.ENVIRONMENT === 'development' ? ['/app/dev_data'] : []),
  ],
  // https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/ (the AOF in --dir).
  redis: () => ['/data', '/tmp'],
  // https://www.postgresql.org/docs/16/runtime-config-connection.html#GUC-UNIX-SOCKET-DIRECTORIES, and PGDATA; /dev/shm for dynamic shared memory.
  pgvector: (env) => [env.PGDATA ?? '/var/lib/postgresql/data', '/var/run/postgresql', '/dev/shm', '/tmp'],
  // https://qdrant.tech/documentation/guides/configuration/ (storage_path, snapshots_path).
  qdrant: () => ['/qdrant/storage', '/qdrant/snapshots', '/tmp'],
};
