"""Settings come from the environment; production settings refuse to start half-configured."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


def manage(*args, **env_overrides) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process with these environment variables."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env_overrides},
        capture_output=True,
        text=True,
        timeout=60,
    )


def setting(expression: str, **env_overrides) -> str:
    """The value of a settings expression, as a fresh process started with this environment
    sees it."""
    code = f"from django.conf import settings; print({expression})"
    result = manage("shell", "--no-imports", "-c", code, **env_overrides)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("missing", "message"),
    [("SECRET_KEY", "SECRET_KEY is not set"), ("ALLOWED_HOSTS", "ALLOWED_HOSTS is not set")],
)
def test_refuses_to_start_without_a_required_setting(missing, message):
    values = {"DEBUG": "false", "SECRET_KEY": "a-secret-for-this-test", "ALLOWED_HOSTS": "hr.test"}
    values[missing] = ""
    result = manage("check", **values)
    assert result.returncode != 0
    assert message in result.stderr


def test_starts_with_both_set():
    result = manage(
        "check", DEBUG="false", SECRET_KEY="a-secret-for-this-test", ALLOWED_HOSTS="hr.test"
    )
    assert result.returncode == 0, result.stderr


def test_time_zone_comes_from_the_environment():
    assert setting("settings.TIME_ZONE, settings.USE_TZ", TIME_ZONE="Asia/Kolkata") == (
        "Asia/Kolkata True"
    )


def test_the_cache_is_redis_when_redis_url_is_set():
    backend = setting(
        "settings.CACHES['default']['BACKEND']", REDIS_URL="redis://127.0.0.1:6379/15"
    )
    assert backend == "django.core.cache.backends.redis.RedisCache"


def test_weekly_off_days_come_from_the_environment():
    assert setting("settings.WEEKLY_OFF_DAYS", WEEKLY_OFF_DAYS="Friday,sat") == "[4, 5]"


def test_refuses_to_start_with_a_trusted_proxy_that_is_not_an_address():
    result = manage(
        "check",
        DEBUG="false",
        SECRET_KEY="a-secret-for-this-test",
        ALLOWED_HOSTS="hr.test",
        TRUSTED_PROXIES="10.0.0.1,proxy.example.com",
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'proxy.example.com' is not an IP address or network." in result.stderr


def test_refuses_to_start_with_a_clock_network_that_is_not_one():
    result = manage("check", CLOCK_NETWORKS="10.1.0.0/16,the office")
    assert result.returncode != 0
    assert "CLOCK_NETWORKS: 'the office' is not an IP address or network." in result.stderr
