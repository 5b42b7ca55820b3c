"""The benchmark harness runs end to end at a tiny size (PostgreSQL + Redis + gunicorn + locust), so it
cannot rot. No timed assertion: the figures are for docs/performance.md, not for CI."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import ENDPOINTS

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def test_bench_runs_every_endpoint_at_a_tiny_size(tmp_path):
    db = os.environ.get("DATABASE_URL", "")
    if not db.startswith(("postgres://", "postgresql://")):
        pytest.skip("the benchmark runs on PostgreSQL (DATABASE_URL=postgres://...)")
    # Not imported here: locust monkey-patches threading (gevent), which would break this process.
    if not (importlib.util.find_spec("locust") and importlib.util.find_spec("matplotlib")):
        pytest.skip("needs the bench extra (locust, matplotlib)")
    server = db.rsplit("/", 1)[0]
    broker = os.environ.get("CELERY_BROKER_URL", "")
    redis = broker.rsplit("/", 1)[0] + "/5" if broker.startswith("redis://") else "redis://127.0.0.1:6379/5"
    results, doc = tmp_path / "results", tmp_path / "performance.md"
    subprocess.run(
        [sys.executable, "-m", "bench", "--sizes", "30", "--duration", "1", "--users", "1", "--jobs", "50",
         "--pg", server, "--redis", redis, "--db-prefix", "portal_benchci", "--results", str(results),
         "--no-report"],
        cwd=ROOT, check=True, timeout=600,
    )  # fmt: skip
    run = json.loads((results / "30.json").read_text())
    assert run["drain"]["ran"] == 50
    assert set(run["results"]) == {name for name, _path, _who in ENDPOINTS}
    for name, measured in run["results"].items():
        assert measured["one_client"]["requests"] > 0, name
        assert measured["one_client"]["failures"] == measured["concurrent"]["failures"] == 0, name
    from bench import report

    report.write(results, doc, tmp_path / "performance.png")
    text = doc.read_text()
    assert "`customers_provider`" in text and "jobs/s" in text
    assert (tmp_path / "performance.png").stat().st_size > 0
