"""Test settings: the same code, fast hashing, mail captured in memory, tasks run inline."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, STATIC_ROOT, VAR_DIR, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Mail is captured in memory, unless a test starts a process that must deliver to a real server
# (the integration tests' worker and an SMTP server on loopback: TEST_REAL_EMAIL=true plus EMAIL_URL).
if not env.bool("TEST_REAL_EMAIL", default=False):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
PORTAL_BASE_URL = "https://portal.test"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "en"
# Tests serve static files from the app directories (no collectstatic); WhiteNoise still wants its root.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# SQLite: a test database in a file, not in memory, so that a real Celery worker process started by the
# integration tests (tests/integration/conftest.py) sees the test's data. One file per test process, so
# parallel runs (pytest-xdist, several checkouts sharing var/) never meet; Django deletes it at the end.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (VAR_DIR / "test-db").mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db" / f"test-{os.getpid()}.sqlite3")}
# Pages are rendered on every request in tests (a test turns the page cache on to prove it).
PAGE_CACHE_SECONDS = 0
