"""The browser's session and its user, one prebuilt query (issue 17, item 4;
portfolio/session_auth.py): the same decisions as Django's own classes on the very next
request (a session deleted or expired, a user made inactive or deleted, a new password),
one query for both, compiled once per connection, and the objects the ORM would build."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portfolio import session_auth
from portfolio.models import BrowserSession as Session
from tests.support import factories

pytestmark = pytest.mark.django_db

PAGE = "/api/v1/stages/"


@pytest.fixture
def staff(db):
    return factories.UserFactory(username="staff", role="incubator-staff")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get(PAGE).status_code == 200
    return client


def test_a_deleted_session_is_refused_on_the_next_request(staff):
    client = logged_in(staff)
    assert client.get(PAGE).status_code == 200  # the queries are compiled by now
    Session.objects.all().delete()
    assert client.get(PAGE).status_code == 401  # anonymous now


def test_an_expired_session_is_refused_on_the_next_request(staff):
    client = logged_in(staff)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(PAGE).status_code == 401  # anonymous: no session user


def test_an_inactive_user_is_refused_on_the_next_request(staff):
    client = logged_in(staff)
    get_user_model().objects.filter(pk=staff.pk).update(is_active=False)
    assert client.get(PAGE).status_code == 401  # anonymous: no session user


def test_logging_in_and_out_in_the_browser(staff, client):
    staff.set_password("a long enough password 1")
    staff.save()
    response = client.post(
        "/accounts/login/", {"username": "staff", "password": "a long enough password 1"}
    )
    assert response.status_code == 302
    assert client.get(PAGE).status_code == 200
    client.post("/accounts/logout/")
    assert client.get(PAGE).status_code == 401  # anonymous: no session user


def session_and_user_reads(queries) -> list[str]:
    """The queries that read a session or a user (not the user's permissions)."""
    return [
        q["sql"]
        for q in queries
        if "portfolio_session" in q["sql"] or q["sql"].startswith('SELECT "auth_user"."id"')
    ]


def test_a_request_reads_its_session_and_user_in_one_query(staff):
    client = logged_in(staff)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    auth = session_and_user_reads(queries)
    assert len(auth) == 1, auth
    assert "portfolio_session" in auth[0] and "auth_user" in auth[0]


def test_the_session_row_carries_the_user_its_data_logs_in(staff, client):
    staff.set_password("a long enough password 1")
    staff.save()
    client.post("/accounts/login/", {"username": "staff", "password": "a long enough password 1"})
    [row] = Session.objects.all()
    assert row.user_id == staff.pk
    assert row.get_decoded()["_auth_user_id"] == str(staff.pk)
    client.post("/accounts/logout/")
    assert not Session.objects.filter(user=staff).exists()
    # Someone else in the same browser: a new session (a new key) that is theirs.
    other = factories.UserFactory(username="other", role="viewers")
    client.force_login(other)
    assert list(Session.objects.values_list("user", flat=True)) == [other.pk]


def test_a_session_without_a_user_is_anonymous_and_one_query(db):
    store = session_auth.SessionStore()
    store["language"] = "en"
    store.save()
    assert Session.objects.get(session_key=store.session_key).user_id is None
    client = Client()
    client.cookies["sessionid"] = store.session_key
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 401
    assert len(session_and_user_reads(queries)) == 1  # the session; no user to read


def test_a_deleted_user_takes_their_sessions_along(staff):
    client = logged_in(staff)
    get_user_model().objects.filter(pk=staff.pk).delete()
    assert not Session.objects.exists()
    assert client.get(PAGE).status_code == 401


def test_a_new_password_ends_the_other_sessions(staff):
    client = logged_in(staff)
    staff.set_password("another long password 2")
    staff.save()
    assert client.get(PAGE).status_code == 401  # Django's session hash check still runs


def test_the_session_data_decides_not_the_column(staff):
    """The data is the one source of who is logged in: a row whose column says another user
    (it cannot, short of an UPDATE by hand) logs in the data's user, read apart."""
    other = factories.UserFactory(username="other", role="viewers")
    client = logged_in(staff)
    Session.objects.update(user=other)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == staff.pk
    users = [
        q["sql"]
        for q in queries
        if 'FROM "auth_user"' in q["sql"] or "auth_user" in q["sql"].split("FROM")[0]
    ]
    assert len(users) == 2, users  # joined, then read apart


def test_builds_what_the_orm_builds(staff):
    client = logged_in(staff)
    key = client.session.session_key
    store = session_auth.SessionStore(key)
    backend = session_auth.ModelBackend()
    with CaptureQueriesContext(connection) as queries:
        session = store._get_session_from_db()
        user = backend.get_user(str(staff.pk))
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert session == Session.objects.get(session_key=key)
    assert session.expire_date == Session.objects.get(session_key=key).expire_date
    assert session.expire_date.tzinfo is not None
    expected = get_user_model().objects.get(pk=staff.pk)
    for field in type(staff)._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected, field.attname), field.name
    assert not user._state.adding and user._state.db == expected._state.db
    # Taken once: asked again (no session read in between), the backend reads the user.
    with CaptureQueriesContext(connection) as queries:
        assert backend.get_user(str(staff.pk)) == expected
    assert len(queries) == 1
    assert backend.get_user("not a number") is None
    assert backend.get_user(str(staff.pk + 1000)) is None
    assert session_auth.SessionStore("no-such-key")._get_session_from_db() is None


def test_a_user_read_with_one_request_is_never_handed_to_the_next(staff):
    """The user read with a session lives until the request ends: a request that read the
    session without asking for its user leaves nothing for the next request's ``get_user``."""
    from django.core.signals import request_started
    from django.db import close_old_connections

    client = logged_in(staff)
    session_auth.SessionStore(client.session.session_key).load()
    request_started.disconnect(close_old_connections)  # as the test client does
    try:
        request_started.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
    get_user_model().objects.filter(pk=staff.pk).update(is_active=False)
    assert session_auth.ModelBackend().get_user(str(staff.pk)) is None


def test_the_queries_are_compiled_once_per_connection(staff):
    client = logged_in(staff)
    queries = connection._prebuilt_queries
    compiled = queries["session"]
    client.get(PAGE)
    assert queries["session"] == compiled
    assert client.session.session_key not in compiled.sql


def test_clearsessions_deletes_the_expired_sessions(staff):
    from django.core.management import call_command

    logged_in(staff)
    live = logged_in(factories.UserFactory(username="other", role="viewers"))
    Session.objects.exclude(session_key=live.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    call_command("clearsessions")
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session.session_key]
