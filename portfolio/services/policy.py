"""Writes of the guidance-fund policy pack: a holding's relocation (返投 credit) and the
dated 初创科技型企业 thresholds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q

from portfolio.audit import attributed
from portfolio.models import Commitment, StartupTechThreshold
from portfolio.models.choices import CommitmentStatus, RelocationKind
from portfolio.services import messages as msg
from portfolio.services.common import refuse, saved, since_approval


@attributed
@transaction.atomic
def commitment_relocate(
    *,
    commitment: Commitment,
    kind: str,
    on: dt.date | None,
    by: Any = None,
) -> Commitment:
    """Record (or, with ``kind=""``, clear) how a company from outside the fund's local
    region came to count as local after the fund committed: its 返投 credit is the fund's
    multiplier for ``kind`` from ``on``."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if kind in ("", None):
        commitment.relocation_kind, commitment.relocated_on = "", None
        return saved(commitment)
    if kind not in RelocationKind.values:
        refuse("relocation_kind", msg.RELOCATION_KIND, code="invalid")
    if commitment.status != CommitmentStatus.APPROVED:
        refuse("relocation_kind", msg.RELOCATION_NOT_LIVE, code="not_live")
    if on is None:
        refuse("relocated_on", msg.RELOCATION_NEEDS_DATE, code="required")
    since_approval(
        commitment, on, "relocated_on", msg.RELOCATION_BEFORE_COMMITMENT, "before_commitment"
    )
    commitment.relocation_kind, commitment.relocated_on = kind, on
    return saved(commitment)


@attributed
@transaction.atomic
def startup_tech_threshold_save(
    *, threshold: StartupTechThreshold, by: Any = None
) -> StartupTechThreshold:
    """Save a period of 初创科技型企业 thresholds; periods never overlap, so an investment
    date has at most one row in force. The table is locked while it is checked."""
    others = StartupTechThreshold.objects.select_for_update().exclude(pk=threshold.pk)
    list(others)  # the lock: every row, before the overlap is read
    start, end = threshold.effective_from, threshold.effective_to
    if start is not None:
        overlap = others.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=start))
        if end is not None:
            overlap = overlap.filter(effective_from__lte=end)
        clash = overlap.order_by("effective_from").first()
        if clash is not None:
            refuse(
                "effective_from",
                msg.THRESHOLD_OVERLAP,
                code="overlap",
                start=clash.effective_from.isoformat(),
            )
    return saved(threshold)
