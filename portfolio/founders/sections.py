"""The sections of a founder's home page, in order, each a template and the function that
reads its data for the founder's startup (one or two queries each, whatever the data):
the startup's card, the KPI requests with their status (``founder/_kpi_requests.html``) and
the milestones with their evidence files and upload form (``founder/_milestones.html``), and
what the incubator has done for the startup: its policy applications and the investors it
was introduced to (``founder/_support.html``).
A new part of the page is added here, not woven into the view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portfolio.models import Startup
from portfolio.selectors.evidence import with_evidence
from portfolio.selectors.kpis import founder_kpi_requests
from portfolio.selectors.operations import financing_introduction_list, policy_application_list
from portfolio.services.common import today
from portfolio.services.kpis import quarter_end


@dataclass(frozen=True)
class Section:
    template: str
    data: Callable[[HttpRequest, Startup], dict[str, Any]]


def startup_card(request: HttpRequest, startup: Startup) -> dict[str, Any]:
    """Stage, TRL and days in the stage (the startup's row and stage: no query)."""
    entered = startup.stage_entered_on
    return {"days_in_stage": (today() - entered).days if entered else None}


@dataclass(frozen=True)
class KpiStatus:
    """Where a founder's quarter stands, as their pages say it (one definition)."""

    key: str  # not_started, submitted, returned, approved
    label: str
    done: bool  # nothing left for the founder to do


KPI_STATUSES = {
    None: KpiStatus("not_started", _("not started"), False),
    "submitted": KpiStatus("submitted", _("submitted, awaiting review"), True),
    "returned": KpiStatus("returned", _("returned: please correct"), False),
    "approved": KpiStatus("approved", _("approved"), True),
}


def kpi_status(status: str | None) -> KpiStatus:
    return KPI_STATUSES[status]


@dataclass(frozen=True)
class KpiRequestRow:
    request: Any
    status: KpiStatus
    comment: str
    ended: bool  # the quarter has ended: the form is open
    overdue: bool  # past the due date and still the founder's to do
    days_left: int  # until the due date (negative: overdue)


def kpi_requests(request: HttpRequest, startup: Startup) -> dict[str, Any]:
    """The latest KPI requests that ask the startup, each with the startup's status, the
    review's comment when returned, and whether it is overdue (one query)."""
    on = today()
    rows = []
    for kpi_request in founder_kpi_requests(startup):
        status = kpi_status(kpi_request.submission_status)
        days_left = (kpi_request.due_on - on).days
        rows.append(
            KpiRequestRow(
                request=kpi_request,
                status=status,
                comment=kpi_request.submission_comment or "",
                ended=quarter_end(kpi_request.year, kpi_request.quarter) < on,
                overdue=days_left < 0 and not status.done,
                days_left=days_left,
            )
        )
    return {"rows": rows}


def milestones(request: HttpRequest, startup: Startup) -> dict[str, Any]:
    """The startup's milestones, newest first, each with its evidence files (two queries,
    whatever the number of files) and, after a refused upload, that upload's errors."""
    rows = list(with_evidence(startup.milestones.order_by("-achieved_on", "-id")))
    refused = getattr(request, "evidence_refused", None)  # (milestone id, errors)
    for milestone in rows:
        milestone.upload_errors = refused[1] if refused and refused[0] == milestone.pk else []
    return {"milestones": rows}


def support(request: HttpRequest, startup: Startup) -> dict[str, Any]:
    """The startup's policy applications (newest first) and the investors the incubator
    introduced it to, with the outcome and the round it led to (two queries, whatever the
    number of rows). Read-only: staff record both."""
    applications = policy_application_list().filter(startup=startup)
    introductions = financing_introduction_list().filter(startup=startup)
    return {
        "applications": list(applications.order_by("-applied_on", "-id")),
        "introductions": list(introductions.order_by("-introduced_on", "-id")),
    }


SECTIONS: list[Section] = [
    Section("founder/_startup_card.html", startup_card),
    Section("founder/_kpi_requests.html", kpi_requests),
    Section("founder/_milestones.html", milestones),
    Section("founder/_support.html", support),
]
