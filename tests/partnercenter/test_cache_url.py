"""CACHE_URL's key prefix reaches Django (django-environ hands it over lower-case, which Django ignores):
two portals, or two test runs, on one Redis must not share throttle counters."""

from partnercenter.settings.base import cache_from_url


def test_the_key_prefix_of_cache_url_is_the_one_django_reads(monkeypatch):
    monkeypatch.setenv("CACHE_URL", "redis://127.0.0.1:6379/8?key_prefix=portal-a&timeout=60")
    conf = cache_from_url("locmemcache://")
    assert conf["BACKEND"] == "partnercenter.cache.PortalRedisCache"  # Django's, with its clients reused
    assert conf["KEY_PREFIX"] == "portal-a" and conf["TIMEOUT"] == 60
    assert "key_prefix" not in conf and "timeout" not in conf


def test_without_cache_url_the_default_is_used(monkeypatch):
    monkeypatch.delenv("CACHE_URL", raising=False)
    assert cache_from_url("locmemcache://")["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_the_redis_cache_reuses_its_client_and_works():
    import os

    import pytest
    import redis

    from partnercenter.cache import PortalRedisCache

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI runs this on Redis: {url} is unreachable")
        pytest.skip(f"needs Redis at {url}")
    cache = PortalRedisCache(url, {"KEY_PREFIX": "cache-url-test"})
    cache.set("k", {"v": 1}, 30)
    assert cache.get("k") == {"v": 1}
    assert cache._cache.get_client() is cache._cache.get_client()
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
    cache.delete("k")
