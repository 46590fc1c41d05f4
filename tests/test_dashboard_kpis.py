"""The pipeline dashboard's "KPI reporting" panel (issue 15): per open request, how many
startups were asked, submitted and approved, and who is late; its queries do not grow with
the requests or the startups asked."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.services import kpis
from tests.support import factories
from tests.support.clients import login
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:pipeline")


def page(client) -> str:
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def row(html: str, request) -> dict[str, str]:
    match = re.search(rf'<tr data-request="{request.pk}">(.*?)</tr>', html, re.S)
    assert match, "no row for the request"
    cells = dict(re.findall(r'class="num kpi-(\w+)">(\d+)<', match.group(1)))
    cells["html"] = match.group(1)
    return cells


def ask(startups, year=2024, quarter=1, due=dt.date(2024, 4, 30)):
    return kpis.kpi_request_open(
        year=year, quarter=quarter, due_on=due, startups=[s.pk for s in startups]
    )


def test_the_panel_counts_asked_submitted_approved_and_late(viewer, staff_user):
    quick, slow, silent = (factories.StartupFactory(name=n) for n in ("快科技", "慢科技", "静科技"))
    request = ask([quick, slow, silent])
    approved = kpis.kpi_submission_create(startup=quick, year=2024, quarter=1, figures={})
    kpis.kpi_submission_review(submission=approved, decision="approve", by=staff_user)
    kpis.kpi_submission_create(startup=slow, year=2024, quarter=1, figures={})
    cells = row(page(login(viewer)), request)
    assert (cells["asked"], cells["submitted"], cells["approved"], cells["late"]) == (
        "3",
        "2",
        "1",
        "1",
    )
    assert "静科技" in cells["html"] and "慢科技" not in cells["html"]
    assert "overdue" in cells["html"]  # the row says the request is overdue


def test_a_complete_request_leaves_the_panel(viewer, staff_user):
    startup = factories.StartupFactory()
    request = ask([startup])
    submission = kpis.kpi_submission_create(startup=startup, year=2024, quarter=1, figures={})
    assert f'data-request="{request.pk}"' in page(login(viewer))
    kpis.kpi_submission_review(submission=submission, decision="approve", by=staff_user)
    html = page(login(viewer))
    assert f'data-request="{request.pk}"' not in html
    assert "No open KPI request." in html


def test_the_panel_needs_the_permission_to_read_requests(db):
    reader = UserFactory(username="reader")
    reader.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="portfolio", codename__in=["view_startup", "view_stage"]
        )
    )
    ask([factories.StartupFactory()])
    assert 'id="kpi-completeness"' not in page(login(reader))


def count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(client)
    return len(queries)


@pytest.mark.usefixtures("report_cache_off")  # what computing it costs
def test_the_panel_queries_do_not_grow_with_requests_or_startups(viewer):
    client = login(viewer)
    startups = [factories.StartupFactory() for _ in range(3)]
    ask(startups)
    page(client)  # warm the session
    before = count(client)
    more = [factories.StartupFactory() for _ in range(9)]
    for quarter in (2, 3, 4):
        ask([*startups, *more], quarter=quarter, due=dt.date(2025, quarter, 1))
    for startup in more[:4]:
        kpis.kpi_submission_create(startup=startup, year=2024, quarter=2, figures={})
    assert count(client) == before
