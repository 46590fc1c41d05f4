"""Reads of milestone evidence (issue 15): a milestone's files, one evidence row for its
download, and the files of many milestones at once (the founder page's one query)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from portfolio.models import Milestone, MilestoneEvidence

MAX_ID = 2**63 - 1


def evidence_list() -> QuerySet[MilestoneEvidence]:
    """Evidence rows with their milestone and uploader joined (one query for any number)."""
    return MilestoneEvidence.objects.select_related("milestone", "uploaded_by").order_by(
        "uploaded_at", "id"
    )


def milestone_evidence(milestone: Milestone) -> QuerySet[MilestoneEvidence]:
    return evidence_list().filter(milestone=milestone)


def evidence_by_id(raw_id: object, rows: QuerySet[MilestoneEvidence] | None = None):
    """The evidence row of ``raw_id`` among ``rows`` (all by default), or None for an id that
    is not one (text, out of range) or not there."""
    text = str(raw_id)
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        return None
    return (evidence_list() if rows is None else rows).filter(pk=int(text)).first()


def with_evidence(milestones: QuerySet[Milestone]) -> QuerySet[Milestone]:
    """``milestones`` with each one's files in ``evidence_files`` (one more query for all)."""
    return milestones.prefetch_related(
        Prefetch(
            "evidence",
            queryset=MilestoneEvidence.objects.order_by("uploaded_at", "id"),
            to_attr="evidence_files",
        )
    )
