"""Hostile input to the founders' part (issue 15), with the corpus of test_hostile_input:
every value in place of each field of an invitation (the service and the admin's form), and
garbage around ``/me/``. A clear refusal by field or a harmless write, never a 500, never a
partial write."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError

from portfolio.models import FounderMembership
from portfolio.services.founders import founder_invite
from tests.support import factories
from tests.support.clients import login, token_client
from tests.support.founders import make_founder
from tests.test_hostile_input import HOSTILE

pytestmark = pytest.mark.django_db

GOOD = {"email": "hostile@example.com", "name": "王五", "title": "CEO"}


def written() -> tuple[int, int]:
    return get_user_model().objects.count(), FounderMembership.objects.count()


@pytest.mark.parametrize("field", list(GOOD))
@pytest.mark.parametrize(("label", "value"), HOSTILE, ids=[label for label, _v in HOSTILE])
def test_the_invitation_service_refuses_by_field_or_writes_whole(startup, field, label, value):
    before = written()
    try:
        membership = founder_invite(startup=startup, **{**GOOD, field: value})
    except ValidationError as refused:
        assert set(refused.error_dict) == {field}, (label, refused.error_dict)
        assert written() == before and mail.outbox == []
    else:
        assert written() == (before[0] + 1, before[1] + 1)
        assert len(mail.outbox) == 1
        assert membership.user.founder_membership == membership


@pytest.mark.parametrize("field", list(GOOD))
@pytest.mark.parametrize(
    ("label", "value"),
    [(label, value) for label, value in HOSTILE if isinstance(value, str)],
    ids=[label for label, value in HOSTILE if isinstance(value, str)],
)
def test_the_admins_invitation_form_refuses_by_field(startup, staff_user, field, label, value):
    from django.urls import reverse

    url = reverse("admin:portfolio_foundermembership_invite", args=[startup.pk])
    before = written()
    response = login(staff_user).post(url, {**GOOD, field: value})
    assert response.status_code in (200, 302), (label, response.status_code)
    if response.status_code == 200:
        assert set(response.context["form"].errors) == {field}, label
        assert written() == before
    else:
        assert written() == (before[0] + 1, before[1] + 1)


@pytest.mark.parametrize(
    "query",
    [
        "?format=csv",
        "?format=xlsx",
        "?page=999999",
        "?search=%00",
        "?startup=1e30",
        "?x=" + "量" * 5000,
    ],
)
def test_me_answers_garbage_without_an_error(startup, query):
    founder = make_founder(startup)
    response = token_client(founder).get(f"/api/v1/me/{query}")
    assert response.status_code in (200, 404), (query, response.status_code)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(token_client(founder), method)("/api/v1/me/", {"a": "\x00"})
        assert response.status_code == 405, method
    assert factories.StartupFactory()  # the database is still usable


KPI_GOOD = {
    "revenue": "12.5",
    "rd_spend": "3",
    "headcount": "4",
    "patents_filed": "1",
    "patents_granted": "0",
    "customers": "0",
    "cash": "100",
    "runway_months": "12",
}
STRINGS = [(label, value) for label, value in HOSTILE if isinstance(value, str)]


@pytest.mark.parametrize("field", list(KPI_GOOD))
@pytest.mark.parametrize(("label", "value"), STRINGS, ids=[label for label, _v in STRINGS])
def test_the_kpi_form_refuses_by_field_or_writes_whole(startup, field, label, value):
    from django.urls import reverse

    from portfolio.models import KpiSubmission

    founder = make_founder(startup)
    url = reverse("founder:kpi-quarter", args=[2024, 1])
    response = login(founder).post(url, {**KPI_GOOD, field: value})
    assert response.status_code in (200, 302), (label, response.status_code)
    if response.status_code == 200:
        assert set(response.context["form"].errors) == {field}, label
        assert not KpiSubmission.objects.exists()
    else:  # only the optional runway may be left empty
        assert (field, value) == ("runway_months", ""), label
        assert KpiSubmission.objects.get().runway_months is None


@pytest.mark.parametrize(
    "path",
    [
        "/founder/kpis/0/1/",
        "/founder/kpis/2024/9/",
        "/founder/kpis/99999999999999999999999/1/",
        "/founder/kpis/-1/1/",
        "/founder/kpis/2024/1/?startup=1&year=2023",
        "/founder/kpis/?format=csv&page=99999",
    ],
)
def test_the_kpi_pages_answer_garbage_without_an_error(startup, path):
    founder = make_founder(startup)
    assert login(founder).get(path).status_code in (200, 404), path
