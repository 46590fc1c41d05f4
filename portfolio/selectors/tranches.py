"""Tranches of the fund's commitments: what each has paid and whether it can be paid now.

A tranche's ``status``, as of a date (today in Asia/Shanghai unless given; the fund page's
date when it looks back):

- ``paid``: its disbursements paid by that date add up to its amount;
- ``blocked``: not paid in full and its milestone not verified by that date (nothing can be
  paid);
- ``overdue``: not paid in full, not blocked, and past its due-by date;
- ``ready``: not paid in full, not blocked, not yet due.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from portfolio.models import Disbursement, Fund, Tranche
from portfolio.models.choices import CommitmentStatus
from portfolio.models.querysets import MONEY
from portfolio.services.common import today

PAID = "paid"
READY = "ready"
BLOCKED = "blocked"
OVERDUE = "overdue"


def tranche_list(on: dt.date | None = None) -> QuerySet[Tranche]:
    """Tranches with ``paid`` (the sum of their disbursements, those paid by ``on`` when
    given) in one query."""
    payments = Disbursement.objects.filter(tranche=OuterRef("pk"))
    if on is not None:
        payments = payments.filter(paid_on__lte=on)
    paid = payments.order_by().values("tranche").annotate(total=Sum("amount")).values("total")
    return Tranche.objects.select_related("milestone", "commitment__startup").annotate(
        paid=Coalesce(Subquery(paid, output_field=MONEY), Value(Decimal("0")), output_field=MONEY)
    )


def tranche_status(tranche: Tranche, on: dt.date | None = None) -> str:
    """The status of a tranche read through ``tranche_list`` (see the module's doc)."""
    on = on or today()
    if tranche.paid >= tranche.amount:
        return PAID
    milestone = tranche.milestone
    if milestone is not None and (milestone.verified_on is None or milestone.verified_on > on):
        return BLOCKED
    if tranche.due_by < on:
        return OVERDUE
    return READY


def fund_open_tranches(fund: Fund, on: dt.date | None = None) -> list[Tranche]:
    """The fund's tranches not paid in full by ``on`` (live commitments approved by then),
    earliest due first, each with ``status`` (ready, overdue or blocked) as of ``on``: the
    fund page's "Tranches" table at the page's date."""
    return fund_open_tranches_page(fund, on)[0]


def fund_open_tranches_page(
    fund: Fund, on: dt.date | None = None, limit: int | None = None
) -> tuple[list[Tranche], int]:
    """The first ``limit`` (all when None) of ``fund_open_tranches`` and how many there are in
    all (one query more when cut: the count)."""
    on = on or today()
    rows = (
        tranche_list(on)
        .filter(
            commitment__fund=fund,
            commitment__status=CommitmentStatus.APPROVED,
            commitment__approved_on__lte=on,
            paid__lt=F("amount"),
        )
        .order_by("due_by", "id")
    )
    page = list(rows[:limit])
    total = len(page) if limit is None or len(page) < limit else rows.count()
    for tranche in page:
        tranche.status = tranche_status(tranche, on)
    return page, total
