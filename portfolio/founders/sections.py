"""The sections of a founder's home page, in order, each a template and the function that
reads its data for the founder's startup (one or two queries each, whatever the data).

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
    """The startup's milestones, newest first (one query)."""
    return {"milestones": list(startup.milestones.order_by("-achieved_on", "-id"))}


SECTIONS: list[Section] = [
    Section("founder/_startup_card.html", startup_card),
    # issue 15, KPI requests: Section("founder/_kpi_requests.html", kpi_requests) goes here
    Section("founder/_milestones.html", milestones),
]
