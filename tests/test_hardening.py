"""Issue 13, finding 10: a Content-Security-Policy on every page type, no unconfigured
password reset, and TESTING=1 never quietly switching off production hardening."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import path

from portfolio.csp import BROWSABLE_API_POLICY, POLICY
from portfolio.models import Fund, FundingRound, Startup
from tests.support.admin import admin_url
from tests.support.clients import login
from tests.support.worlds import hand_checked_world

ROOT = Path(__file__).resolve().parent.parent


def crash(request):
    raise RuntimeError("boom")


urlpatterns = [path("crash/", crash)]

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>")


def assert_inline_free(body: str, where: str, *, style_attributes: bool = True) -> None:
    """Nothing the policy would block: no inline script, no <style>, no style="" (the
    browsable API's style attributes are blocked and repeated in a style sheet)."""
    assert not INLINE_SCRIPT.search(body), (where, INLINE_SCRIPT.search(body).group(0))
    assert "<style" not in body, where
    assert not re.search(r"\son\w+=", body), where  # no event handler attributes
    if style_attributes:
        assert not re.search(r"\sstyle=", body), (where, re.search(r".{80}\sstyle=.{40}", body))


def test_policy_allows_only_the_sites_own_scripts_and_styles():
    directives = dict(part.split(" ", 1) for part in POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in POLICY
    assert BROWSABLE_API_POLICY.count("unsafe") == 1  # style="" attributes only


@pytest.mark.django_db
def test_every_page_type_carries_the_policy_and_nothing_it_would_block(superuser):
    world = hand_checked_world()
    fund = Fund.objects.get()
    startup = Startup.objects.first()
    round_ = FundingRound.objects.first()
    user = login(superuser)
    anonymous = Client()
    pages = {
        "login": (anonymous, "/accounts/login/", 200),
        "admin-login": (anonymous, "/admin/login/", 200),
        "pipeline": (user, "/dashboard/", 200),
        "startup": (user, f"/dashboard/startups/{startup.pk}/", 200),
        "fund": (user, f"/dashboard/funds/{fund.pk}/", 200),
        "impact": (user, "/dashboard/impact/?year=2024", 200),
        "admin-index": (user, "/admin/", 200),
        "admin-list": (user, admin_url(Startup, "changelist"), 200),
        "admin-change": (user, admin_url(Startup, "change", startup.pk), 200),
        "admin-fund": (user, admin_url(Fund, "change", fund.pk), 200),
        "admin-round": (user, admin_url(FundingRound, "change", round_.pk), 200),
        "admin-import": (user, admin_url(Startup, "import"), 200),
        "admin-history": (user, admin_url(Startup, "history", startup.pk), 200),
        "api-docs": (anonymous, "/api/docs/", 200),
        "not-found": (user, "/no/such/page/", 404),
        "forbidden-json": (anonymous, "/api/v1/startups/", 401),
        "api-json": (user, "/api/v1/startups/", 200),
        "healthz": (anonymous, "/healthz", 200),
    }
    for where, (client, url, status) in pages.items():
        response = client.get(url)
        assert response.status_code == status, (where, response.status_code)
        assert response["Content-Security-Policy"] == POLICY, where
        if response["Content-Type"].startswith("text/html"):
            assert_inline_free(response.content.decode(), where)
    # the browsable API: DRF's style="" attributes are allowed there, never a script
    for url in (f"/api/v1/startups/{startup.pk}/", "/api/v1/startups/"):
        response = user.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200
        assert response["Content-Security-Policy"] == BROWSABLE_API_POLICY
        assert_inline_free(response.content.decode(), "browsable-api", style_attributes=False)
    assert "script-src 'self';" in BROWSABLE_API_POLICY
    assert "style-src-attr 'unsafe-inline'" in BROWSABLE_API_POLICY
    # Swagger UI's start-up script is a file of its own
    script = anonymous.get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert "javascript" in script["Content-Type"]
    assert world.weici.pk  # the world is there for the pages to show


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_the_server_error_page_carries_the_policy():
    response = Client(raise_request_exception=False).get("/crash/")
    assert response.status_code == 500
    assert response["Content-Security-Policy"] == POLICY
    assert_inline_free(response.content.decode(), "500")


@pytest.mark.django_db
def test_password_reset_is_not_offered(superuser):
    client = Client()
    for url in (
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/MQ/set-password/",
        "/accounts/reset/done/",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"email": "root@example.com"}).status_code == 404, url
    assert "password_reset" not in client.get("/admin/login/").content.decode()
    # changing one's own password still works, for a logged-in user
    assert client.get("/accounts/password_change/").status_code == 302
    user = login(superuser)
    response = user.post(
        "/accounts/password_change/",
        {
            "old_password": "pass-for-tests-1",
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    )
    assert response.status_code == 302
    superuser.refresh_from_db()
    assert superuser.check_password("a-new-long-passphrase-42")


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "TESTING", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {"SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "tracker.example.org"}


@pytest.mark.parametrize(
    "code",
    [
        "import incubator.wsgi",
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'incubator.settings';"
        " django.setup()",
    ],
)
def test_testing_with_debug_off_refuses_to_start(code):
    result = run_python(code, TESTING="1", **PRODUCTION)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "TESTING=1 is for the test suite only" in result.stderr


def test_testing_with_debug_on_and_production_without_testing_start():
    settings = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'incubator.settings';"
        " django.setup(); from django.conf import settings;"
        " print(settings.PASSWORD_HASHERS[0], settings.SECURE_HSTS_SECONDS)"
    )
    development = run_python(settings, TESTING="1", DEBUG="1")
    assert development.returncode == 0, development.stderr
    production = run_python(settings, DEBUG="0", **PRODUCTION)
    assert production.returncode == 0, production.stderr
    assert "MD5" not in production.stdout and "31536000" in production.stdout
