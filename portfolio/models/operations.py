"""Space and mentors (issue 16, ``incubator-ops.md`` §1.3 and §3): the startups' leases of the
incubator's offices, labs and clean rooms, the mentors (创业导师) the incubator appoints, and
their mentoring sessions with startups.

Two leases of one unit never overlap (a lease's period is ``[starts_on, ends_on]``, both days
included; a lease without ``ends_on`` runs on). The unit is a name, not a row, so
``services.operations`` serialises the writers of one unit before it checks: on PostgreSQL a
transaction-scoped advisory lock keyed on the unit's name (``pg_advisory_xact_lock``), on
SQLite the IMMEDIATE transaction (the database's write lock, taken when it begins). On
PostgreSQL an exclusion constraint (``space_lease_no_overlap``, migration
``0026_space_lease_exclusion``) holds the rule in the database too, also for a write that
skips the services.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portfolio.models import rules
from portfolio.models.common import CreatedByMixin, belongs_to, illustrative
from portfolio.models.pipeline import MONEY, Startup

#: area in square metres: up to 99,999,999.99
AREA = {"max_digits": 10, "decimal_places": 2}
#: hours of a session: up to 999.99 (a session lasts at most 24)
HOURS = {"max_digits": 5, "decimal_places": 2}
#: the PostgreSQL-only exclusion constraint (``0026_space_lease_exclusion``); its name is the
#: refusal's
LEASE_NO_OVERLAP_CONSTRAINT = "space_lease_no_overlap"
LEASE_ENDS = rules.EndsAfter(
    "space_lease_ends_after_start",
    "ends_on",
    "starts_on",
    _("A lease ends on or after the day it starts."),
)
ACTUAL_WITHIN_LIST = rules.AtMost(
    "space_lease_actual_within_list",
    "actual_rent",
    "list_rent",
    _("The actual rent cannot exceed the list rent."),
    code="above_list",
)
APPOINTMENT_ENDS = rules.EndsAfter(
    "mentor_until_after_appointed",
    "until",
    "appointed_on",
    _("An appointment ends on or after the day it starts."),
)
MSG_SESSION_HOURS = _("A session lasts more than 0 and at most 24 hours.")


class SpaceKind(models.TextChoices):
    OFFICE = "office", _("office")
    LAB = "lab", _("lab")
    CLEAN_ROOM = "clean_room", _("clean room")


class MentorKind(models.TextChoices):
    ENTREPRENEUR = "entrepreneur", _("entrepreneur")
    INVESTOR = "investor", _("investor")
    CONSULTANT = "consultant", _("consultant")
    TECHNICAL = "technical", _("technical expert")


class SpaceLease(CreatedByMixin, models.Model):
    """A startup's lease of one unit (an office, a lab or a clean room) of the incubator.

    Rents are **monthly, in yuan**: ``list_rent`` the published rent of the unit,
    ``actual_rent`` what the startup pays (never above the list rent), ``subsidy`` the
    monthly subsidy (a government programme or the incubator) and ``subsidy_source`` who
    pays it."""

    startup = belongs_to(Startup, _("startup"), "space_leases")
    unit = models.CharField(_("unit"), max_length=100, help_text=_("e.g. A座 301"))
    kind = models.CharField(_("kind"), max_length=16, choices=SpaceKind.choices)
    area_m2 = models.DecimalField(_("area (m²)"), **AREA)
    is_public_service_area = models.BooleanField(
        _("public service area"),
        default=False,
        help_text=_("A shared area that serves the incubatees (counts as incubatee use)."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, help_text=_("The last day; empty: runs on.")
    )
    list_rent = models.DecimalField(_("list rent (yuan a month)"), default=0, **MONEY)
    actual_rent = models.DecimalField(_("actual rent (yuan a month)"), default=0, **MONEY)
    subsidy = models.DecimalField(_("subsidy (yuan a month)"), default=0, **MONEY)
    subsidy_source = models.CharField(_("subsidy source"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("space lease")
        verbose_name_plural = _("space leases")
        indexes = [
            # the overlap check (a unit's leases) and the per-unit list
            models.Index(fields=["unit", "starts_on"], name="space_lease_unit"),
            # the list's default order (read off the index, bar P8), occupancy at a date and
            # the date-range filters
            models.Index(fields=ordering, name="space_lease_list_idx"),
        ]
        constraints = [
            rules.one_of(
                "space_lease_kind_valid", "kind", SpaceKind, message=_("Unknown space kind.")
            ),
            LEASE_ENDS.constraint,
            rules.positive(
                "space_lease_area_positive",
                "area_m2",
                message=_("The area must be more than zero."),
            ),
            rules.non_negative(
                "space_lease_money_non_negative",
                "list_rent",
                "actual_rent",
                "subsidy",
                message=_("Rents and subsidy cannot be negative."),
            ),
            ACTUAL_WITHIN_LIST.constraint,
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.startup} · {self.starts_on}"

    def clean(self) -> None:
        rules.refuse(self, LEASE_ENDS, ACTUAL_WITHIN_LIST)


class Mentor(models.Model):
    """A mentor (创业导师): an entrepreneur, investor, consultant or technical expert
    appointed by a science department, an industry association or the incubator."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=16, choices=MentorKind.choices)
    appointed_by = models.CharField(
        _("appointing body"),
        max_length=200,
        help_text=_("A science department, an industry association or the incubator."),
    )
    appointed_on = models.DateField(_("appointed on"))
    until = models.DateField(
        _("appointed until"), null=True, blank=True, help_text=_("Empty: no end date.")
    )
    is_full_time = models.BooleanField(_("full time"), default=False)
    is_illustrative = illustrative()

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=ordering, name="mentor_list_idx")]
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        constraints = [
            rules.one_of(
                "mentor_kind_valid", "kind", MentorKind, message=_("Unknown mentor type.")
            ),
            APPOINTMENT_ENDS.constraint,
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        rules.refuse(self, APPOINTMENT_ENDS)


class MentoringSession(CreatedByMixin, models.Model):
    """A mentor's session with a startup: the day, the hours, the topic and the follow-ups
    agreed. A session in a year sets the Torch statistics' mentoring flag for the startup."""

    mentor = belongs_to(Mentor, _("mentor"), "sessions")
    startup = belongs_to(Startup, _("startup"), "mentoring_sessions")
    held_on = models.DateField(_("held on"))
    hours = models.DecimalField(_("hours"), **HOURS)
    topic = models.CharField(_("topic"), max_length=300)
    follow_ups = models.TextField(_("follow-ups"), blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("mentoring session")
        verbose_name_plural = _("mentoring sessions")
        indexes = [
            # the list's default order (read off the index, bar P8), the date-range filters
            # and "a session in the year" (the Torch flag)
            models.Index(fields=ordering, name="mentoring_session_list_idx"),
        ]
        constraints = [
            rules.check(
                "mentoring_session_hours_range",
                Q(hours__gt=0, hours__lte=24),
                message=MSG_SESSION_HOURS,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} · {self.startup} · {self.held_on}"

    def clean(self) -> None:
        if self.hours is not None and not 0 < self.hours <= 24:
            raise ValidationError({"hours": ValidationError(MSG_SESSION_HOURS, code="range")})
