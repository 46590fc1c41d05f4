"""The pipeline: where research spin-offs come from and where each one stands."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portfolio.models.choices import (
    InstitutionKind,
    MilestoneKind,
    StageOutcome,
    StartupStatus,
    TechArea,
)
from portfolio.models.common import belongs_to, credit_code_field, done_by, illustrative
from portfolio.models.querysets import PortfolioQuerySet, StageQuerySet, StartupQuerySet
from portfolio.models.rules import (
    at_most,
    between,
    check,
    credit_code_format,
    non_negative,
    unique,
)

MONEY = {"max_digits": 16, "decimal_places": 2}
TRL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(9)]
QUARTER_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]
YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


def trl_1_9(name: str, *fields: str) -> models.CheckConstraint:
    """The database's TRL range (1-9) on ``fields``, with its one message."""
    return check(name, Q(**between(1, 9, *fields)), message=_("TRL must be between 1 and 9."))


#: "of which" figures of a KPI report and the totals they are part of
OF_WHICH = (
    ("invention_patents_filed", "patents_filed"),
    ("invention_patents_granted", "patents_granted"),
    ("phd_staff", "headcount"),
)
MSG_OF_WHICH = _("Cannot exceed %(total)s.")
MSG_OF_WHICH_ALL = _(
    "Invention patents cannot exceed all patents, nor staff with a PhD the headcount."
)


def of_which_within_totals(name: str) -> models.CheckConstraint:
    """The database's "of which is within its total" for the KPI figures."""
    return check(
        name,
        Q(
            invention_patents_filed__lte=F("patents_filed"),
            invention_patents_granted__lte=F("patents_granted"),
            phd_staff__lte=F("headcount"),
        ),
        message=MSG_OF_WHICH_ALL,
    )


def check_of_which(instance: models.Model) -> None:
    """The same rule in ``clean()``, naming the field that breaks it."""
    errors = {}
    for part, total in OF_WHICH:
        value, whole = getattr(instance, part), getattr(instance, total)
        if value is not None and whole is not None and value > whole:
            label = instance._meta.get_field(total).verbose_name
            errors[part] = ValidationError(MSG_OF_WHICH % {"total": label}, code="above_total")
    if errors:
        raise ValidationError(errors)


class BilingualNameMixin(models.Model):
    """``name`` is Chinese (unique), ``name_en`` English (optional); ``display_name`` follows
    the active language, and is the row's ``str``. A model may declare its own ``name`` and
    ``name_en`` (``Stage``)."""

    name = models.CharField(_("name (Chinese)"), max_length=200, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        language = get_language() or ""
        if language.startswith("en") and getattr(self, "name_en", ""):
            return self.name_en
        return self.name


class Institution(BilingualNameMixin):
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=InstitutionKind.choices)
    city = models.CharField(_("city"), max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")


class Stage(BilingualNameMixin):
    """An ordered pipeline step with its Technology Readiness Level range.

    Terminal outcomes (exited, closed) are stages too, ordered after the pipeline, so a
    transition always points at a stage.
    """

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    trl_min = models.PositiveSmallIntegerField(_("lowest TRL"), validators=TRL_VALIDATORS)
    trl_max = models.PositiveSmallIntegerField(_("highest TRL"), validators=TRL_VALIDATORS)
    in_valley = models.BooleanField(
        _("in the valley of death"),
        default=False,
        help_text=_("Stages between the lab and the market where most spin-offs die."),
    )
    outcome = models.CharField(
        _("terminal outcome"), max_length=16, choices=StageOutcome.choices, blank=True
    )
    description = models.TextField(_("description"), blank=True)

    objects = StageQuerySet.as_manager()

    class Meta:
        ordering = ["order"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            trl_1_9("stage_trl_range_1_9", "trl_min", "trl_max"),
            at_most(
                "stage_trl_min_lte_max",
                "trl_min",
                "trl_max",
                message=_("The lowest TRL may not exceed the highest."),
            ),
            check(
                "stage_terminal_not_in_valley",
                Q(outcome="") | Q(in_valley=False),
                message=_("A terminal outcome cannot be inside the valley."),
            ),
        ]

    @property
    def is_terminal(self) -> bool:
        return bool(self.outcome)


class Startup(BilingualNameMixin):
    credit_code = credit_code_field(
        help_text=_("统一社会信用代码: 18 characters, the last one a check character.")
    )
    tech_area = models.CharField(_("technology field"), max_length=32, choices=TechArea.choices)
    institution = belongs_to(
        Institution, _("origin institution"), "startups", null=True, blank=True
    )
    founders = models.CharField(_("founders"), max_length=300, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    admitted_on = models.DateField(_("admitted to the incubator on"), null=True, blank=True)
    stage = belongs_to(Stage, _("current stage"), "startups")
    stage_entered_on = models.DateField(_("in current stage since"), null=True, blank=True)
    crossed_valley_on = models.DateField(
        _("crossed the valley on"),
        null=True,
        blank=True,
        help_text=_("Set when the startup first reaches the stage after the last valley stage."),
    )
    trl = models.PositiveSmallIntegerField(_("TRL"), validators=TRL_VALIDATORS)
    status = models.CharField(
        _("status"), max_length=16, choices=StartupStatus.choices, default=StartupStatus.ACTIVE
    )
    registered_region = models.CharField(
        _("registered in"),
        max_length=100,
        blank=True,
        help_text=_("Where the company is registered, e.g. 北京市海淀区."),
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    moved_into_district_on = models.DateField(
        _("moved into the district on"),
        null=True,
        blank=True,
        help_text=_("The day its registered address moved into Haidian (迁入/落地), if it did."),
    )
    # Admission eligibility (incubator-ops.md §1.1): empty means not yet known, which makes
    # the rule "unknown", never a refusal.
    is_tech_sme = models.BooleanField(
        _("科技型中小企业 (tech-based SME)"), null=True, blank=True, default=None
    )
    tech_sme_number = models.CharField(
        _("科技型中小企业 registration number"), max_length=50, blank=True
    )
    registered_in_incubator = models.BooleanField(
        _("registered address in the incubator"), null=True, blank=True, default=None
    )
    premises_in_incubator = models.BooleanField(
        _("main premises in the incubator"), null=True, blank=True, default=None
    )
    eligibility_note = models.TextField(
        _("eligibility note"),
        blank=True,
        help_text=_("Why a startup that fails an admission rule was admitted all the same."),
    )
    headcount = models.PositiveIntegerField(_("headcount"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_illustrative = illustrative()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = StartupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("startup")
        verbose_name_plural = _("startups")
        constraints = [
            trl_1_9("startup_trl_1_9", "trl"),
            credit_code_format("startup_credit_code_format"),
        ]
        indexes = [
            # Pipeline lists and reports filter by stage and field together.
            models.Index(fields=["stage", "tech_area"], name="startup_stage_area_idx"),
            # Cohort analytics group by admission date.
            models.Index(fields=["admitted_on"], name="startup_admitted_idx"),
        ]

    def clean(self) -> None:
        super().clean()
        if self.credit_code == "":
            self.credit_code = None
        if self.founded_on and self.admitted_on and self.admitted_on < self.founded_on:
            raise ValidationError(
                {"admitted_on": _("A startup cannot be admitted before it was founded.")}
            )


class StageTransition(models.Model):
    """Append-only history of a startup's moves; the latest one is its current stage."""

    startup = belongs_to(Startup, _("startup"), "transitions")
    from_stage = belongs_to(Stage, _("from stage"), "transitions_out", null=True, blank=True)
    to_stage = belongs_to(Stage, _("to stage"), "transitions_in")
    on = models.DateField(_("date"))
    trl = models.PositiveSmallIntegerField(_("TRL"), validators=TRL_VALIDATORS)
    note = models.TextField(_("note / evidence"), blank=True)
    recorded_by = done_by(_("recorded by"), "stage_transitions")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = PortfolioQuerySet.as_manager()

    class Meta:
        ordering = ["startup", "on", "id"]
        get_latest_by = ["on", "id"]
        verbose_name = _("stage transition")
        verbose_name_plural = _("stage transitions")
        constraints = [
            trl_1_9("transition_trl_1_9", "trl"),
            check(
                "transition_moves",
                Q(from_stage__isnull=True) | ~Q(from_stage=F("to_stage")),
                message=_("A transition must move to another stage."),
            ),
        ]
        indexes = [
            # Pipeline report: entries per stage within a date window.
            models.Index(fields=["to_stage", "on"], name="transition_to_on_idx"),
            # Each startup's latest move by a date (its stage as of the date: reports,
            # dashboards) and the windows over each startup's moves in date order.
            models.Index(fields=["startup", "on", "id"], name="transition_startup_on_idx"),
            # The API list's default order, newest first (a page without sorting them all).
            models.Index(fields=["-on", "-id"], name="transition_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.startup} → {self.to_stage} ({self.on})"


class Milestone(models.Model):
    startup = belongs_to(Startup, _("startup"), "milestones")
    kind = models.CharField(_("kind"), max_length=32, choices=MilestoneKind.choices)
    achieved_on = models.DateField(_("achieved on"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description / evidence"), blank=True)
    is_illustrative = illustrative(
        _("Invented demo data (or an invented date), not a fact from a source.")
    )
    # Set by staff through ``services.milestone_verify`` only: a tranche conditioned on this
    # milestone pays once it is verified.
    verified_on = models.DateField(_("verified on"), null=True, blank=True, editable=False)
    verified_by = belongs_to(
        settings.AUTH_USER_MODEL, _("verified by"), "+", null=True, blank=True, editable=False
    )

    objects = PortfolioQuerySet.as_manager()

    class Meta:
        ordering = ["startup", "achieved_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [models.Index(fields=["achieved_on"], name="milestone_achieved_idx")]
        constraints = [
            check(
                "milestone_verified_with_date_and_by",
                Q(verified_on__isnull=True, verified_by__isnull=True)
                | Q(verified_on__isnull=False, verified_by__isnull=False),
                message=_("A verification has both a date and a verifier."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.startup}: {self.title}"


class KpiFigures(models.Model):
    """A quarter's figures, as a founder submits them (``KpiSubmission``) and as the official
    report keeps them (``KpiReport``): one definition of the fields and of ``clean()``'s
    "of which" rule (each model names its own constraints)."""

    revenue = models.DecimalField(_("revenue (yuan)"), default=0, **MONEY)
    rd_spend = models.DecimalField(_("R&D spend (yuan)"), default=0, **MONEY)
    headcount = models.PositiveIntegerField(_("headcount"), default=0)
    patents_filed = models.PositiveIntegerField(_("patents filed"), default=0)
    patents_granted = models.PositiveIntegerField(_("patents granted"), default=0)
    customers = models.PositiveIntegerField(_("customers / installed units"), default=0)
    cash = models.DecimalField(_("cash (yuan)"), default=0, **MONEY)
    runway_months = models.DecimalField(
        _("runway (months)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    taxes_paid = models.DecimalField(
        _("taxes paid (yuan)"),
        default=0,
        help_text=_("Taxes and fees actually paid in the quarter (实际上缴税费)."),
        **MONEY,
    )
    phd_staff = models.PositiveIntegerField(
        _("staff with a PhD"), default=0, help_text=_("Of the headcount, at the quarter's end.")
    )
    new_graduates_hired = models.PositiveIntegerField(
        _("new graduates hired"),
        default=0,
        help_text=_("Fresh university graduates hired in the quarter (吸纳应届大学毕业生)."),
    )
    invention_patents_filed = models.PositiveIntegerField(
        _("invention patents filed"),
        default=0,
        help_text=_("Of the patents filed so far, invention patents (cumulative)."),
    )
    invention_patents_granted = models.PositiveIntegerField(
        _("invention patents granted"),
        default=0,
        help_text=_("Of the patents granted so far, invention patents (cumulative)."),
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        check_of_which(self)


class KpiReport(KpiFigures):
    """One report per startup and quarter."""

    startup = belongs_to(Startup, _("startup"), "kpi_reports")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=QUARTER_VALIDATORS)
    is_illustrative = illustrative(_("Invented demo figures, not reported by the company."))
    source = models.TextField(
        _("source"),
        blank=True,
        help_text=_("Where the figures come from: a publication, a founder submission, ..."),
    )

    class Meta:
        ordering = ["startup", "year", "quarter"]
        verbose_name = _("KPI report")
        verbose_name_plural = _("KPI reports")
        constraints = [
            unique(
                "kpi_one_per_startup_quarter",
                "startup",
                "year",
                "quarter",
                message=_("This startup already has a report for this quarter."),
            ),
            check(
                "kpi_quarter_1_4",
                Q(**between(1, 4, "quarter")),
                message=_("Quarter must be 1, 2, 3 or 4."),
            ),
            check(
                "kpi_year_range",
                Q(**between(2000, 2100, "year")),
                message=_("Year must be between 2000 and 2100."),
            ),
            non_negative(
                "kpi_money_non_negative",
                "revenue",
                "rd_spend",
                "cash",
                "taxes_paid",
                message=_("Revenue, R&D spend, cash and taxes paid cannot be negative."),
            ),
            of_which_within_totals("kpi_of_which_within_totals"),
            non_negative(
                "kpi_runway_non_negative",
                "runway_months",
                message=_("Runway cannot be negative."),
                nullable=True,
            ),
        ]
        # The API list's default order starts newest quarter first: a page sorts one
        # quarter's reports by startup, not every report.
        indexes = [models.Index(fields=["-year", "-quarter"], name="kpi_report_list_idx")]

    def __str__(self) -> str:
        return f"{self.startup} {self.year}Q{self.quarter}"
