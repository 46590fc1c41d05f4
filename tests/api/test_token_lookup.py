"""The token lookup as one prebuilt query (issue 17, item 4; portfolio/api/auth.py): the SQL
is compiled once per connection and run on every request, so a revoked token is refused on
the very next request; the token and its user come back as the ORM would build them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portfolio.api import auth
from portfolio.models import ApiToken
from portfolio.models.tokens import token_digest
from portfolio.services.tokens import token_revoke, tokens_revoke_for_user
from tests.support import factories


@pytest.fixture
def staff(db):
    return factories.UserFactory(username="staff", role="incubator-staff")


def with_key(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def test_a_revoked_token_is_refused_on_the_next_request(staff):
    token, key = ApiToken.issue(staff)
    client = with_key(key)
    assert client.get("/api/v1/stages/").status_code == 200
    assert client.get("/api/v1/stages/").status_code == 200  # the lookup is compiled by now
    token_revoke(token=token)
    refused = client.get("/api/v1/stages/")
    assert refused.status_code == 401
    assert refused.json()["detail"] == str(auth._("Invalid or revoked token."))


def test_every_token_of_a_user_revoked_at_once_is_refused_next(staff):
    _one, first = ApiToken.issue(staff)
    _two, second = ApiToken.issue(staff)
    clients = [with_key(first), with_key(second)]
    assert [c.get("/api/v1/stages/").status_code for c in clients] == [200, 200]
    tokens_revoke_for_user(user=staff)
    assert [c.get("/api/v1/stages/").status_code for c in clients] == [401, 401]


def test_an_inactive_user_or_an_expired_token_is_refused_next(staff):
    token, key = ApiToken.issue(staff)
    client = with_key(key)
    assert client.get("/api/v1/stages/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    assert client.get("/api/v1/stages/").status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=None)
    assert client.get("/api/v1/stages/").status_code == 200
    type(staff).objects.filter(pk=staff.pk).update(is_active=False)
    assert client.get("/api/v1/stages/").status_code == 401


def test_the_lookup_is_one_query_and_builds_what_the_orm_builds(staff):
    token, key = ApiToken.issue(staff, name="script")
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now(), expires_at=timezone.now() + dt.timedelta(days=3)
    )
    auth.token_with_user(token_digest(key))  # compiled on first use
    with CaptureQueriesContext(connection) as queries:
        found = auth.token_with_user(token_digest(key))
        user = found.user  # already there: no query
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert "auth_user" in queries[0]["sql"]
    expected = ApiToken.objects.select_related("user").get(pk=token.pk)
    for field in ApiToken._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    for field in type(staff)._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected.user, field.attname), field.name
    assert found == expected
    assert user == staff
    assert not found._state.adding
    assert found._state.db == expected._state.db
    assert isinstance(found.expires_at, dt.datetime)
    assert found.expires_at.tzinfo is not None


def test_an_unknown_or_revoked_digest_finds_nothing(staff):
    token, key = ApiToken.issue(staff)
    assert auth.token_with_user(token_digest("no-such-key")) is None
    assert auth.token_with_user(token_digest(key)) == token
    token_revoke(token=token)
    assert auth.token_with_user(token_digest(key)) is None


def test_the_query_is_compiled_once_per_connection(staff):
    _token, key = ApiToken.issue(staff)
    auth.token_with_user(token_digest(key))
    compiled = connection._prebuilt_queries["api_token"]
    auth.token_with_user(token_digest(key))
    assert connection._prebuilt_queries["api_token"] is compiled
    assert "%(p0)s" in compiled.sql  # the digest is a parameter, named (``prebuilt.named``)
    assert key not in compiled.sql and token_digest(key) not in compiled.sql
