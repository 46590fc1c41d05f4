"""Reads of the technology-transfer ledger (issue 16, ``incubator-ops.md`` §4)."""

from __future__ import annotations

from django.db.models import QuerySet

from portfolio import models


def tech_transfer_list() -> QuerySet[models.TechTransfer]:
    """Transfers with their startup and institution joined and their IP items prefetched:
    two queries whatever the number of rows."""
    return models.TechTransfer.objects.select_related("startup", "institution").prefetch_related(
        "ip_items"
    )
