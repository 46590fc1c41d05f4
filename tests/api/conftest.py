"""Fixtures of the API tests: token clients per role and a small hand-checked world."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support.clients import token_client
from tests.support.factories import make_user
from tests.support.worlds import HandChecked, hand_checked_world


@pytest.fixture
def client_for(db):
    """``client_for("viewers")`` -> a token client for a user of that role."""

    def make(role: str) -> Client:
        return token_client(make_user(role))

    return make


@pytest.fixture
def world(db) -> HandChecked:
    """A small, hand-checkable portfolio (see test_reports for the numbers it yields)."""
    return hand_checked_world()
