"""Production settings: deploy checks pass, errors show no traceback, health check."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client, override_settings
from django.urls import path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "SECRET_KEY": "k3y-" + "x9Q!z" * 12,
    "ALLOWED_HOSTS": "tracker.example.org",
    "DEBUG": "0",
}


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TESTING"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_when_hardening_is_switched_off():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION_ENV,
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="0",
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout


def crash(request):
    raise RuntimeError("secret internals: password=hunter2")


urlpatterns = [path("crash/", crash)]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_errors_show_no_traceback_and_are_logged(caplog):
    client = Client(raise_request_exception=False)
    response = client.get("/crash/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Traceback" not in body and "hunter2" not in body and "RuntimeError" not in body
    assert "Server error" in body
    assert any("crash" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_health_check_ok():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_health_check_reports_a_database_failure():
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError("down")
    ):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
