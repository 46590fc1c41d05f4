"""The app refuses to serve in production without a secret key and allowed hosts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def start_wsgi(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "TESTING"}
    }
    return subprocess.run(
        [sys.executable, "-c", "import incubator.wsgi"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS must be set"),
    ],
)
def test_production_refuses_to_start_without_settings(env, message):
    result = start_wsgi(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_settings():
    result = start_wsgi(SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stderr


def test_locale_and_time_zone():
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE
