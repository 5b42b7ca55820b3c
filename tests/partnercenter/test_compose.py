"""docker-compose.yml: the services SPEC §8 names, each with a health check, built from our Dockerfile.

No Docker engine runs where the tests run, so this reads the file the way Compose does (YAML with
anchors and merge keys) and checks what a `docker compose up` would depend on.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PORTAL_SERVICES = ["web", "worker", "beat"]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def command_of(service: dict) -> str:
    command = service["command"]
    return " ".join(command) if isinstance(command, list) else command


@pytest.mark.parametrize("name", ["postgres", "redis", "web", "worker", "beat", "mailpit"])
def test_each_service_exists_with_a_health_check(services, name):
    service = services[name]
    test = service["healthcheck"]["test"]

    assert test and test[0] in ("CMD", "CMD-SHELL")
    assert len(test) > 1


def test_images_of_the_backing_services(services):
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert services["mailpit"]["image"].startswith("axllent/mailpit")


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("web", ["gunicorn", "partnercenter.wsgi"]),
        ("worker", ["celery", "-A partnercenter", "worker"]),
        ("beat", ["celery", "-A partnercenter", "beat"]),
        ("migrate", ["manage.py", "migrate"]),
    ],
)
def test_portal_processes_run_the_right_commands(services, name, words):
    command = command_of(services[name])

    for word in words:
        assert word in command


@pytest.mark.parametrize("name", PORTAL_SERVICES)
def test_portal_services_are_configured_from_the_environment(services, name):
    env = services[name]["environment"]

    assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:" in env["DATABASE_URL"]
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:")
    assert env["EMAIL_URL"] == "smtp://mailpit:1025"
    assert env["DJANGO_SETTINGS_MODULE"] == "partnercenter.settings.production"
    for key in ("SECRET_KEY", "ALLOWED_HOSTS", "PORTAL_BASE_URL"):
        assert env[key], key


@pytest.mark.parametrize("name", PORTAL_SERVICES)
def test_portal_services_wait_for_healthy_backing_services_and_migrations(services, name):
    depends = services[name]["depends_on"]

    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"
    assert depends["migrate"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("name", [*PORTAL_SERVICES, "migrate"])
def test_portal_services_build_from_the_dockerfile(services, name):
    assert services[name]["build"] == "."
    assert (ROOT / "Dockerfile").is_file()


def test_dockerfile_installs_the_runtime_pins_and_runs_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    pins = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]

    assert "FROM python:3.11" in dockerfile
    assert "tomllib" in dockerfile and "['project']['dependencies']" in dockerfile
    assert any(pin.lower().startswith("gunicorn==") for pin in pins)
    assert '"gunicorn", "partnercenter.wsgi"' in dockerfile
    assert "USER portal" in dockerfile  # not root


def test_compose_refuses_to_start_without_a_secret_key_you_set(services):
    """No key ships in the file: Compose's `${VAR:?message}` stops `docker compose up` until one is set,
    and the message says how to make one."""
    for name in PORTAL_SERVICES:
        key = services[name]["environment"]["SECRET_KEY"]
        assert key.startswith("${SECRET_KEY:?") and key.endswith("}"), key
        assert "secrets.token_urlsafe" in key
    assert "SECRET_KEY" in (ROOT / "README.md").read_text().split("## docker-compose", 1)[1]


def test_web_health_check_asks_for_the_sign_in_page_past_the_host_check_and_https_redirect(services):
    check = " ".join(services["web"]["healthcheck"]["test"])

    assert "/signin/" in check
    assert "ALLOWED_HOSTS" in check and "X-Forwarded-Proto" in check
