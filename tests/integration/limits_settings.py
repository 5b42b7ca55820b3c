"""Test settings with the API throttles on (the plain test settings switch them off), for server
processes started by tests/integration/test_shared_limits.py. The cache comes from CACHE_URL."""

from partnercenter.settings.base import REST_FRAMEWORK as BASE_REST_FRAMEWORK
from partnercenter.settings.test import *  # noqa: F403

REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_CLASSES": BASE_REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"],
}
