"""Production settings refuse to start half-configured."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


def start_django(**env_overrides) -> subprocess.CompletedProcess:
    env = {**os.environ, **env_overrides}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("missing", "message"),
    [("SECRET_KEY", "SECRET_KEY is not set"), ("ALLOWED_HOSTS", "ALLOWED_HOSTS is not set")],
)
def test_refuses_to_start_without_a_required_setting(missing, message):
    values = {"DEBUG": "false", "SECRET_KEY": "a-secret-for-this-test", "ALLOWED_HOSTS": "hr.test"}
    values[missing] = ""
    result = start_django(**values)
    assert result.returncode != 0
    assert message in result.stderr


def test_starts_with_both_set():
    result = start_django(
        DEBUG="false", SECRET_KEY="a-secret-for-this-test", ALLOWED_HOSTS="hr.test"
    )
    assert result.returncode == 0, result.stderr


def test_time_zone_comes_from_the_environment():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; print(settings.TIME_ZONE, settings.USE_TZ)",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "TIME_ZONE": "Asia/Kolkata"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["Asia/Kolkata", "True"], result.stderr


def test_the_cache_is_redis_when_redis_url_is_set():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/15"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache", result.stderr
