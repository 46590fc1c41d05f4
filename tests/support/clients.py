"""Test clients for a user: a browser session, or a script's API token."""

from __future__ import annotations

from django.test import Client

from portfolio.models import ApiToken


def login(user) -> Client:
    """A client with ``user`` logged in by session (None: an anonymous client)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def token_client(user) -> Client:
    """A client that authenticates like a script: ``Authorization: Token <key>``
    (None: an anonymous client)."""
    if user is None:
        return Client()
    _token, key = ApiToken.issue(user)
    return Client(HTTP_AUTHORIZATION=f"Token {key}")
