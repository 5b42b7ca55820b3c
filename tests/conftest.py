import os

import pytest
from rest_framework.test import APIClient

from tenants.services import api_token_create


def _unreachable_services() -> list[str]:
    """The configured PostgreSQL and Redis servers that do not answer (only those set in the env)."""
    problems = []
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://", "pgsql://")):
        import environ
        import psycopg2

        conf = environ.Env.db_url_config(database_url)
        try:
            psycopg2.connect(
                dbname="postgres",
                user=conf.get("USER") or None,
                password=conf.get("PASSWORD") or None,
                host=conf.get("HOST") or None,
                port=conf.get("PORT") or None,
                connect_timeout=5,
            ).close()
        except psycopg2.Error as exc:
            problems.append(f"PostgreSQL from DATABASE_URL does not answer: {exc}".strip())
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if broker_url.startswith(("redis://", "rediss://", "redis+socket://")):
        import redis

        try:
            if broker_url.startswith("redis+socket://"):
                client = redis.Redis(unix_socket_path=broker_url.removeprefix("redis+socket://"))
            else:
                client = redis.Redis.from_url(broker_url, socket_connect_timeout=5)
            with client:
                client.ping()
        except redis.RedisError as exc:
            problems.append(f"Redis from CELERY_BROKER_URL does not answer: {exc}")
    return problems


def pytest_sessionstart(session):
    """Under CI=true a configured but unreachable database or broker fails the run before any test."""
    problems = _unreachable_services()
    if not problems:
        return
    message = "\n".join(problems)
    if os.environ.get("CI", "").lower() == "true":
        pytest.exit(f"{message}\n(CI=true: the real services are required)", returncode=3)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"WARNING: {message}", yellow=True)


@pytest.fixture(autouse=True)
def _reset_lockouts(db):
    """django-axes keeps failures in the database and its cache; every test starts unlocked."""
    from axes.models import AccessAttempt, AccessFailureLog

    AccessAttempt.objects.all().delete()
    AccessFailureLog.objects.all().delete()
    yield


@pytest.fixture
def api_client_for():
    """api_client_for(user) -> an APIClient authenticated with a fresh Bearer token of that user."""

    def make(user):
        _token, key = api_token_create(user=user, name="test")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return make


@pytest.fixture
def postgresql_only():
    """For tests that race real concurrent transactions: SQLite serializes writers, so they skip there,
    except under CI=true, which runs on PostgreSQL and must not skip them."""
    from django.db import connection

    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs this on PostgreSQL: set DATABASE_URL=postgres://...")
        pytest.skip(
            "needs PostgreSQL (DATABASE_URL=postgres://...): SQLite serializes writers, so threads cannot race"
        )
