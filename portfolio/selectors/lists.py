"""Reads that build rows for the API lists: querysets already joined and annotated.

Each list is a fixed number of queries whatever the page size: the page itself (with its
foreign keys joined) plus at most one prefetch per to-many relation.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from portfolio import models
from portfolio.models.expressions import ParticipantsText

#: a search is at most this many words (each one more condition on every searched field: a
#: thousand of them is an expression tree SQLite refuses to build), in the API and the admin
MAX_SEARCH_TERMS = 10
MSG_SEARCH_TERMS = _("Search with at most %(max)d words.")


def institution_list() -> QuerySet[models.Institution]:
    return models.Institution.objects.all()


def stage_list() -> QuerySet[models.Stage]:
    return models.Stage.objects.all()


def investor_list() -> QuerySet[models.Investor]:
    return models.Investor.objects.all()


def fund_list() -> QuerySet[models.Fund]:
    return models.Fund.objects.all()


def startup_list() -> QuerySet[models.Startup]:
    """Startups with stage and institution joined, ``total_raised`` and ``last_round_on``."""
    return models.Startup.objects.with_funding_totals().select_related("stage", "institution")


def cohort_years() -> list[int]:
    """The admission years of the startups, newest first (one query; the dashboard's and
    the admin's cohort filters)."""
    return [day.year for day in models.Startup.objects.dates("admitted_on", "year", order="DESC")]


def startup_detail() -> QuerySet[models.Startup]:
    """One startup with its history, rounds, milestones and KPI reports (newest first)."""
    return startup_list().prefetch_related(
        Prefetch(
            "transitions",
            queryset=models.StageTransition.objects.select_related(
                "from_stage", "to_stage"
            ).order_by("on", "id"),
        ),
        Prefetch(
            "funding_rounds",
            queryset=models.FundingRound.objects.select_related("lead_investor").order_by(
                "closed_on", "id"
            ),
        ),
        Prefetch("milestones", queryset=models.Milestone.objects.order_by("achieved_on", "id")),
        Prefetch("kpi_reports", queryset=models.KpiReport.objects.order_by("-year", "-quarter")),
    )


def stage_transition_list() -> QuerySet[models.StageTransition]:
    return models.StageTransition.objects.select_related("startup", "from_stage", "to_stage")


def milestone_list() -> QuerySet[models.Milestone]:
    return models.Milestone.objects.select_related("startup")


def kpi_report_list() -> QuerySet[models.KpiReport]:
    return models.KpiReport.objects.select_related("startup")


def funding_round_list() -> QuerySet[models.FundingRound]:
    """Rounds with startup and lead joined; participants (with investors) in one prefetch,
    as the list ``listed_participations`` (a list, not a queryset per row: Django would
    otherwise clone a queryset for each of a page's 500 rounds)."""
    return models.FundingRound.objects.select_related("startup", "lead_investor").prefetch_related(
        Prefetch(
            "participations",
            queryset=models.Participation.objects.select_related("investor").order_by("id"),
            to_attr="listed_participations",
        )
    )


def participant_rows(round_ids: list[int]) -> dict[int, list[tuple]]:
    """``{round id: [(investor id, investor name, amount), ...]}`` in participation order, in
    one query (none for no rounds), like ``funding_round_list``'s prefetch."""
    rows: dict[int, list[tuple]] = {}
    if not round_ids:
        return rows
    for round_id, *participant in (
        models.Participation.objects.filter(funding_round_id__in=round_ids)
        .order_by("id")
        .values_list("funding_round_id", "investor_id", "investor__name", "amount")
    ):
        rows.setdefault(round_id, []).append(participant)
    return rows


def funding_round_export(queryset: QuerySet[models.FundingRound]) -> QuerySet[models.FundingRound]:
    """The rounds of ``funding_round_list()`` (filtered, ordered) for an export: each with
    ``participants_text``, in the one query (no prefetch)."""
    return queryset.prefetch_related(None).annotate(participants_text=ParticipantsText())


def commitment_list() -> QuerySet[models.Commitment]:
    return models.Commitment.objects.select_related("fund", "startup")
