"""Benchmark harness: `.venv/bin/python -m bench [--sizes 1000,100000] [--duration 10] [--users 4]`.

For each size it (1) makes the PostgreSQL database `<db-prefix>_<size>` if missing, migrates it and runs
`seed_scale` (skipped when the book is already there), (2) measures the durable-job drain with a no-op
job kind, (3) starts the portal under gunicorn with production settings, PostgreSQL and Redis, and (4)
loads each endpoint with locust headless, the bare floor view first, twice: one client (latency,
p50/p95) and `--users` clients (throughput). It writes bench/results/<size>.json, then docs/performance.md
(between its RESULTS markers) and docs/performance.png from all the result files there.

Needs PostgreSQL (`--pg`, default postgres://postgres@127.0.0.1:5432) and Redis (`--redis`), and the
`bench` extra of pyproject.toml (locust, matplotlib).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
RESULTS = ROOT / "bench" / "results"

# (name, path, who): who is the sign-in (a session cookie) or "api" (the provider admin's API key).
ENDPOINTS = [
    ("floor", "/bench/floor", "reseller"),
    ("customers_reseller", "/customers/", "reseller"),
    ("customers_provider", "/customers/", "provider"),
    ("customers_deep_page", "/customers/?cursor={deep_cursor}", "reseller"),
    ("search", "/customers/?q={search}", "reseller"),
    ("customer_detail", "/customers/{customer_id}/", "provider"),
    ("api_customers", "/v1/customers", "api"),
    ("api_customers_deep", "/v1/customers?continuationToken={deep_api_token}", "api"),
    ("api_relationships", "/v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf", "api"),
    ("reseller_list", "/indirect-resellers/", "provider"),
    ("overview", "/", "provider"),
    ("admin_customers", "/admin/customers/customeraccount/", "ops"),
    ("admin_jobs", "/admin/partnercenter/scheduledjob/", "ops"),
    # The same, rendered on every request (`Cache-Control: no-cache`, as a browser's hard reload sends):
    # what a reader pays right after a write, when the page cache cannot answer.
    ("customers_reseller_rendered", "/customers/", "reseller"),
    ("customers_provider_rendered", "/customers/", "provider"),
    ("search_rendered", "/customers/?q={search}", "reseller"),
    ("api_customers_rendered", "/v1/customers", "api"),
    ("admin_customers_rendered", "/admin/customers/customeraccount/", "ops"),
]
RENDERED = "_rendered"


def _run(cmd, env, **kw):
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kw)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _db_env(args, size: int) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="partnercenter.settings.production",
        DATABASE_URL=f"{args.pg.rstrip('/')}/{args.db_prefix}_{size}",
        CACHE_URL=args.redis,
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        PORTAL_BENCH_FLOOR="true",
        # The API throttle still counts in Redis; its limit is lifted so the load is not refused.
        API_THROTTLE_USER="100000000/min",
        CONN_MAX_AGE="600",
        PYTHONPATH=str(ROOT),
    )
    return env


def _ensure_db(args, size: int, env: dict) -> None:
    import psycopg2

    admin = psycopg2.connect(f"{args.pg.rstrip('/')}/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [f"{args.db_prefix}_{size}"])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{args.db_prefix}_{size}"')
    admin.close()
    _run([PY, "manage.py", "migrate", "-v0"], env)
    db = psycopg2.connect(env["DATABASE_URL"])
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM tenants_tenant WHERE default_domain LIKE 'scale%%.onmicrosoft.com'")
        have = cur.fetchone()[0]
    db.close()
    if have < size:
        resellers = max(2, min(5000, size // 20))
        print(f"[bench] seeding {size:,} customers, {resellers:,} resellers", flush=True)
        started = time.monotonic()
        _run(
            [PY, "manage.py", "seed_scale", "--customers", str(size), "--resellers", str(resellers), "-v0"],
            env,
        )
        print(f"[bench] seeded in {time.monotonic() - started:.0f} s", flush=True)


def _wait_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url}")


def _summary_row(text: str, name: str) -> dict | None:
    """The same figures from the summary locust prints at exit (its two tables)."""
    rows = [line.split() for line in text.splitlines() if line.split()[:2] == ["GET", name]]
    if len(rows) < 2:
        return None
    stats, pct = rows[0], rows[1]
    head = next(line.split() for line in text.splitlines() if line.startswith("Type") and "50%" in line)
    return {
        "Request Count": stats[2],
        "Failure Count": stats[3].split("(")[0],
        "50%": pct[head.index("50%")],
        "95%": pct[head.index("95%")],
        "Requests/s": stats[-2],
    }


def _locust(base: str, targets: Path, name: str, users: int, seconds: int, out: Path, env: dict) -> dict:
    prefix = out / f"{name}-{users}"
    cmd = [
        PY, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--only-summary",
        "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", base, "--csv", str(prefix),
        "--loglevel", "WARNING", "--stop-timeout", "2",
    ]  # fmt: skip
    row = None
    for _attempt in range(2):  # one retry: on a loaded machine a locust run once measured nothing
        with open(f"{prefix}.log", "w") as log:
            subprocess.run(cmd, env={**env, "BENCH_TARGETS": str(targets), "BENCH_TARGET": name}, cwd=ROOT,
                           check=False, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        try:
            with open(f"{prefix}_stats.csv") as fh:
                row = next((r for r in csv.DictReader(fh) if r["Name"] == name), None)
        except OSError:
            row = None
        if row is None:  # the CSV is written by a timer: a short run can end before it; read the summary
            row = _summary_row(Path(f"{prefix}.log").read_text(), name)
        if row is not None:
            break
    if row is None:
        raise SystemExit(f"locust measured nothing for {name}:\n{Path(f'{prefix}.log').read_text()[-3000:]}")
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "rps": round(float(row["Requests/s"]), 1),
    }


def measure(args, size: int) -> dict:
    env = _db_env(args, size)
    _ensure_db(args, size, env)
    _run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    prep = json.loads(
        _run([PY, "-m", "bench.prepare", "--size", str(size), "--jobs", str(args.jobs or size)], env,
             capture_output=True, text=True).stdout.strip().splitlines()[-1]
    )  # fmt: skip
    print(f"[bench] {size:,}: job drain {prep['drain']}", flush=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "partnercenter.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
         "--threads", str(args.threads), "--access-logfile", "/dev/null", "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        _wait_up(f"{base}/bench/floor")
        who = {
            "reseller": {"cookie": prep["reseller_session"], "csrf": prep["csrf"]},
            "provider": {"cookie": prep["provider_session"], "csrf": prep["csrf"]},
            "ops": {"cookie": prep["ops_session"], "csrf": prep["csrf"]},
            "api": {"token": prep["provider_token"]},
        }
        targets = {}
        only = {n for n in args.only.split(",") if n} | {"floor"} if args.only else None
        for name, path, by in ENDPOINTS:
            if only and name not in only:
                continue
            if "{deep_cursor}" in path and not prep["deep_cursor"]:
                continue
            if "{deep_api_token}" in path and not prep["deep_api_token"]:
                continue
            fields = {
                k: urllib.request.quote(str(v), safe="") for k, v in prep.items() if isinstance(v, str | int)
            }
            targets[name] = {"path": path.format(**fields), **who[by], "fresh": name.endswith(RENDERED)}
        (tmp / "targets.json").write_text(json.dumps(targets))
        results = {}
        for name in targets:
            _locust(base, tmp / "targets.json", name, 1, 2, tmp, env)  # warm-up
            one = _locust(base, tmp / "targets.json", name, 1, args.duration, tmp, env)
            many = _locust(base, tmp / "targets.json", name, args.users, args.duration, tmp, env)
            results[name] = {"one_client": one, "concurrent": many}
            print(f"[bench] {size:,} {name}: p50 {one['p50_ms']} ms, p95 {one['p95_ms']} ms, "
                  f"{many['rps']} req/s with {args.users} clients, failures {one['failures'] + many['failures']}",
                  flush=True)  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "size": size,
        "customers_of_reseller": prep["customers"],
        "drain": prep["drain"],
        "gunicorn": {"workers": args.workers, "threads": args.threads},
        "users": args.users,
        "duration_s": args.duration,
        "cpus": os.cpu_count(),
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "results": results,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="customer counts, comma-separated")
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint and phase")
    parser.add_argument("--users", type=int, default=4, help="concurrent clients of the throughput phase")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker")
    parser.add_argument("--jobs", type=int, default=0, help="no-op jobs to drain (default: the size)")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/3"))
    parser.add_argument("--db-prefix", default="portal_bench")
    parser.add_argument("--results", default=str(RESULTS), help="where <size>.json files go")
    parser.add_argument("--no-report", action="store_true", help="do not rewrite docs/performance.md")
    parser.add_argument(
        "--only", default="", help="endpoint names, comma-separated (the floor is always run)"
    )
    args = parser.parse_args(argv)
    out = Path(args.results)
    out.mkdir(parents=True, exist_ok=True)
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        result = measure(args, size)
        (out / f"{size}.json").write_text(json.dumps(result, indent=1))
    if not args.no_report:
        from bench import report

        report.write(out, ROOT / "docs" / "performance.md", ROOT / "docs" / "performance.png")


if __name__ == "__main__":
    main()
