"""Production settings: refuse to start half-configured; pass Django's deployment checklist."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = secrets.token_urlsafe(64)


def production(env_overrides: dict[str, str | None], *args: str) -> subprocess.CompletedProcess:
    # A clean deployment environment: nothing a test run itself sets (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE in this process, which `check --deploy` rightly refuses).
    dropped = ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["DJANGO_SETTINGS_MODULE"] = "partnercenter.settings.production"
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def import_settings(env_overrides: dict[str, str | None]) -> subprocess.CompletedProcess:
    return production(
        env_overrides,
        "-c",
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
    )


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"ALLOWED_HOSTS": "portal.example.com"}, "SECRET_KEY"),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": "too-short", "ALLOWED_HOSTS": "portal.example.com"}, "SECRET_KEY"),
        ({"SECRET_KEY": "insecure-" + "x" * 60, "ALLOWED_HOSTS": "portal.example.com"}, "SECRET_KEY"),
    ],
    ids=["no-secret-key", "no-allowed-hosts", "empty-allowed-hosts", "short-secret-key", "insecure-key"],
)
def test_production_settings_refuse_to_start_half_configured(env, complaint):
    result = import_settings(env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


def test_production_settings_start_with_a_secret_key_and_allowed_hosts():
    result = import_settings({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "portal.example.com", "DEBUG": "true"})

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"  # DEBUG is off whatever the environment says


def test_check_deploy_passes_under_production_settings():
    result = production(
        {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "portal.example.com,www.portal.example.com"},
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
