"""The "security" log: failed logins, lockouts, refused requests and API token use are
recorded; no log line ever holds a password or a full API token."""

from __future__ import annotations

import io
import logging

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from portfolio.models import ApiToken
from portfolio.models.tokens import token_digest
from tests.support import factories

SECRET_PASSWORD = "Zq8-very-secret-Password-77"  # noqa: S105


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def text(self) -> str:
        lines = []
        for record in self.records:
            lines.append(record.getMessage())
            lines.append(repr(record.args))
            lines.append(repr(record.__dict__))
        return "\n".join(lines)

    def messages(self, logger: str) -> list[str]:
        return [r.getMessage() for r in self.records if r.name == logger]


@pytest.fixture
def logs():
    """Every record of every logger, at every level (also those that do not propagate)."""
    handler = Capture()
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        for logger, level in saved:
            logger.removeHandler(handler)
            logger.setLevel(level)


@pytest.fixture
def staff(db):
    user = factories.UserFactory(username="staff", role="incubator-staff")
    user.set_password(SECRET_PASSWORD)
    user.save()
    return user


def test_failed_logins_and_lockout_are_logged_without_the_password(staff, logs, capsys):
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": "staff", "password": SECRET_PASSWORD + "x"})
    client.post(reverse("admin:login"), {"username": "nobody", "password": SECRET_PASSWORD})
    locked = client.post(reverse("login"), {"username": "staff", "password": SECRET_PASSWORD})
    assert locked.status_code == 429

    security = logs.messages("security")
    failed = [m for m in security if m.startswith("login_failed")]
    assert len(failed) >= 6
    assert "login_failed username=staff ip=127.0.0.1 path=/accounts/login/" in failed
    assert "login_failed username=nobody ip=127.0.0.1 path=/admin/login/" in failed
    assert any(m.startswith("lockout username=staff ip=127.0.0.1") for m in security)
    assert SECRET_PASSWORD not in logs.text()
    assert SECRET_PASSWORD not in capsys.readouterr().err


def test_successful_login_is_logged(staff, logs):
    response = Client().post(reverse("login"), {"username": "staff", "password": SECRET_PASSWORD})
    assert response.status_code == 302
    assert "login username=staff ip=127.0.0.1 path=/accounts/login/" in logs.messages("security")
    assert SECRET_PASSWORD not in logs.text()


def test_token_use_is_logged_by_prefix_and_id_only(staff, logs, capsys):
    token, key = ApiToken.issue(staff)
    good = Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/startups/")
    assert good.status_code == 200
    bad_key = key[:-4] + "abcd"
    bad = Client(HTTP_AUTHORIZATION=f"Token {bad_key}").get("/api/v1/startups/")
    assert bad.status_code == 401
    malformed = Client(HTTP_AUTHORIZATION=f"Token {key} {key}").get("/api/v1/startups/")
    assert malformed.status_code == 401

    security = logs.messages("security")
    assert any(
        m.startswith(f"api_token_used token_id={token.pk} prefix={token.prefix} user=staff")
        for m in security
    )
    assert any(m.startswith("api_token_refused reason=invalid_token") for m in security)
    assert any(m.startswith("permission_denied status=401") for m in security)
    text = logs.text() + capsys.readouterr().err
    assert key not in text
    assert bad_key not in text
    assert token.digest not in text


def test_last_used_at_is_recorded(staff):
    token, key = ApiToken.issue(staff)
    assert token.last_used_at is None
    Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/stages/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_refused_api_write_is_logged(db, logs):
    viewer = factories.UserFactory(username="viewer", role="viewers")
    _token, key = ApiToken.issue(viewer)
    response = Client(HTTP_AUTHORIZATION=f"Token {key}").post(
        "/api/v1/institutions/", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert (
        "permission_denied status=403 user=viewer ip=127.0.0.1 method=POST "
        "path=/api/v1/institutions/"
    ) in logs.messages("security")
    assert key not in logs.text()


def test_refused_admin_page_is_logged(db, logs):
    viewer = factories.UserFactory(username="viewer", role="viewers")
    client = Client()
    client.force_login(viewer)
    response = client.get(reverse("admin:portfolio_commitment_add"))
    assert response.status_code == 403
    assert (
        "permission_denied status=403 user=viewer ip=127.0.0.1 method=GET "
        "path=/admin/portfolio/commitment/add/"
    ) in logs.messages("security")


def test_a_revoked_token_gets_401(staff):
    token, key = ApiToken.issue(staff)
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/stages/").status_code == 200
    token.revoked = True
    token.save()
    response = client.get("/api/v1/stages/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_of_an_inactive_user_gets_401(staff):
    _token, key = ApiToken.issue(staff)
    staff.is_active = False
    staff.save()
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/stages/").status_code == 401


def test_api_token_command_shows_the_key_once_and_stores_its_digest(staff):
    out = io.StringIO()
    call_command("api_token", "staff", "--name", "nightly export", stdout=out)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=staff)
    assert token.digest == token_digest(key)
    assert token.prefix == key[: len(token.prefix)]
    # Nothing stored holds the key itself.
    stored = " ".join(str(value) for value in ApiToken.objects.values_list().get())
    assert key not in stored
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/stages/").status_code == 200

    # Issuing again gives a different key; the first cannot be shown again, only revoked.
    out2 = io.StringIO()
    call_command("api_token", "staff", "--revoke-others", stdout=out2)
    second = out2.getvalue().strip()
    assert second != key
    assert key not in out2.getvalue()
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/stages/").status_code == 401
    assert Client(HTTP_AUTHORIZATION=f"Token {second}").get("/api/v1/stages/").status_code == 200


def test_api_token_command_refuses_unknown_users(db):
    with pytest.raises(CommandError):
        call_command("api_token", "ghost", stdout=io.StringIO())
