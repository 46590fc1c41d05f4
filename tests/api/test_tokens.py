"""API tokens (contract, "Tokens and exports"; issue 13, finding 9): scope, expiry, a name,
listing and revocation from the command line and the admin; a new password revokes them;
the lookup stays one query."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portfolio.models import ApiToken
from tests.support import factories
from tests.support.clients import login

PASSWORD = "pass-for-tests-1"  # noqa: S105 (the factories' password)


@pytest.fixture
def staff(db):
    return factories.UserFactory(username="staff", role="incubator-staff")


def command(*args: str) -> str:
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def issue(*args: str) -> str:
    return command(*args).strip()


def with_key(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")


def post_institution(client: Client):
    body = {"name": "令牌研究所", "kind": "university", "city": "北京"}
    return client.post("/api/v1/institutions/", json.dumps(body), content_type="application/json")


def test_read_only_token_reads_and_is_refused_every_write(staff):
    key = issue("staff", "--read-only", "--name", "nightly report")
    token = ApiToken.objects.get(user=staff)
    assert (token.scope, token.name, token.expires_at) == ("read-only", "nightly report", None)
    client = with_key(key)
    assert client.get("/api/v1/institutions/").status_code == 200
    refused = post_institution(client)
    assert refused.status_code == 403
    assert "read-only" in refused.json()["detail"]
    # the same user's read-write token writes
    assert post_institution(with_key(issue("staff"))).status_code == 201


def test_expiring_token_works_until_it_expires(staff):
    key = issue("staff", "--expires-days", "30")
    token = ApiToken.objects.get(user=staff)
    lifetime = token.expires_at - timezone.now()
    assert dt.timedelta(days=29, hours=23) < lifetime <= dt.timedelta(days=30)
    assert with_key(key).get("/api/v1/stages/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    response = with_key(key).get("/api/v1/stages/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Token expired."


@pytest.mark.parametrize(
    "args",
    [
        ("--expires-days", "0"),
        ("--expires-days", "-3"),
        ("--expires-days", "100000"),
        ("--name", "x" * 101),
    ],
)
def test_bad_options_are_refused_and_issue_nothing(staff, args):
    with pytest.raises(CommandError):
        command("staff", *args)
    assert not ApiToken.objects.exists()


def test_list_shows_every_column_but_never_the_key(staff):
    key = issue("staff", "--read-only", "--name", "dashboard sync", "--expires-days", "7")
    other = issue("staff", "--name", "import script")
    with_key(other).get("/api/v1/stages/")
    listing = command("staff", "--list")
    header, *rows = listing.splitlines()
    for column in ("id", "name", "scope", "created", "last used", "expires", "status"):
        assert column in header
    assert len(rows) == 2
    first, second = ApiToken.objects.filter(user=staff).order_by("id")
    assert rows[0].split()[0] == str(first.pk)
    assert "dashboard sync" in rows[0] and "read-only" in rows[0] and "active" in rows[0]
    assert timezone.localtime(first.expires_at).strftime("%Y-%m-%d") in rows[0]
    assert "import script" in rows[1] and "read-write" in rows[1] and "never" in rows[1]
    today = timezone.localtime().strftime("%Y-%m-%d")
    assert rows[0].count(today) == 1  # created; never used
    assert rows[1].count(today) == 2  # created and last used
    for secret in (key, other, first.digest, second.digest):
        assert secret not in listing


def test_revoke_by_id(staff):
    key = issue("staff")
    token = ApiToken.objects.get(user=staff)
    assert "Revoked" in command("--revoke", str(token.pk))
    assert with_key(key).get("/api/v1/stages/").status_code == 401
    assert "revoked" in command("--list")
    with pytest.raises(CommandError):
        command("--revoke", str(token.pk))
    with pytest.raises(CommandError):
        command("--revoke", "999999")


def test_revoke_checks_the_named_user(staff):
    factories.UserFactory(username="other", role="viewers")
    issue("staff")
    token = ApiToken.objects.get(user=staff)
    with pytest.raises(CommandError):
        command("other", "--revoke", str(token.pk))
    token.refresh_from_db()
    assert not token.revoked


def test_a_new_password_revokes_the_users_tokens(staff):
    key = issue("staff")
    bystander = factories.UserFactory(username="bystander", role="viewers")
    kept = issue("bystander")
    staff.set_password("a-brand-new-passphrase-42")
    staff.save()
    assert with_key(key).get("/api/v1/stages/").status_code == 401
    assert ApiToken.objects.get(user=staff).revoked
    assert with_key(kept).get("/api/v1/stages/").status_code == 200
    assert not ApiToken.objects.get(user=bystander).revoked
    # a token issued afterwards works
    assert with_key(issue("staff")).get("/api/v1/stages/").status_code == 200


def test_a_password_changed_in_the_admin_revokes_the_tokens(staff, superuser):
    from django.urls import reverse

    key = issue("staff")
    response = login(superuser).post(
        reverse("admin:auth_user_password_change", args=[staff.pk]),
        {"password1": "Another-long-passphrase-9", "password2": "Another-long-passphrase-9"},
    )
    assert response.status_code == 302
    assert with_key(key).get("/api/v1/stages/").status_code == 401


def test_a_login_does_not_revoke_the_tokens(staff):
    key = issue("staff")
    client = Client()
    assert (
        client.post("/accounts/login/", {"username": "staff", "password": PASSWORD}).status_code
        == 302
    )
    staff.save()  # an ordinary save (e.g. last_login) is no password change
    assert with_key(key).get("/api/v1/stages/").status_code == 200


def test_token_lookup_is_one_query(staff):
    key = issue("staff")
    client = with_key(key)
    client.get("/api/v1/stages/")  # the first use records last_used_at
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/stages/").status_code == 200
    token_queries = [q["sql"] for q in queries if "portfolio_apitoken" in q["sql"]]
    user_queries = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        and '"auth_user"' in q["sql"].split("FROM", 1)[1].split("WHERE")[0]
        and "portfolio_apitoken" not in q["sql"]
    ]
    assert len(token_queries) == 1, token_queries
    assert not user_queries, user_queries


# --- the admin ----------------------------------------------------------------------------


def test_superuser_lists_and_revokes_tokens_in_the_admin(staff, superuser):
    from tests.support.admin import admin_url

    key = issue("staff", "--read-only", "--name", "grafana")
    token = ApiToken.objects.get(user=staff)
    client = login(superuser)
    page = client.get(admin_url(ApiToken, "changelist")).content.decode()
    assert "grafana" in page and token.prefix in page and "read-only" in page
    assert key not in page and token.digest not in page
    assert client.get(admin_url(ApiToken, "add")).status_code == 403
    response = client.post(
        admin_url(ApiToken, "changelist"),
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
        follow=True,
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked
    assert with_key(key).get("/api/v1/stages/").status_code == 401


@pytest.mark.parametrize("persona", ["viewers", "incubator-staff", "fund-managers"], indirect=True)
def test_only_superusers_see_tokens_in_the_admin(persona, staff):
    from tests.support.admin import admin_url

    issue("staff")
    client = login(persona)
    assert client.get(admin_url(ApiToken, "changelist")).status_code == 403
    assert "apitoken" not in client.get("/admin/").content.decode()
