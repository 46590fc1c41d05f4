"""Reads of the space leases, mentors and mentoring sessions (issue 16): the lists, the
space occupancy at a date and the mentors per 10 incubatees (``docs/operations.md``, "Space"
and "Mentors"; ``incubator-ops.md`` §1.3).

An **incubatee at a date** is a startup whose status is *active* and whose ``admitted_on`` is
on or before the date. Status has no history, so a startup that has since graduated or left
is not counted for an earlier date either: the figures are right for today and approximate
for the past.

**Occupancy** (one aggregate query): the leases that run on the date (``starts_on <= on``
and ``ends_on`` empty or ``>= on``), per space kind: ``leased_m2`` their area,
``incubatee_use_m2`` the area leased to incubatees plus public service areas, and
``incubatee_share`` = ``incubatee_use_m2 / leased_m2`` (4 places; null with no lease).
The incubator's own total area (可自主支配面积) is not recorded, so this is the share of the
*leased* area, not of all the incubator's space.

**Mentors per 10 incubatees** (two counts): mentors appointed on or before the date whose
appointment has not ended (``until`` empty or ``>= on``), x 10 / incubatees, 2 places.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from portfolio import models
from portfolio.models.choices import StartupStatus
from portfolio.models.operations import SpaceKind

ZERO = Decimal("0.00")
SHARE_PLACES = Decimal("0.0001")
RATIO_PLACES = Decimal("0.01")


def space_lease_list() -> QuerySet[models.SpaceLease]:
    return models.SpaceLease.objects.select_related("startup", "created_by")


def mentor_list() -> QuerySet[models.Mentor]:
    return models.Mentor.objects.all()


def mentoring_session_list() -> QuerySet[models.MentoringSession]:
    return models.MentoringSession.objects.select_related("mentor", "startup", "created_by")


def policy_application_list() -> QuerySet[models.PolicyApplication]:
    return models.PolicyApplication.objects.select_related("startup", "helped_by", "created_by")


def financing_introduction_list() -> QuerySet[models.FinancingIntroduction]:
    return models.FinancingIntroduction.objects.select_related(
        "startup", "investor", "funding_round", "created_by"
    )


def incubatees_on(on: dt.date) -> QuerySet[models.Startup]:
    """The incubatees at ``on`` (see the module's doc)."""
    return models.Startup.objects.filter(
        status=StartupStatus.ACTIVE, admitted_on__isnull=False, admitted_on__lte=on
    )


def leases_on(on: dt.date) -> QuerySet[models.SpaceLease]:
    return models.SpaceLease.objects.filter(starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )


@dataclass(frozen=True)
class Occupancy:
    kind: str
    leases: int
    leased_m2: Decimal
    incubatee_use_m2: Decimal
    incubatee_share: Decimal | None


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part / whole).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


def space_occupancy(on: dt.date) -> dict:
    """Leased area and the incubatee-use share per kind on ``on``, and their total."""
    area = DecimalField(max_digits=14, decimal_places=2)
    incubatee = Q(is_public_service_area=True) | Q(
        startup__status=StartupStatus.ACTIVE,
        startup__admitted_on__isnull=False,
        startup__admitted_on__lte=on,
    )
    rows = {
        row["kind"]: row
        for row in leases_on(on)
        .order_by()
        .values("kind")
        .annotate(
            leased=Coalesce(Sum("area_m2"), Value(ZERO), output_field=area),
            used=Coalesce(Sum("area_m2", filter=incubatee), Value(ZERO), output_field=area),
            count=Sum(Value(1)),
        )
    }
    kinds = []
    for kind in SpaceKind.values:
        row = rows.get(kind, {})
        leased = Decimal(row.get("leased", ZERO)).quantize(ZERO)
        used = Decimal(row.get("used", ZERO)).quantize(ZERO)
        kinds.append(Occupancy(kind, row.get("count", 0) or 0, leased, used, _share(used, leased)))
    leased = sum((k.leased_m2 for k in kinds), ZERO)
    used = sum((k.incubatee_use_m2 for k in kinds), ZERO)
    total = Occupancy("all", sum(k.leases for k in kinds), leased, used, _share(used, leased))
    return {"on": on, "kinds": kinds, "total": total}


def mentors_in_office(on: dt.date) -> QuerySet[models.Mentor]:
    """Mentors appointed on or before ``on`` whose appointment has not ended."""
    return models.Mentor.objects.filter(appointed_on__lte=on).filter(
        Q(until__isnull=True) | Q(until__gte=on)
    )


def mentors_per_10_incubatees(on: dt.date) -> dict:
    """Mentors in office on ``on``, incubatees on ``on`` and mentors per 10 incubatees."""
    mentors = mentors_in_office(on).count()
    incubatees = incubatees_on(on).count()
    ratio = None
    if incubatees:
        ratio = (Decimal(mentors) * 10 / Decimal(incubatees)).quantize(
            RATIO_PLACES, rounding=ROUND_HALF_UP
        )
    return {"on": on, "mentors": mentors, "incubatees": incubatees, "per_10_incubatees": ratio}
