"""Founders' quarterly KPIs (issue 15): requests, submissions and their review.

Staff open a request for a quarter (``kpi_request_open``); a founder submits their own
startup's figures for a quarter that has ended (``kpi_submission_create``) and corrects a
returned one (``kpi_submission_update``); staff approve or return it
(``kpi_submission_review``). Approval writes (or replaces) the official
:class:`~portfolio.models.KpiReport` with ``source`` "founder submission ..."; the report's
history keeps the figures it replaced. A founder never writes the official report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from portfolio.audit import attributed
from portfolio.models import KpiReport, KpiRequest, KpiSubmission, Startup
from portfolio.models.choices import StartupStatus
from portfolio.models.kpis import SUBMITTED_FIGURES
from portfolio.selectors.scope import is_founder, writes_for
from portfolio.services import messages as msg
from portfolio.services.common import each_or_none, refuse, saved, today

ALL = "all"
SOURCE_PREFIX = "founder submission"
APPROVE, RETURN = "approve", "return"


def quarter_start(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * quarter - 2, 1)


def quarter_end(year: int, quarter: int) -> dt.date:
    if quarter == 4:
        return dt.date(year, 12, 31)
    return dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)


def _quarter(year: Any, quarter: Any) -> tuple[int, int]:
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        refuse("year", msg.KPI_YEAR, "invalid")
    if isinstance(quarter, bool) or not isinstance(quarter, int) or not 1 <= quarter <= 4:
        refuse("quarter", msg.KPI_QUARTER, "invalid")
    return year, quarter


def _ended(year: int, quarter: int) -> None:
    if quarter_end(year, quarter) >= today():
        refuse("quarter", msg.KPI_QUARTER_NOT_ENDED, "not_ended")


def _figures(figures: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(figures) - set(SUBMITTED_FIGURES))
    if unknown:
        refuse(unknown[0], msg.KPI_FIGURE_UNKNOWN, "unknown")
    return figures


def _check_founder(startup: Startup, by: Any) -> None:
    if not writes_for(by, startup.pk):
        refuse("startup", msg.KPI_NOT_YOUR_STARTUP, "not_own")


@attributed
@transaction.atomic
def kpi_request_open(
    *, year: Any, quarter: Any, due_on: dt.date, startups: Any, by: Any = None
) -> KpiRequest:
    """Ask ``startups`` (ids or Startup rows, or "all": the active incubatees) for the
    figures of a quarter that has begun (the current one or an earlier one), by ``due_on``."""
    year, quarter = _quarter(year, quarter)
    if quarter_start(year, quarter) > today():
        refuse("quarter", msg.KPI_QUARTER_FUTURE, "future")
    if not isinstance(due_on, dt.date) or due_on < quarter_start(year, quarter):
        refuse("due_on", msg.KPI_DUE_BEFORE_QUARTER, "before_quarter")
    if startups == ALL:
        asked = list(Startup.objects.incubatees().filter(status=StartupStatus.ACTIVE))
    else:
        if not isinstance(startups, list | tuple) or not startups:
            refuse("startups", msg.KPI_STARTUPS_EMPTY, "invalid")
        ids = [s.pk if isinstance(s, Startup) else s for s in startups]
        if any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
            refuse("startups", msg.KPI_STARTUPS_EMPTY, "invalid")
        asked = list(Startup.objects.filter(pk__in=ids))
        missing = sorted(set(ids) - {s.pk for s in asked})
        if missing:
            refuse("startups", msg.KPI_STARTUP_UNKNOWN, "unknown", id=missing[0])
    if KpiRequest.objects.filter(year=year, quarter=quarter).exists():
        refuse("quarter", msg.KPI_REQUEST_EXISTS, "exists")
    request = saved(KpiRequest(year=year, quarter=quarter, due_on=due_on, opened_by=by))
    request.startups.set(asked)
    # Submissions made before the request belong to it too (its completeness counts them).
    for submission in KpiSubmission.objects.filter(
        year=year, quarter=quarter, startup__in=asked, request__isnull=True
    ):
        submission.request = request
        submission.save(update_fields=["request"])
    return request


def open_request_for(startup: Startup, year: int, quarter: int) -> KpiRequest | None:
    return KpiRequest.objects.filter(year=year, quarter=quarter, startups=startup).first()


@attributed
@transaction.atomic
def kpi_submission_create(
    *,
    startup: Startup,
    year: Any,
    quarter: Any,
    figures: dict[str, Any],
    by: Any = None,
    request: KpiRequest | None = None,
) -> KpiSubmission:
    """A submission of ``startup``'s figures for a quarter that has ended (also a quarter
    with an official report already: a correction). The request of that quarter is linked
    by itself; one open (submitted or returned) submission per startup and quarter."""
    _check_founder(startup, by)
    year, quarter = _quarter(year, quarter)
    _ended(year, quarter)
    figures = _figures(figures)
    if request is not None:
        if (request.year, request.quarter) != (year, quarter) or not request.startups.filter(
            pk=startup.pk
        ).exists():
            refuse("request", msg.KPI_REQUEST_OTHER_QUARTER, "other_quarter")
    else:
        request = open_request_for(startup, year, quarter)
    Startup.objects.select_for_update().filter(pk=startup.pk).first()  # one writer per startup
    if KpiSubmission.objects.filter(
        startup=startup,
        year=year,
        quarter=quarter,
        status__in=[KpiSubmission.Status.SUBMITTED, KpiSubmission.Status.RETURNED],
    ).exists():
        refuse("quarter", msg.KPI_OPEN_EXISTS, "open_exists")
    submission = KpiSubmission(
        startup=startup,
        year=year,
        quarter=quarter,
        request=request,
        submitted_by=by,
        submitted_at=timezone.now(),
        **figures,
    )
    try:
        with transaction.atomic():
            return saved(submission)
    except IntegrityError:  # a concurrent submission won the race
        refuse("quarter", msg.KPI_OPEN_EXISTS, "open_exists")


@attributed
@transaction.atomic
def kpi_submission_update(
    *, submission: KpiSubmission, figures: dict[str, Any], by: Any = None
) -> KpiSubmission:
    """A returned submission corrected: its figures change and it is submitted again."""
    submission = KpiSubmission.objects.select_for_update().get(pk=submission.pk)
    _check_founder(submission.startup, by)
    if submission.status != KpiSubmission.Status.RETURNED:
        refuse("status", msg.KPI_NOT_RETURNED, "not_returned")
    for name, value in _figures(figures).items():
        setattr(submission, name, value)
    submission.status = KpiSubmission.Status.SUBMITTED
    submission.submitted_by = by
    submission.submitted_at = timezone.now()
    return saved(submission)


@attributed
@transaction.atomic
def kpi_submission_review(
    *, submission: KpiSubmission, decision: Any, comment: Any = "", by: Any = None
) -> KpiSubmission:
    """Staff approve (the official report is written or replaced) or return (with a
    comment saying what to correct) a submitted submission."""
    submission = (
        KpiSubmission.objects.select_for_update().select_related("startup").get(pk=submission.pk)
    )
    if is_founder(by):
        refuse("decision", msg.KPI_NOT_YOUR_STARTUP, "founder")
    if decision not in (APPROVE, RETURN):
        refuse("decision", msg.KPI_DECISION, "invalid")
    comment = comment.strip() if isinstance(comment, str) else ""
    if submission.status != KpiSubmission.Status.SUBMITTED:
        refuse("decision", msg.KPI_NOT_SUBMITTED, "not_submitted")
    if decision == RETURN and not comment:
        refuse("comment", msg.KPI_RETURN_COMMENT, "required")
    now = timezone.now()
    submission.review_comment = comment
    submission.reviewed_by = by
    submission.reviewed_at = now
    if decision == RETURN:
        submission.status = KpiSubmission.Status.RETURNED
        return saved(submission)
    report = (
        KpiReport.objects.select_for_update()
        .filter(startup=submission.startup, year=submission.year, quarter=submission.quarter)
        .first()
    ) or KpiReport(startup=submission.startup, year=submission.year, quarter=submission.quarter)
    for name in SUBMITTED_FIGURES:
        setattr(report, name, getattr(submission, name))
    reviewer = by.get_username() if by is not None else "-"
    report.is_illustrative = False
    report.source = (
        f"{SOURCE_PREFIX} #{submission.pk}, approved by {reviewer} on "
        f"{timezone.localtime(now):%Y-%m-%d %H:%M}"
    )
    saved(report)
    submission.report = report
    submission.status = KpiSubmission.Status.APPROVED
    return saved(submission)


@attributed
@transaction.atomic
def kpi_submission_approve_many(
    *, submissions: Iterable[KpiSubmission], by: Any = None
) -> list[KpiSubmission]:
    """Approve every submission under ``kpi_submission_review``'s rule, all or none; a
    refusal names its submission."""
    return each_or_none(
        submissions,
        lambda submission: kpi_submission_review(submission=submission, decision=APPROVE, by=by),
    )
