"""The founder's side of the quarterly KPIs (issue 15): the requests on ``/founder/``, the
quarter's form (money in 万元, exact yuan), resubmitting a returned quarter, the read-only
pending and approved quarters, the history; their own startup only; constant queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from portfolio.models import KpiReport, KpiSubmission
from portfolio.services import kpis
from portfolio.services.common import today
from tests.support import factories
from tests.support.clients import login
from tests.support.founders import make_founder

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
GOOD = {
    "revenue": "123.45",  # 万元
    "rd_spend": "80",
    "headcount": "12",
    "patents_filed": "3",
    "patents_granted": "1",
    "customers": "2",
    "cash": "0.0001",  # 1 yuan
    "runway_months": "18.5",
    "taxes_paid": "1.5",  # 万元
    "phd_staff": "4",
    "new_graduates_hired": "2",
    "invention_patents_filed": "2",
    "invention_patents_granted": "1",
}


def quarter_url(year: int, quarter: int) -> str:
    return reverse("founder:kpi-quarter", args=[year, quarter])


def last_quarter() -> tuple[int, int]:
    """The latest quarter that has ended."""
    on = today()
    year, quarter = on.year, (on.month - 1) // 3  # the one before the current
    return (year - 1, 4) if quarter == 0 else (year, quarter)


@pytest.fixture
def own(db):
    startup = factories.StartupFactory(name="自家量子")
    other = factories.StartupFactory(name="别家量子")
    return startup, other, make_founder(startup)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_form_converts_wan_to_exact_yuan_and_submits_through_the_service(own):
    startup, _other, founder = own
    client = login(founder)
    page = text(client.get(quarter_url(2024, 1), **EN))
    assert "Revenue (10,000 yuan)" in page and 'name="runway_months"' in page
    response = client.post(quarter_url(2024, 1), GOOD, **EN)
    assert response.status_code == 302 and response["Location"] == quarter_url(2024, 1)
    submission = KpiSubmission.objects.get()
    assert (submission.startup, submission.year, submission.quarter) == (startup, 2024, 1)
    assert (submission.revenue, submission.rd_spend, submission.cash) == (
        Decimal("1234500.00"),
        Decimal("800000.00"),
        Decimal("1.00"),
    )
    assert (submission.headcount, submission.runway_months) == (12, Decimal("18.5"))
    assert submission.taxes_paid == Decimal("15000.00")
    assert (
        submission.phd_staff,
        submission.new_graduates_hired,
        submission.invention_patents_filed,
        submission.invention_patents_granted,
    ) == (4, 2, 2, 1)
    assert (submission.status, submission.submitted_by) == ("submitted", founder)
    # Now pending: read-only, and a second post changes nothing.
    page = text(client.get(quarter_url(2024, 1), **EN))
    assert 'data-status="submitted"' in page and "<form method" not in page.split("kpi-form")[1]
    assert "123.45" in page
    response = client.post(quarter_url(2024, 1), {**GOOD, "revenue": "1"}, **EN)
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.revenue == Decimal("1234500.00")
    assert KpiSubmission.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("revenue", "-1"),
        ("revenue", "abc"),
        ("revenue", "NaN"),
        ("revenue", "0.0000001"),  # less than a fen
        ("cash", "99999999999"),  # more than 10 digits of 万元
        ("headcount", "1.5"),
        ("headcount", "99999999999"),
        ("patents_filed", "-3"),
        ("runway_months", "10000"),
        ("runway_months", "1.25"),
        ("customers", ""),
        ("rd_spend", "\x00"),
        ("taxes_paid", "-1"),
        ("invention_patents_filed", "4"),  # more than the 3 patents filed
        ("phd_staff", "13"),  # more than the headcount of 12
    ],
)
def test_bad_input_is_an_error_on_its_field_and_nothing_is_written(own, field, value):
    _startup, _other, founder = own
    response = login(founder).post(quarter_url(2024, 1), {**GOOD, field: value}, **EN)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {field}
    assert f'id="field-{field}"' in response.content.decode()
    assert 'class="field invalid" id="field-' + field in response.content.decode()
    assert not KpiSubmission.objects.exists()


def test_a_returned_quarter_shows_the_comment_and_is_resubmitted(own, staff_user):
    startup, _other, founder = own
    submission = kpis.kpi_submission_create(
        startup=startup, year=2024, quarter=2, figures={"revenue": Decimal("5000000")}, by=founder
    )
    kpis.kpi_submission_review(
        submission=submission, decision="return", comment="现金缺失", by=staff_user
    )
    client = login(founder)
    page = text(client.get(quarter_url(2024, 2), **EN))
    assert "现金缺失" in page and 'data-status="returned"' in page
    assert 'name="revenue" value="500"' in page  # yuan shown back in 万元
    response = client.post(quarter_url(2024, 2), {**GOOD, "cash": "300"}, **EN)
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.cash) == ("submitted", Decimal("3000000.00"))
    assert KpiSubmission.objects.count() == 1  # the same submission, resubmitted
    kpis.kpi_submission_review(submission=submission, decision="approve", by=staff_user)
    page = text(client.get(quarter_url(2024, 2), **EN))
    assert 'data-status="approved"' in page and 'name="cash"' not in page
    assert KpiReport.objects.get(startup=startup, year=2024, quarter=2).cash == Decimal(
        "3000000.00"
    )


def test_only_quarters_that_have_ended(own):
    _startup, _other, founder = own
    client = login(founder)
    on = today()
    current = (on.year, (on.month - 1) // 3 + 1)
    for year, quarter in (current, (on.year + 1, 1), (2024, 5), (2024, 0), (1999, 4), (2101, 1)):
        assert client.get(quarter_url(year, quarter)).status_code == 404, (year, quarter)
        assert client.post(quarter_url(year, quarter), GOOD).status_code == 404
    assert client.get(quarter_url(*last_quarter())).status_code == 200
    assert client.get("/founder/kpis/99999999999999999999/1/").status_code == 404
    assert not KpiSubmission.objects.exists()


def test_a_founder_never_reaches_another_startups_quarter(own, staff_user, viewer):
    startup, other, founder = own
    theirs = kpis.kpi_submission_create(
        startup=other, year=2024, quarter=1, figures={"revenue": Decimal("777700")}
    )
    kpis.kpi_submission_review(
        submission=theirs, decision="return", comment="机密意见", by=staff_user
    )
    client = login(founder)
    for url in (quarter_url(2024, 1), reverse("founder:kpi-history"), reverse("founder:home")):
        page = text(client.get(url, {"startup": other.pk}, **EN))
        assert "机密意见" not in page and "别家量子" not in page and "77.77" not in page
    client.post(quarter_url(2024, 1), {**GOOD, "startup": other.pk})
    mine = KpiSubmission.objects.get(submitted_by=founder)
    assert mine.startup == startup
    theirs.refresh_from_db()
    assert (theirs.status, theirs.revenue) == ("returned", Decimal("777700.00"))
    # staff and viewers are not founders: the pages are not theirs
    for user in (staff_user, viewer):
        assert login(user).get(quarter_url(2024, 1)).status_code == 403
        assert login(user).get(reverse("founder:kpi-history")).status_code == 403
    assert login(None).get(quarter_url(2024, 1)).status_code == 302


def test_the_home_page_lists_the_requests_with_their_status(own, staff_user):
    startup, other, founder = own
    year, quarter = last_quarter()
    on = today()
    due = {
        (2024, 1): dt.date(2024, 4, 30),
        (2024, 2): dt.date(2024, 7, 31),
        (2024, 3): dt.date(2024, 10, 31),
        (year, quarter): on + dt.timedelta(days=5),
    }
    requests = {
        key: kpis.kpi_request_open(
            year=key[0], quarter=key[1], due_on=when, startups=[startup.pk, other.pk]
        )
        for key, when in due.items()
    }
    approved = kpis.kpi_submission_create(startup=startup, year=2024, quarter=1, figures={})
    kpis.kpi_submission_review(submission=approved, decision="approve", by=staff_user)
    returned = kpis.kpi_submission_create(startup=startup, year=2024, quarter=2, figures={})
    kpis.kpi_submission_review(
        submission=returned, decision="return", comment="请补充", by=staff_user
    )
    kpis.kpi_submission_create(startup=other, year=2024, quarter=3, figures={})  # not ours
    page = text(login(founder).get(reverse("founder:home"), **EN))
    section = page.split('id="founder-kpis"')[1].split("</section>")[0]

    def item(key) -> str:
        return section.split(f'id="kpi-request-{requests[key].pk}"')[1].split("</li>")[0]

    assert 'data-status="approved"' in item((2024, 1))
    assert 'data-status="returned"' in item((2024, 2)) and "请补充" in item((2024, 2))
    assert "overdue" in item((2024, 2))
    assert 'data-status="not_started"' in item((2024, 3)) and "overdue" in item((2024, 3))
    assert 'data-status="not_started"' in item((year, quarter))
    assert "overdue" not in item((year, quarter)) and "5 days left" in item((year, quarter))
    assert quarter_url(year, quarter) in item((year, quarter))
    assert quarter_url(2024, 2) in item((2024, 2))


def test_the_history_lists_each_submission_with_its_review(own, staff_user):
    startup, _other, founder = own
    first = kpis.kpi_submission_create(startup=startup, year=2024, quarter=1, figures={})
    kpis.kpi_submission_review(submission=first, decision="return", comment="缺研发", by=staff_user)
    second = kpis.kpi_submission_create(startup=startup, year=2024, quarter=2, figures={})
    kpis.kpi_submission_review(submission=second, decision="approve", comment="好", by=staff_user)
    page = text(login(founder).get(reverse("founder:kpi-history"), **EN))
    assert f'id="kpi-submission-{first.pk}"' in page and "缺研发" in page
    assert f'id="kpi-submission-{second.pk}"' in page
    assert page.index(f"kpi-submission-{second.pk}") < page.index(f"kpi-submission-{first.pk}")


def test_the_pages_queries_do_not_grow_with_rows(own, staff_user, django_assert_max_num_queries):
    startup, other, founder = own
    client = login(founder)
    client.get(reverse("founder:home"))  # warm the session
    urls = [reverse("founder:home"), reverse("founder:kpi-history"), quarter_url(2024, 1)]

    def counts() -> list[int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    for quarter in (1, 2, 3, 4):
        kpis.kpi_request_open(
            year=2023, quarter=quarter, due_on=dt.date(2024, 1, 31), startups=[startup.pk, other.pk]
        )
        made = kpis.kpi_submission_create(startup=startup, year=2023, quarter=quarter, figures={})
        kpis.kpi_submission_review(submission=made, decision="return", comment="x", by=staff_user)
    kpis.kpi_request_open(year=2024, quarter=1, due_on=dt.date(2024, 4, 1), startups="all")
    kpis.kpi_submission_create(startup=startup, year=2024, quarter=1, figures={})
    after = counts()
    # the quarter's page: a submission now (read-only) instead of an empty form, same count
    assert after == before, (before, after)
    for url, most in zip(urls, before, strict=True):
        with django_assert_max_num_queries(most):
            client.get(url)
