"""Reads of founders' KPI requests and submissions (issue 15), and each request's
completeness: of the startups asked, how many submitted, how many were approved, and who
is late (asked, past the due date, with nothing submitted)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from portfolio import models
from portfolio.selectors import report_cache
from portfolio.services.common import today


def kpi_submission_list() -> QuerySet[models.KpiSubmission]:
    return models.KpiSubmission.objects.select_related("startup", "submitted_by", "reviewed_by")


def kpi_request_list() -> QuerySet[models.KpiRequest]:
    """Requests with the startups asked and their submissions (two prefetches), for
    :func:`completeness` without a query per row."""
    return models.KpiRequest.objects.select_related("opened_by").prefetch_related(
        Prefetch(
            "startups",
            queryset=models.Startup.objects.only("id", "name").order_by("name"),
            to_attr="asked",
        ),
        Prefetch(
            "submissions",
            queryset=models.KpiSubmission.objects.only("id", "request_id", "startup_id", "status"),
            to_attr="received",
        ),
    )


@dataclass
class Completeness:
    asked: int
    submitted: int  # startups with a submission in any status
    approved: int  # startups whose submission was approved
    overdue: bool  # the due date has passed and someone has submitted nothing
    late: list[dict] = field(default_factory=list)  # [{"id", "name"}] of those startups


def completeness(request: models.KpiRequest, on: dt.date | None = None) -> Completeness:
    """A request's completeness (from :func:`kpi_request_list`'s prefetches)."""
    on = on or today()
    asked = getattr(request, "asked", None)
    if asked is None:
        asked = list(request.startups.order_by("name"))
    received = getattr(request, "received", None)
    if received is None:
        received = list(request.submissions.all())
    submitted = {s.startup_id for s in received}
    approved = {s.startup_id for s in received if s.status == "approved"}
    past_due = on > request.due_on
    late = (
        [{"id": s.pk, "name": s.name} for s in asked if s.pk not in submitted] if past_due else []
    )
    return Completeness(
        asked=len(asked),
        submitted=len(submitted & {s.pk for s in asked}),
        approved=len(approved & {s.pk for s in asked}),
        overdue=bool(late),
        late=late,
    )


@dataclass
class OpenRequest:
    request: models.KpiRequest
    completeness: Completeness


def open_kpi_requests(on: dt.date | None = None) -> list[OpenRequest]:
    """The requests still open on ``on`` (today): some startup asked has no approved
    submission yet; latest quarter first, each with its completeness (three queries however
    many requests and startups: the pipeline dashboard's "KPI reporting" panel); kept in
    the report cache by day."""
    on = on or today()
    return report_cache.cached("open_kpi_requests", (on,), lambda: _open_kpi_requests(on))


def _open_kpi_requests(on: dt.date) -> list[OpenRequest]:
    rows = []
    for request in kpi_request_list().order_by("-year", "-quarter"):
        figures = completeness(request, on)
        if figures.approved < figures.asked:
            rows.append(OpenRequest(request, figures))
    return rows


# --- a founder's own KPIs (the founder pages, issue 15) -----------------------------------


def _latest_submission(startup: models.Startup, field: str) -> Subquery:
    """``field`` of ``startup``'s latest submission for the outer request's quarter (the
    one open, or else the last approved: a resubmission keeps its row)."""
    return Subquery(
        models.KpiSubmission.objects.filter(
            startup_id=startup.pk,
            year=OuterRef("year"),
            quarter=OuterRef("quarter"),
        )
        .order_by("-submitted_at", "-pk")
        .values(field)[:1]
    )


def founder_kpi_requests(startup: models.Startup, limit: int = 4) -> list[models.KpiRequest]:
    """The latest ``limit`` requests that ask ``startup``, newest quarter first, each with
    its submission's ``submission_id``, ``submission_status`` and ``submission_comment``
    (None when nothing was submitted): one query, whatever the requests and submissions."""
    return list(
        models.KpiRequest.objects.filter(startups=startup)
        .annotate(
            submission_id=_latest_submission(startup, "pk"),
            submission_status=_latest_submission(startup, "status"),
            submission_comment=_latest_submission(startup, "review_comment"),
        )
        .order_by("-year", "-quarter")[:limit]
    )


def founder_kpi_history(startup: models.Startup) -> list[models.KpiSubmission]:
    """Everything ``startup`` submitted, newest quarter and submission first (one query)."""
    return list(
        models.KpiSubmission.objects.filter(startup=startup).order_by(
            "-year", "-quarter", "-submitted_at", "-pk"
        )
    )


def founder_quarter(
    startup: models.Startup, year: int, quarter: int
) -> tuple[models.KpiSubmission | None, models.KpiRequest | None]:
    """``startup``'s latest submission for a quarter (the open one if any: submissions of
    a quarter are submitted in turn) and the request of that quarter that asks it, if any
    (two queries)."""
    submission = (
        models.KpiSubmission.objects.filter(startup=startup, year=year, quarter=quarter)
        .order_by("-submitted_at", "-pk")
        .first()
    )
    request = models.KpiRequest.objects.filter(year=year, quarter=quarter, startups=startup).first()
    return submission, request
