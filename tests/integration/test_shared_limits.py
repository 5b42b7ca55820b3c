"""API limits hold across web processes: two gunicorn servers on one Redis cache let through what one
would, not twice as much."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest

from tenants.services import api_token_create
from tests.factories import make_direct_bill_partner
from tests.integration.conftest import ROOT, database_url_for_worker

pytestmark = pytest.mark.django_db(transaction=True)
LIMIT = 6


def cache_url_for(broker_url: str) -> str:
    """The test Redis, another database than the broker's, with a key prefix of this test's own."""
    prefix = f"limits-{uuid.uuid4().hex[:8]}"
    if broker_url.startswith("redis+socket://"):
        path = broker_url.removeprefix("redis+socket://").split("?")[0]
        return f"rediscache://{path}?db=1&key_prefix={prefix}"
    base, _sep, db = broker_url.rpartition("/")
    return f"{base}/{(int(db or 0) + 8) % 16}?key_prefix={prefix}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "partnercenter.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/signin/", timeout=2):
                return proc, base
        except (urllib.error.URLError, OSError):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("a gunicorn server did not start")
            time.sleep(0.2)


def status_of(url: str, key: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_per_user_limit_holds_across_two_server_processes(redis_broker_url):
    _profile, user = make_direct_bill_partner()
    _token, key = api_token_create(user=user, name="limits")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.integration.limits_settings",
        "DATABASE_URL": database_url_for_worker(),
        "CACHE_URL": cache_url_for(str(redis_broker_url)),
        "API_THROTTLE_USER": f"{LIMIT}/hour",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    servers = [start_server(env), start_server(env)]
    try:
        answers = [status_of(f"{servers[i % 2][1]}/v1/profiles/legalbusiness", key) for i in range(2 * LIMIT)]
    finally:
        for proc, _base in servers:
            proc.terminate()
            proc.wait(10)
    assert answers.count(200) == LIMIT, answers  # per-process counters would have let all 12 through
    assert answers.count(429) == LIMIT, answers
    assert answers[:LIMIT] == [200] * LIMIT
