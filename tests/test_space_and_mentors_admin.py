"""The admin of leases, mentors and sessions (issue 16): staff write through the services (an
overlapping lease refused next to ``starts_on``, nothing written), viewers read only, and the
changelists' queries do not grow with rows."""

from __future__ import annotations

import datetime as dt

import pytest

from portfolio.models import Mentor, MentoringSession, SpaceLease
from tests.support.admin import admin_url
from tests.support.clients import login
from tests.support.factories import (
    MentorFactory,
    MentoringSessionFactory,
    SpaceLeaseFactory,
    StartupFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def leased():
    """Unit B-1 leased 2025-03-01 to 2025-12-31."""
    return SpaceLeaseFactory(
        unit="B-1", starts_on=dt.date(2025, 3, 1), ends_on=dt.date(2025, 12, 31)
    )


def form(startup, start: str, end: str = "", **more) -> dict:
    return {
        "startup": startup.pk,
        "unit": "B-1",
        "kind": "lab",
        "area_m2": "30",
        "starts_on": start,
        "ends_on": end,
        "list_rent": "5000",
        "actual_rent": "4000",
        "subsidy": "0",
        "subsidy_source": "",
        "note": "",
        **more,
    }


def errors(response) -> dict:
    return response.context["adminform"].form.errors


def test_staff_lease_through_the_service_and_overlaps_are_refused_on_starts_on(staff_user, leased):
    startup = StartupFactory()
    client = login(staff_user)
    response = client.post(admin_url(SpaceLease, "add"), form(startup, "2025-12-01"))
    assert response.status_code == 200
    assert set(errors(response)) == {"starts_on"}
    assert "2025-03-01" in str(errors(response)["starts_on"])
    response = client.post(
        admin_url(SpaceLease, "add"), form(startup, "2026-01-01", actual_rent="6000")
    )
    assert set(errors(response)) == {"actual_rent"}
    assert SpaceLease.objects.count() == 1
    response = client.post(admin_url(SpaceLease, "add"), form(startup, "2026-01-01"))
    assert response.status_code == 302, errors(response)
    lease = SpaceLease.objects.get(startup=startup)
    assert lease.created_by == staff_user
    assert lease.history.get().history_user == staff_user
    url = admin_url(SpaceLease, "change", lease.pk)
    response = client.post(url, form(startup, "2025-12-31"))
    assert set(errors(response)) == {"starts_on"}
    lease.refresh_from_db()
    assert lease.starts_on == dt.date(2026, 1, 1)


def test_staff_record_mentors_and_sessions(staff_user):
    client = login(staff_user)
    body = {
        "name": "钱导师",
        "kind": "entrepreneur",
        "appointed_by": "孵化器",
        "appointed_on": "2025-01-01",
        "until": "2024-01-01",
    }
    response = client.post(admin_url(Mentor, "add"), body)
    assert set(errors(response)) == {"until"}
    response = client.post(admin_url(Mentor, "add"), {**body, "until": ""})
    assert response.status_code == 302, errors(response)
    mentor = Mentor.objects.get()
    session = {
        "mentor": mentor.pk,
        "startup": StartupFactory().pk,
        "held_on": "2025-02-01",
        "hours": "30",
        "topic": "融资",
        "follow_ups": "",
    }
    response = client.post(admin_url(MentoringSession, "add"), session)
    assert set(errors(response)) == {"hours"}
    response = client.post(admin_url(MentoringSession, "add"), {**session, "hours": "2"})
    assert response.status_code == 302, errors(response)
    assert MentoringSession.objects.get().created_by == staff_user


@pytest.mark.parametrize("persona", ["viewers", "fund-managers"], indirect=True)
def test_other_roles_read_but_do_not_write(persona, leased):
    client = login(persona)
    for model in (SpaceLease, Mentor, MentoringSession):
        assert client.get(admin_url(model, "changelist")).status_code == 200
    response = client.post(admin_url(SpaceLease, "add"), form(leased.startup, "2026-01-01"))
    assert response.status_code == 403
    assert SpaceLease.objects.count() == 1


@pytest.mark.parametrize("model", [SpaceLease, Mentor, MentoringSession])
def test_changelist_queries_do_not_grow(staff_user, model, django_assert_max_num_queries):
    make = {
        SpaceLease: SpaceLeaseFactory,
        Mentor: MentorFactory,
        MentoringSession: MentoringSessionFactory,
    }[model]
    make()
    client = login(staff_user)
    url = admin_url(model, "changelist")
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    make.create_batch(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
