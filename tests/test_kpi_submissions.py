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
