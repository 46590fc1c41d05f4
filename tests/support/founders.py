"""Founders as the tests see them: an account linked to a startup through the service, and
two founders of two startups of the hand-checked world (one's rows are the other's secret)."""

from __future__ import annotations

from dataclasses import dataclass

from portfolio.models import Startup
from portfolio.services.founders import founder_add
from tests.support import factories


def make_founder(startup: Startup, username: str = "founder", title: str = "创始人"):
    """A founder's account (not staff, in the role ``founders``) linked to ``startup`` by
    ``founder_add``."""
    user = factories.UserFactory(username=username, is_staff=False)
    founder_add(user=user, startup=startup, title=title)
    return user


@dataclass
class TwoFounders:
    """Founder ``a`` of ``own`` and founder ``b`` of ``other`` (the hand-checked world's
    未磁科技 and 相干科技: each has transitions, a round, a milestone and KPI reports)."""

    own: Startup
    other: Startup
    a: object
    b: object


def two_founders(world) -> TwoFounders:
    return TwoFounders(
        own=world.weici,
        other=world.coherent,
        a=make_founder(world.weici, "founder_a"),
        b=make_founder(world.coherent, "founder_b"),
    )
