"""Founder scoping: a founder sees only their own startup's rows (issue 15, bar R14).

A *founder* is an active user who holds ``portfolio.scoped_to_own_startup`` (the role
``founders`` grants it) and is not a superuser; their startup is their
:class:`~portfolio.models.FounderMembership`'s. Every place that reads rows for a person
asks this module, in one of three ways:

- **API viewsets** declare how their rows reach a startup with ``founder_scope``:
  ``"pk"`` (the startup itself), a lookup path such as ``"startup"`` or
  ``"milestone__startup"`` (rows of the founder's startup; any other row is a 404),
  ``REFERENCE`` (reference data every founder reads whole: stages, institutions), or
  ``None``, the default: closed to founders (403). ``ApiViewSet.filter_queryset`` applies
  :func:`founder_rows`; ``RolePermissions`` refuses a founder on any view whose
  ``founder_scope`` is ``None`` (reports, the fund, LPs, commitments, money rows, and every
  view that says nothing, so a new view is closed until it says otherwise).
- **Pages** call :func:`is_founder` (the staff pages send founders to ``/founder/``) and
  :func:`founder_startup` (the founder pages show that startup).
- **Services** that founders call (later parts: KPI submissions, evidence) check the row's
  startup with :func:`founder_startup` before writing.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import QuerySet

from portfolio.models import FounderMembership, Startup
from portfolio.models.founders import FOUNDERS_GROUP, SCOPE_PERMISSION

__all__ = [
    "FOUNDERS_GROUP",
    "REFERENCE",
    "SCOPE_PERMISSION",
    "founder_membership",
    "founder_rows",
    "founder_startup",
    "is_founder",
]


class _Reference:
    """``founder_scope = REFERENCE``: rows that belong to no startup, read whole."""

    def __repr__(self) -> str:
        return "REFERENCE"


REFERENCE = _Reference()


def is_founder(user, permissions: Collection[str] | None = None) -> bool:
    """``user`` is scoped to one startup. ``permissions``: the user's permission names when
    the caller has them already (the API's one-query cache), else Django's."""
    if user is None or not user.is_authenticated or not user.is_active or user.is_superuser:
        return False
    if permissions is None:
        permissions = user.get_all_permissions()
    return SCOPE_PERMISSION in permissions


def founder_membership(user) -> FounderMembership | None:
    """The founder's membership with its startup and stage, or None; one query, remembered
    on ``user``."""
    if not hasattr(user, "_founder_membership"):
        user._founder_membership = (
            FounderMembership.objects.select_related("startup__stage", "startup__institution")
            .filter(user_id=user.pk)
            .first()
        )
    return user._founder_membership


def founder_startup(user) -> Startup | None:
    """The founder's startup (with its stage), or None (:func:`founder_membership`)."""
    membership = founder_membership(user)
    return membership.startup if membership else None


def writes_for(user, startup_id: int) -> bool:
    """``user`` may write for the startup ``startup_id``: staff for any, a founder for their
    own only (a service checks before it writes)."""
    if not is_founder(user):
        return True
    own = founder_startup(user)
    return own is not None and own.pk == startup_id


def founder_rows(queryset: QuerySet, user, scope) -> QuerySet:
    """The rows of ``queryset`` a founder may read: those whose ``scope`` path leads to their
    startup (a subquery on the membership, so no extra query), all of them for
    ``REFERENCE``, none for ``None``. Call it for founders only (:func:`is_founder`)."""
    if scope is REFERENCE:
        return queryset
    if scope is None:
        return queryset.none()
    own = FounderMembership.objects.filter(user_id=user.pk).values("startup_id")
    return queryset.filter(**{f"{scope}__in": own})
