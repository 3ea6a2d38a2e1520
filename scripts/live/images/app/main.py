"""Stand-in for the Saplings app: the guide's contract and nothing more.

- GET /health: 200 while the process runs.
- GET /ready: 200 when every backend the environment names answers: Redis
  (REDIS_URL, with its password) and Postgres (DATABASE_URL, with the
  `vector` extension installed); 503 otherwise. The body says what was reached.
- GET /metrics: the guide's metric names (saplings_requests_total,
  saplings_request_duration_seconds, saplings_active_connections,
  saplings_agent_memory_bytes), across workers when PROMETHEUS_MULTIPROC_DIR is set.

Each worker writes, as the real app does, to its memory path (the guide's
per-environment with_memory_path), to /app/logs and to a temporary file; a
worker that cannot write fails to boot, so a stack that mounts them wrongly
never turns healthy.
"""
import json
import os
import tempfile
import time

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

# The guide's create_saplings_config: production /app/data/memory, staging
# ./staging_data/memory, development ./dev_data/memory (relative to WORKDIR /app).
MEMORY_PATHS = {"production": "/app/data/memory", "staging": "/app/staging_data/memory", "development": "/app/dev_data/memory"}
ENVIRONMENT = os.environ.get("ENVIRONMENT", "development")

REQUEST_COUNT = Counter("saplings_requests_total", "Total requests", ["method", "endpoint", "status"])
REQUEST_DURATION = Histogram("saplings_request_duration_seconds", "Request duration", ["method", "endpoint"])
ACTIVE_CONNECTIONS = Gauge("saplings_active_connections", "Active connections", multiprocess_mode="livesum")
AGENT_MEMORY_USAGE = Gauge("saplings_agent_memory_bytes", "Agent memory usage", multiprocess_mode="livesum")


def _write_startup_files():
    memory = MEMORY_PATHS.get(ENVIRONMENT, MEMORY_PATHS["production"])
    os.makedirs(memory, exist_ok=True)
    with open(os.path.join(memory, f"worker-{os.getpid()}.json"), "w") as f:
        json.dump({"started": time.time()}, f)
    with open("/app/logs/saplings.log", "a") as f:
        f.write(f"worker {os.getpid()} started\n")
    with tempfile.NamedTemporaryFile(prefix="saplings-") as f:
        f.write(b"scratch")


_write_startup_files()


def _redis_status(url):
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    client.ping()
    return {"reached": True, "authenticated": bool(client.connection_pool.connection_kwargs.get("password"))}


def _postgres_status(url):
    import psycopg2

    with psycopg2.connect(url, connect_timeout=2) as conn, conn.cursor() as cur:
        cur.execute("SELECT extname FROM pg_extension WHERE extname = 'vector'")
        return {"reached": True, "vector": cur.fetchone() is not None}


def _ready():
    report, ok = {}, True
    for name, var, probe in (("redis", "REDIS_URL", _redis_status), ("postgres", "DATABASE_URL", _postgres_status)):
        url = os.environ.get(var)
        if not url or (name == "postgres" and not url.startswith("postgres")):
            continue
        try:
            report[name] = probe(url)
        except Exception as e:  # the report names the failure, never the URL (it holds the password)
            report[name] = {"reached": False, "error": type(e).__name__}
        ok = ok and report[name]["reached"] and report[name].get("vector", True)
    return ok, report


def _metrics():
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest()


def app(environ, start_response):
    started = time.time()
    path = environ.get("PATH_INFO", "/")
    method = environ.get("REQUEST_METHOD", "GET")
    ACTIVE_CONNECTIONS.inc()
    try:
        if path == "/health" or path.startswith("/health/"):
            status, body, kind = "200 OK", json.dumps({"status": "healthy"}).encode(), "application/json"
        elif path == "/ready":
            ok, report = _ready()
            status = "200 OK" if ok else "503 Service Unavailable"
            body, kind = json.dumps({"ready": ok, **report}).encode(), "application/json"
        elif path == "/metrics":
            status, body, kind = "200 OK", _metrics(), CONTENT_TYPE_LATEST
        else:
            status, body, kind = "200 OK", json.dumps({"service": "saplings"}).encode(), "application/json"
        REQUEST_COUNT.labels(method, path, status.split()[0]).inc()
        REQUEST_DURATION.labels(method, path).observe(time.time() - started)
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]
    finally:
        ACTIVE_CONNECTIONS.dec()
