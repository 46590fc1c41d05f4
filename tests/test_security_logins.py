"""Logins: five wrong passwords lock a username+IP out for an hour (django-axes), on the
admin login and the dashboard login; a success resets the count."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.support import factories

PASSWORD = "pass-for-tests-1"  # noqa: S105 (the factories' password)

LOGIN_PAGES = {
    "admin": "admin:login",
    "dashboard": "login",
}


def english() -> Client:
    """A browser asking for English pages (the product's default language is Chinese)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def attempt(client: Client, url_name: str, password: str, username: str = "staff"):
    return client.post(reverse(url_name), {"username": username, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def staff(db):
    return factories.UserFactory(username="staff", role="incubator-staff")


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_five_failures_lock_the_account_out(staff, page):
    client = english()
    url_name = LOGIN_PAGES[page]
    for _ in range(4):
        response = attempt(client, url_name, "wrong-password")
        assert response.status_code == 200  # the form again, with its error
        assert not logged_in(client)
    fifth = attempt(client, url_name, "wrong-password")
    assert fifth.status_code == 429

    sixth = attempt(client, url_name, PASSWORD)
    assert sixth.status_code == 429
    assert not logged_in(client)
    body = sixth.content.decode()
    assert "Account locked" in body
    assert "one hour" in body


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_a_success_resets_the_count(staff, page):
    client = english()
    url_name = LOGIN_PAGES[page]
    for _ in range(4):
        attempt(client, url_name, "wrong-password")
    response = attempt(client, url_name, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)

    client = english()
    for _ in range(4):
        attempt(client, url_name, "wrong-password")
    assert attempt(client, url_name, PASSWORD).status_code == 302  # 4 again, not 8: not locked
    assert logged_in(client)


def test_the_lockout_holds_on_every_login_page(staff):
    """Failures counted on one page lock the others too: the lock is the username+IP's."""
    client = english()
    for _ in range(5):
        attempt(client, "login", "wrong-password")
    response = attempt(english(), "admin:login", PASSWORD)
    assert response.status_code == 429
    assert "Account locked" in response.content.decode()


def test_lockout_is_per_username_and_ip(staff):
    factories.UserFactory(username="colleague", role="incubator-staff")
    for _ in range(5):
        attempt(english(), "login", "wrong-password")
    # Same address, another username: not locked.
    colleague = attempt(english(), "login", PASSWORD, username="colleague")
    assert colleague.status_code == 302
    # Same username from another address: not locked either.
    elsewhere = Client(REMOTE_ADDR="10.1.2.3", HTTP_ACCEPT_LANGUAGE="en")
    assert attempt(elsewhere, "login", PASSWORD).status_code == 302


def test_lockout_expires_after_an_hour(staff):
    import datetime as dt

    from axes.models import AccessAttempt

    for _ in range(5):
        attempt(english(), "login", "wrong-password")
    assert attempt(english(), "login", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert attempt(english(), "login", PASSWORD).status_code == 302
