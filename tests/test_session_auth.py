"""The browser's session and its user, each one prebuilt query (issue 17, item 4;
portfolio/session_auth.py): the same decisions as Django's own classes on the very next
request (a session deleted or expired, a user made inactive), one query each, compiled once
per connection, and the objects the ORM would build."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portfolio import session_auth
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


def test_each_is_one_query_and_builds_what_the_orm_builds(staff):
    client = logged_in(staff)
    key = client.session.session_key
    store = session_auth.SessionStore(key)
    backend = session_auth.ModelBackend()
    with CaptureQueriesContext(connection) as queries:
        session = store._get_session_from_db()
        user = backend.get_user(str(staff.pk))
    assert len(queries) == 2, [q["sql"] for q in queries]
    assert session == Session.objects.get(session_key=key)
    assert session.expire_date == Session.objects.get(session_key=key).expire_date
    assert session.expire_date.tzinfo is not None
    expected = get_user_model().objects.get(pk=staff.pk)
    for field in type(staff)._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected, field.attname), field.name
    assert not user._state.adding and user._state.db == expected._state.db
    assert backend.get_user("not a number") is None
    assert backend.get_user(str(staff.pk + 1000)) is None
    assert session_auth.SessionStore("no-such-key")._get_session_from_db() is None


def test_the_queries_are_compiled_once_per_connection(staff):
    client = logged_in(staff)
    queries = connection._prebuilt_queries
    compiled = queries["session"], queries["session_user"]
    client.get(PAGE)
    assert (queries["session"], queries["session_user"]) == compiled
    assert client.session.session_key not in compiled[0].sql
