"""The founders' KPI routes (issue 15): a founder submits and corrects their own startup's
figures, staff review them; refusals are 400s naming the field; other startups' rows are
404 to a founder."""

from __future__ import annotations

import pytest

from portfolio.models import KpiReport, KpiSubmission
from tests.support.clients import token_client
from tests.support.factories import make_user
from tests.support.founders import two_founders

pytestmark = pytest.mark.django_db


@pytest.fixture
def founders(world):
    return two_founders(world)


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_founder_submits_staff_return_founder_corrects_staff_approve(world, founders):
    founder = token_client(founders.a)
    staff = token_client(make_user("incubator-staff"))
    response = post(
        founder,
        "/api/v1/kpi-submissions/",
        {
            "startup": founders.own.pk,
            "year": 2024,
            "quarter": 4,
            "revenue": "2500000.00",
            "headcount": 21,
        },
    )
    assert response.status_code == 201, response.json()
    row = response.json()
    assert (row["status"], row["revenue"], row["currency"]) == ("submitted", "2500000.00", "CNY")
    url = f"/api/v1/kpi-submissions/{row['id']}/"
    assert founder.patch(url, {"cash": "1"}, content_type="application/json").status_code == 400
    response = post(staff, url + "review/", {"decision": "return", "comment": "请补充现金"})
    assert response.json()["status"] == "returned"
    response = founder.patch(url, {"cash": "8000000"}, content_type="application/json")
    assert (response.status_code, response.json()["status"]) == (200, "submitted")
    assert post(founder, url + "review/", {"decision": "approve"}).status_code == 403
    response = post(staff, url + "review/", {"decision": "approve"})
    assert response.json()["status"] == "approved"
    report = KpiReport.objects.get(startup=founders.own, year=2024, quarter=4)
    assert str(report.cash) == "8000000.00"
    assert report.source.startswith("founder submission")


def test_refusals_are_400s_naming_the_field(world, founders):
    founder = token_client(founders.a)
    base = {"startup": founders.own.pk, "year": 2024, "quarter": 4}
    for body, field in [
        ({**base, "quarter": 5}, "quarter"),
        ({**base, "revenue": "-1"}, "revenue"),
        ({**base, "revenue": "1.234"}, "revenue"),
        ({**base, "headcount": "many"}, "headcount"),
        ({**base, "taxes_paid": "-0.01"}, "taxes_paid"),
        ({**base, "patents_filed": 1, "invention_patents_filed": 2}, "invention_patents_filed"),
        ({**base, "headcount": 3, "phd_staff": 4}, "phd_staff"),
        ({**base, "startup": founders.other.pk}, "startup"),
        ({**base, "year": 2024, "quarter": 3}, "quarter"),  # the world's open one
        ({**base, "request": world.kpi_request.pk}, "request"),  # 2024 Q3's, not Q4's
    ]:
        response = post(founder, "/api/v1/kpi-submissions/", body)
        assert response.status_code == 400, (body, response.json())
        assert field in response.json(), (body, response.json())
    staff = token_client(make_user("incubator-staff"))
    for body, field in [
        ({"year": 2024, "quarter": 2, "due_on": "2024-07-31", "startups": "some"}, "startups"),
        ({"year": 2024, "quarter": 2, "due_on": "2024-07-31", "startups": [True]}, "startups"),
        ({"year": 2024, "quarter": 3, "due_on": "2024-10-31", "startups": "all"}, "quarter"),
        ({"year": 2024, "quarter": 2, "due_on": "2023-07-31", "startups": "all"}, "due_on"),
    ]:
        response = post(staff, "/api/v1/kpi-requests/", body)
        assert response.status_code == 400, (body, response.json())
        assert field in response.json(), (body, response.json())
    submission = KpiSubmission.objects.filter(startup=founders.own).first()
    response = post(staff, f"/api/v1/kpi-submissions/{submission.pk}/review/", {"decision": "x"})
    assert "decision" in response.json()
    response = post(
        staff, f"/api/v1/kpi-submissions/{submission.pk}/review/", {"decision": "return"}
    )
    assert "comment" in response.json()


def test_a_founder_never_reaches_another_startups_submission(world, founders):
    founder = token_client(founders.a)
    other = KpiSubmission.objects.get(startup=founders.other)
    url = f"/api/v1/kpi-submissions/{other.pk}/"
    assert founder.get(url).status_code == 404
    assert founder.patch(url, {"cash": "1"}, content_type="application/json").status_code == 404
    rows = founder.get("/api/v1/kpi-submissions/").json()["results"]
    assert {row["startup"] for row in rows} == {founders.own.pk}
    assert founder.get("/api/v1/kpi-requests/").status_code == 403  # names other startups


def test_request_row_says_who_is_late(world):
    staff = token_client(make_user("incubator-staff"))
    response = post(
        staff,
        "/api/v1/kpi-requests/",
        {
            "year": 2024,
            "quarter": 2,
            "due_on": "2024-07-31",
            "startups": [world.weici.pk, world.kewei.pk],
        },
    )
    assert response.status_code == 201, response.json()
    completeness = response.json()["completeness"]
    assert completeness == {
        "asked": 2,
        "submitted": 0,
        "approved": 0,
        "overdue": True,
        "late": sorted(
            [
                {"id": world.weici.pk, "name": world.weici.name},
                {"id": world.kewei.pk, "name": world.kewei.name},
            ],
            key=lambda s: s["name"],
        ),
    }
    row = staff.get(f"/api/v1/kpi-requests/{world.kpi_request.pk}/").json()
    assert row["completeness"]["submitted"] == 2
