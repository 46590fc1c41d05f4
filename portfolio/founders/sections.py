"""The sections of a founder's home page, in order, each a template and the function that
reads its data for the founder's startup (one or two queries each, whatever the data).
The milestones carry their evidence files and the upload form (issue 15, evidence).

This list is the hook for the later parts of issue 15: the KPI requests due and overdue
(``founder/_kpi_requests.html``, before the milestones) and the milestones' evidence (each
milestone's files and upload form, in ``founder/_milestones.html``) are added here, not
woven into the view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from portfolio.models import Startup
from portfolio.selectors.evidence import with_evidence
from portfolio.services.common import today


@dataclass(frozen=True)
class Section:
    template: str
    data: Callable[[HttpRequest, Startup], dict[str, Any]]


def startup_card(request: HttpRequest, startup: Startup) -> dict[str, Any]:
    """Stage, TRL and days in the stage (the startup's row and stage: no query)."""
    entered = startup.stage_entered_on
    return {"days_in_stage": (today() - entered).days if entered else None}


def milestones(request: HttpRequest, startup: Startup) -> dict[str, Any]:
    """The startup's milestones, newest first, each with its evidence files (two queries,
    whatever the number of files) and, after a refused upload, that upload's errors."""
    rows = list(with_evidence(startup.milestones.order_by("-achieved_on", "-id")))
    refused = getattr(request, "evidence_refused", None)  # (milestone id, errors)
    for milestone in rows:
        milestone.upload_errors = refused[1] if refused and refused[0] == milestone.pk else []
    return {"milestones": rows}


SECTIONS: list[Section] = [
    Section("founder/_startup_card.html", startup_card),
    # issue 15, KPI requests: Section("founder/_kpi_requests.html", kpi_requests) goes here
    Section("founder/_milestones.html", milestones),
]
