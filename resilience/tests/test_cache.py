"""A Redis that is down or hangs is a cache miss: pages answer 200, one warning a minute."""

import logging
import runpy
import time
from pathlib import Path

import pytest
from django.core.cache import caches

from articles.tests.factories import make_story
from resilience.cache import FailSafeRedisCache, OutageLog, outage_log

from .listeners import closed_port, silent_listener

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "newsroom" / "settings.py"


@pytest.fixture(autouse=True)
def redis_not_resting():
    """Each test starts as if Redis had never failed in this process."""
    outage_log.last_failure = None
    yield
    outage_log.last_failure = None


def fail_safe_cache(port, timeout=0.3):
    return FailSafeRedisCache(
        f"redis://127.0.0.1:{port}/0",
        {"OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout}, "KEY_PREFIX": "resilience"},
    )


def caches_from_settings(monkeypatch, redis_url):
    """CACHES as newsroom/settings.py builds it for this REDIS_URL."""
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("REDIS_SOCKET_TIMEOUT", "0.3")
    return runpy.run_path(str(SETTINGS_FILE))["CACHES"]


def test_every_operation_on_a_redis_with_nothing_listening_is_a_miss():
    cache = fail_safe_cache(closed_port())
    assert cache.get("story", "missing") == "missing"
    cache.set("story", "page")
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.add("story", "page") is False
    assert cache.has_key("story") is False
    assert cache.touch("story") is False
    assert cache.delete("story") is False
    cache.delete_many(["a", "b"])
    cache.clear()
    assert cache.get_or_set("story", "fresh") == "fresh"
    with pytest.raises(ValueError):
        cache.incr("hits")
    with pytest.raises(ValueError):
        cache.decr("hits")


def test_a_redis_that_accepts_and_never_answers_holds_a_read_for_the_socket_timeout_only():
    with silent_listener() as port:
        cache = fail_safe_cache(port, timeout=0.3)
        started = time.monotonic()
        assert cache.get("story") is None
        cache.set("story", "page")
        elapsed = time.monotonic() - started
    assert elapsed < 1.5


def test_outage_warning_is_logged_at_most_once_a_minute(caplog):
    now = [1000.0]
    log = OutageLog(interval=60, clock=lambda: now[0])
    error = ConnectionError("Connection refused")
    with caplog.at_level(logging.WARNING, logger="resilience.cache"):
        warned = [log.warn("get", error) for _ in range(50)]
        now[0] += 59
        warned.append(log.warn("get", error))
        now[0] += 2
        warned.append(log.warn("set", error))
    assert warned.count(True) == 2
    assert len([record for record in caplog.records if "Redis cache unavailable" in record.message]) == 2


def test_settings_use_the_fail_safe_backend_with_short_timeouts(monkeypatch):
    backend = caches_from_settings(monkeypatch, "redis://127.0.0.1:6379/15")["default"]
    assert backend["BACKEND"] == "resilience.cache.FailSafeRedisCache"
    assert backend["OPTIONS"] == {"socket_connect_timeout": 0.3, "socket_timeout": 0.3}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ko"])
def test_story_and_home_pages_answer_200_while_redis_is_down(client, settings, monkeypatch, language):
    story = make_story(headline="Harbour story while Redis is down")
    settings.CACHES = caches_from_settings(monkeypatch, f"redis://127.0.0.1:{closed_port()}/0")
    assert isinstance(caches["default"], FailSafeRedisCache)
    for _ in range(2):
        response = client.get(f"/{language}{story.get_absolute_url()[3:]}")
        assert response.status_code == 200
        assert "Harbour story while Redis is down" in response.content.decode()
    assert client.get(f"/{language}/").status_code == 200


def test_after_a_failure_redis_is_left_alone_for_a_few_seconds():
    with silent_listener() as port:
        cache = fail_safe_cache(port, timeout=0.3)
        cache.get("story")
        started = time.monotonic()
        for _ in range(20):
            cache.get("story")
            cache.set("story", "page")
        assert time.monotonic() - started < 0.2
