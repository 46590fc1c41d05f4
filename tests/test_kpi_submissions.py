"""Founders' quarterly KPIs (issue 15): requests, submissions, review; the constraints that
back them; a founder writes only their own startup's and never the official report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portfolio import selectors
from portfolio.models import KpiReport, KpiRequest, KpiSubmission
from portfolio.services import kpis
from tests.support import factories
from tests.support.constraints import assert_violates
from tests.support.founders import make_founder

pytestmark = pytest.mark.django_db


def refused(field: str, call, **kwargs):
    with pytest.raises(ValidationError) as info:
        call(**kwargs)
    assert field in info.value.message_dict, info.value.message_dict
    return info.value.message_dict[field]


@pytest.fixture
def setup(staff_user):
    startup = factories.StartupFactory(name="甲科技")
    other = factories.StartupFactory(name="乙科技")
    founder = make_founder(startup)
    return startup, other, founder, staff_user


def submit(startup, by, year=2024, quarter=1, **figures):
    return kpis.kpi_submission_create(
        startup=startup, year=year, quarter=quarter, figures=figures, by=by
    )


def test_a_founder_submits_staff_return_founder_corrects_staff_approve(setup):
    startup, _other, founder, staff = setup
    request = kpis.kpi_request_open(
        year=2024, quarter=1, due_on=dt.date(2024, 4, 30), startups=[startup.pk], by=staff
    )
    submission = submit(startup, founder, revenue=Decimal("1200000.00"), headcount=12)
    assert submission.request == request  # linked by itself
    assert submission.status == "submitted"
    kpis.kpi_submission_review(submission=submission, decision="return", comment="缺现金", by=staff)
    submission.refresh_from_db()
    assert (submission.status, submission.review_comment) == ("returned", "缺现金")
    assert not KpiReport.objects.filter(startup=startup).exists()
    kpis.kpi_submission_update(
        submission=submission, figures={"cash": Decimal("5000000")}, by=founder
    )
    submission.refresh_from_db()
    assert submission.status == "submitted"
    kpis.kpi_submission_review(submission=submission, decision="approve", by=staff)
    report = KpiReport.objects.get(startup=startup, year=2024, quarter=1)
    assert (report.revenue, report.cash, report.headcount) == (
        Decimal("1200000.00"),
        Decimal("5000000.00"),
        12,
    )
    assert report.source.startswith("founder submission")
    assert staff.username in report.source
    submission.refresh_from_db()
    assert (submission.status, submission.report, submission.reviewed_by) == (
        "approved",
        report,
        staff,
    )


def test_approving_a_correction_replaces_the_report_and_history_keeps_the_old(setup):
    startup, _other, founder, staff = setup
    old = factories.KpiReportFactory(startup=startup, year=2023, quarter=4, revenue=Decimal("1"))
    submission = submit(startup, founder, year=2023, quarter=4, revenue=Decimal("2"))
    kpis.kpi_submission_review(submission=submission, decision="approve", by=staff)
    old.refresh_from_db()
    assert old.revenue == Decimal("2.00")
    assert old.history.order_by("history_date").first().revenue == Decimal("1.00")
    # a later correction is a new submission (the approved one is closed)
    assert submit(startup, founder, year=2023, quarter=4).status == "submitted"


def test_a_founder_writes_only_for_their_own_startup(setup):
    _startup, other, founder, _staff = setup
    refused("startup", submit, startup=other, by=founder)
    assert not KpiSubmission.objects.exists()


def test_a_founder_may_not_review(setup):
    startup, _other, founder, _staff = setup
    submission = submit(startup, founder)
    refused(
        "decision",
        kpis.kpi_submission_review,
        submission=submission,
        decision="approve",
        by=founder,
    )
    assert not KpiReport.objects.exists()


def test_only_an_ended_quarter(setup):
    startup, _other, founder, _staff = setup
    now = timezone.localdate()
    current = (now.month - 1) // 3 + 1
    refused("quarter", submit, startup=startup, by=founder, year=now.year, quarter=current)
    refused("quarter", submit, startup=startup, by=founder, year=2024, quarter=5)
    refused("year", submit, startup=startup, by=founder, year=1999, quarter=1)


def test_one_open_submission_per_quarter(setup):
    startup, _other, founder, _staff = setup
    submit(startup, founder)
    refused("quarter", submit, startup=startup, by=founder)
    assert KpiSubmission.objects.count() == 1


def test_only_a_returned_submission_is_edited_and_only_a_submitted_one_reviewed(setup):
    startup, _other, founder, staff = setup
    submission = submit(startup, founder)
    refused("status", kpis.kpi_submission_update, submission=submission, figures={}, by=founder)
    refused(
        "comment", kpis.kpi_submission_review, submission=submission, decision="return", by=staff
    )
    refused(
        "decision", kpis.kpi_submission_review, submission=submission, decision="maybe", by=staff
    )
    kpis.kpi_submission_review(submission=submission, decision="approve", by=staff)
    refused(
        "decision",
        kpis.kpi_submission_review,
        submission=submission,
        decision="approve",
        by=staff,
    )
    refused("status", kpis.kpi_submission_update, submission=submission, figures={}, by=founder)


def test_request_for_all_asks_the_active_incubatees(setup):
    startup, other, _founder, staff = setup
    factories.StartupFactory(name="未入孵", admitted_on=None)
    request = kpis.kpi_request_open(
        year=2024, quarter=2, due_on=dt.date(2024, 7, 31), startups="all", by=staff
    )
    asked = set(request.startups.values_list("pk", flat=True))
    assert {startup.pk, other.pk} <= asked
    assert all(s.admitted_on and s.status == "active" for s in request.startups.all())
    refused(
        "quarter",
        kpis.kpi_request_open,
        year=2024,
        quarter=2,
        due_on=dt.date(2024, 7, 31),
        startups="all",
        by=staff,
    )


def test_request_refusals_name_the_field(setup, staff_user):
    startup = setup[0]
    far = timezone.localdate().year + 1
    good = {"year": 2024, "quarter": 1, "due_on": dt.date(2024, 4, 30), "by": staff_user}
    refused("quarter", kpis.kpi_request_open, **{**good, "year": far, "startups": "all"})
    refused(
        "due_on",
        kpis.kpi_request_open,
        **{**good, "due_on": dt.date(2023, 1, 1), "startups": "all"},
    )
    refused("startups", kpis.kpi_request_open, **{**good, "startups": []})
    refused("startups", kpis.kpi_request_open, **{**good, "startups": [startup.pk, 999999]})
    assert not KpiRequest.objects.exists()


def test_completeness_counts_submitted_approved_and_late(setup):
    startup, other, founder, staff = setup
    request = kpis.kpi_request_open(
        year=2024,
        quarter=1,
        due_on=dt.date(2024, 4, 30),
        startups=[startup.pk, other.pk],
        by=staff,
    )
    submission = submit(startup, founder)
    row = selectors.kpi_request_list().get(pk=request.pk)
    before_due = selectors.completeness(row, on=dt.date(2024, 4, 30))
    assert (before_due.asked, before_due.submitted, before_due.approved) == (2, 1, 0)
    assert (before_due.overdue, before_due.late) == (False, [])
    kpis.kpi_submission_review(submission=submission, decision="approve", by=staff)
    row = selectors.kpi_request_list().get(pk=request.pk)
    after = selectors.completeness(row, on=dt.date(2024, 5, 1))
    assert (after.submitted, after.approved, after.overdue) == (1, 1, True)
    assert after.late == [{"id": other.pk, "name": "乙科技"}]


def test_a_submission_before_the_request_counts_for_it(setup):
    startup, _other, founder, staff = setup
    submission = submit(startup, founder)
    request = kpis.kpi_request_open(
        year=2024, quarter=1, due_on=dt.date(2024, 4, 30), startups=[startup.pk], by=staff
    )
    submission.refresh_from_db()
    assert submission.request == request


# --- database constraints ------------------------------------------------------------------


def row(startup, **extra):
    values = {"startup": startup, "year": 2024, "quarter": 1, "submitted_at": timezone.now()}
    return KpiSubmission(**{**values, **extra})


def test_constraint_one_open_submission(setup):
    startup = setup[0]
    row(startup).save()
    row(startup, status="approved", reviewed_at=timezone.now()).save()  # closed: allowed
    with assert_violates(KpiSubmission, "kpi_submission_one_open"):
        row(startup, status="returned", reviewed_at=timezone.now()).save()


@pytest.mark.parametrize(
    ("extra", "name"),
    [
        ({"quarter": 5}, "kpi_submission_quarter_valid"),
        ({"year": 1999}, "kpi_submission_quarter_valid"),
        ({"cash": Decimal("-1")}, "kpi_submission_non_negative"),
        ({"runway_months": Decimal("-1")}, "kpi_submission_non_negative"),
        ({"status": "lost"}, "kpi_submission_status_valid"),
        ({"status": "approved"}, "kpi_submission_reviewed_when_decided"),
    ],
)
def test_submission_constraints(setup, extra, name):
    with assert_violates(KpiSubmission, name):
        row(setup[0], **extra).save()


def test_request_constraints(db):
    KpiRequest.objects.create(year=2024, quarter=1, due_on=dt.date(2024, 4, 30))
    with assert_violates(KpiRequest, "kpi_request_one_per_quarter"):
        KpiRequest.objects.create(year=2024, quarter=1, due_on=dt.date(2024, 5, 30))
    with assert_violates(KpiRequest, "kpi_request_quarter_valid"):
        KpiRequest.objects.create(year=2024, quarter=0, due_on=dt.date(2024, 5, 30))


# --- the admin's review -------------------------------------------------------------------


def review_page(client, submission):
    from tests.support.admin import admin_url

    url = admin_url(KpiSubmission, "change", submission.pk)
    return url, client.get(url)


def test_staff_approve_in_the_admin_and_the_report_is_written(setup):
    from tests.support.clients import login

    startup, _other, founder, staff = setup
    submission = submit(startup, founder, revenue=Decimal("800000"), headcount=9)
    client = login(staff)
    url, page = review_page(client, submission)
    assert page.status_code == 200 and 'name="decision"' in page.content.decode()
    response = client.post(url, {"decision": "approve", "comment": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    report = KpiReport.objects.get(startup=startup, year=2024, quarter=1)
    assert (report.revenue, report.headcount) == (Decimal("800000.00"), 9)
    assert report.source.startswith("founder submission")
    submission.refresh_from_db()
    assert (submission.status, submission.reviewed_by) == ("approved", staff)
    _url, page = review_page(client, submission)  # decided: read-only now
    assert page.status_code == 200 and 'name="decision"' not in page.content.decode()


def test_returning_in_the_admin_needs_a_comment(setup):
    from tests.support.clients import login

    startup, _other, founder, staff = setup
    submission = submit(startup, founder, headcount=3)
    client = login(staff)
    url, _page = review_page(client, submission)
    response = client.post(url, {"decision": "return", "comment": "  "})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["comment"]
    submission.refresh_from_db()
    assert submission.status == "submitted"
    response = client.post(url, {"decision": "return", "comment": "请补充现金"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.review_comment) == ("returned", "请补充现金")
    assert not KpiReport.objects.filter(startup=startup).exists()


@pytest.mark.parametrize("persona", ["viewers", "fund-managers"], indirect=True)
def test_only_reviewers_review_in_the_admin(setup, persona):
    from tests.support.clients import login

    startup, _other, founder, _staff = setup
    submission = submit(startup, founder, headcount=3)
    client = login(persona)
    url, page = review_page(client, submission)
    assert page.status_code == 200 and 'name="decision"' not in page.content.decode()
    assert client.post(url, {"decision": "approve"}).status_code == 403
    submission.refresh_from_db()
    assert submission.status == "submitted"


def test_the_approve_action_is_all_or_nothing(setup):
    from tests.support.admin import admin_url
    from tests.support.clients import login

    startup, other, founder, staff = setup
    first = submit(startup, founder, headcount=3)
    second = submit(other, staff, headcount=4)
    kpis.kpi_submission_review(submission=second, decision="return", comment="x", by=staff)
    client = login(staff)
    url = admin_url(KpiSubmission, "changelist")
    data = {"action": "approve_submissions", "_selected_action": [first.pk, second.pk]}
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.status == "submitted" and not KpiReport.objects.exists()
    response = client.post(url, {**data, "_selected_action": [first.pk]}, follow=True)
    first.refresh_from_db()
    assert first.status == "approved" and KpiReport.objects.filter(startup=startup).exists()


def open_in_admin(client, **data):
    from tests.support.admin import admin_url

    base = {"year": 2024, "quarter": 2, "due_on": "2024-07-31"}
    return client.post(admin_url(KpiRequest, "add"), {**base, **data})


def test_staff_open_a_round_in_the_admin(setup):
    from tests.support.clients import login

    startup, other, _founder, staff = setup
    client = login(staff)
    response = open_in_admin(client, startups=[startup.pk, other.pk])
    assert response.status_code == 302, response.content.decode()[:3000]
    request = KpiRequest.objects.get(year=2024, quarter=2)
    assert set(request.startups.all()) == {startup, other}
    assert (request.due_on, request.opened_by) == (dt.date(2024, 7, 31), staff)
    incubatee = factories.StartupFactory(admitted_on=dt.date(2023, 1, 1))
    response = open_in_admin(client, quarter=3, due_on="2024-10-31", everyone="on")
    assert response.status_code == 302
    assert incubatee in KpiRequest.objects.get(year=2024, quarter=3).startups.all()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "startups"),  # nobody asked
        ({"quarter": 4, "year": 2099, "everyone": "on"}, "quarter"),  # not begun
        ({"due_on": "2024-03-01", "everyone": "on"}, "due_on"),  # before the quarter
    ],
)
def test_opening_a_round_in_the_admin_refuses_with_the_field_named(setup, data, field):
    from tests.support.clients import login

    response = open_in_admin(login(setup[3]), **data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not KpiRequest.objects.exists()


def test_a_second_round_for_a_quarter_is_a_form_error(setup):
    from tests.support.clients import login

    client = login(setup[3])
    assert open_in_admin(client, everyone="on").status_code == 302
    response = open_in_admin(client, everyone="on", due_on="2024-08-31")
    assert response.status_code == 200
    assert "quarter" in response.context["adminform"].form.errors
    assert KpiRequest.objects.count() == 1


def test_the_statistics_figures_are_copied_to_the_report_on_approval(setup):
    """The return's figures (taxes, PhDs, new graduates, invention patents) travel from the
    founder's submission to the official report like the others."""
    startup, _other, founder, staff = setup
    submission = submit(
        startup,
        founder,
        headcount=10,
        phd_staff=3,
        new_graduates_hired=2,
        patents_filed=5,
        invention_patents_filed=4,
        patents_granted=2,
        invention_patents_granted=1,
        taxes_paid=Decimal("12345.67"),
    )
    kpis.kpi_submission_review(submission=submission, decision="approve", by=staff)
    report = KpiReport.objects.get(startup=startup, year=2024, quarter=1)
    assert (report.phd_staff, report.new_graduates_hired) == (3, 2)
    assert (report.invention_patents_filed, report.invention_patents_granted) == (4, 1)
    assert report.taxes_paid == Decimal("12345.67")


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ({"patents_filed": 1, "invention_patents_filed": 2}, "invention_patents_filed"),
        ({"patents_granted": 0, "invention_patents_granted": 1}, "invention_patents_granted"),
        ({"headcount": 2, "phd_staff": 3}, "phd_staff"),
    ],
)
def test_an_of_which_figure_above_its_total_is_refused_on_its_field(setup, figures, field):
    startup, _other, founder, _staff = setup
    refused(field, submit, startup=startup, by=founder, **figures)
    assert not KpiSubmission.objects.exists()
