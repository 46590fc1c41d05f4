"""Incubation agreements, graduation, policy applications and financing introductions
(issue 16, ``incubator-ops.md`` §1 and §3).

The thresholds the software applies are rows, never code: ``IncubationRule`` (the incubatee
and graduate tests of a set of measures, in force from a date) and ``IncubatorThreshold``
(the national-level incubator's conditions, one row per figure). Both are versioned by
``policy_code`` + ``effective_from`` and edited in the admin; the rule in force on a day is
the one with the latest ``effective_from`` on or before it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portfolio.models import rules
from portfolio.models.common import CreatedByMixin, belongs_to, done_by, illustrative
from portfolio.models.funding import FundingRound, Investor
from portfolio.models.pipeline import MONEY, Startup

#: a threshold's value: a count, a share in percent, an area in m² or yuan
THRESHOLD = {"max_digits": 16, "decimal_places": 2}
AGREEMENT_ENDS = rules.EndsAfter(
    "incubation_agreement_ends_after_start",
    "ends_on",
    "starts_on",
    _("An agreement ends on or after the day it starts."),
)
MSG_CERTIFICATE_ENDS = _("A certificate is valid to a day on or after its start.")
MSG_FIGURES_AREA = _("The space the incubator controls is more than 0 m².")
MSG_FIGURES_FUND = _("A fund cannot be negative.")
MSG_APPLIED_ON = _("A submitted application has the day it was applied.")
RECEIVED_WITHIN_GRANTED = rules.AtMost(
    "policy_application_received_within_granted",
    "amount_received",
    "amount_granted",
    _("The amount received cannot exceed the amount granted."),
    code="above_granted",
)
MSG_ROUND_NEEDS_INVESTED = _("Only an introduction that led to an investment names a round.")


class IncubationRule(models.Model):
    """The incubatee and graduate tests of one set of measures, in force from a day.

    Defaults are those of 《科技企业孵化器管理办法》(国科发区〔2018〕300号): at most 24 months
    old on entry, 48 months of incubation in principle (60 in the listed fields), and the four
    graduation tests of §1.2."""

    policy_code = models.CharField(
        _("policy code"), max_length=100, help_text=_("e.g. 国科发区〔2018〕300号")
    )
    effective_from = models.DateField(_("in force from"))
    max_age_months_at_entry = models.PositiveSmallIntegerField(
        _("maximum age on entry (months)"), default=24
    )
    deadline_months = models.PositiveSmallIntegerField(_("incubation period (months)"), default=48)
    extended_deadline_months = models.PositiveSmallIntegerField(
        _("incubation period in the listed fields (months)"), default=60
    )
    extended_fields = models.CharField(
        _("fields with the longer period"),
        max_length=300,
        blank=True,
        help_text=_(
            "Technology-field codes, comma-separated (biomedicine, modern agriculture and "
            "integrated circuits under the 2018 measures; quantum is not one of them)."
        ),
    )
    requires_tech_sme = models.BooleanField(_("incubatees must be 科技型中小企业"), default=True)
    requires_registered_in_incubator = models.BooleanField(
        _("registered address must be in the incubator"), default=True
    )
    requires_premises_in_incubator = models.BooleanField(
        _("main premises must be in the incubator"), default=True
    )
    graduation_vc_over = models.DecimalField(
        _("graduation: angel/VC money above (yuan)"), default=5_000_000, **MONEY
    )
    graduation_revenue_over = models.DecimalField(
        _("graduation: revenue above (yuan)"), default=10_000_000, **MONEY
    )
    graduation_revenue_years = models.PositiveSmallIntegerField(
        _("graduation: over consecutive years"), default=2
    )
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["-effective_from", "policy_code"]
        verbose_name = _("incubation rule")
        verbose_name_plural = _("incubation rules")
        constraints = [
            rules.unique(
                "incubation_rule_one_per_day",
                "effective_from",
                message=_("Another rule is already in force from this day."),
            ),
            rules.check(
                "incubation_rule_deadlines",
                Q(deadline_months__gt=0, extended_deadline_months__gte=F("deadline_months")),
                message=_(
                    "The incubation period is more than zero and the listed fields' period is "
                    "at least as long."
                ),
            ),
            rules.check(
                "incubation_rule_graduation_thresholds",
                Q(
                    graduation_vc_over__gte=0,
                    graduation_revenue_over__gte=0,
                    graduation_revenue_years__gt=0,
                ),
                message=_("Graduation thresholds cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy_code} ({self.effective_from.isoformat()})"

    @property
    def extended_field_codes(self) -> set[str]:
        return {code.strip() for code in self.extended_fields.split(",") if code.strip()}


class ThresholdKey(models.TextChoices):
    """The national-level incubator's conditions that the data can measure (§1.3)."""

    OPERATING_YEARS = "operating_years", _("years in operation")
    SPACE_M2 = "space_m2", _("space the incubator controls (m²)")
    INCUBATEE_USE_PCT = "incubatee_use_pct", _("incubatee-use share of the space (%)")
    SEED_FUND_YUAN = "seed_fund_yuan", _("seed or incubation fund (yuan)")
    FINANCED_PCT = "financed_pct", _("incubatees financed (%)")
    MENTORS_PER_10 = "mentors_per_10", _("mentors per 10 incubatees")
    PATENT_APPLICANTS_PCT = "patent_applicants_pct", _("incubatees that applied for patents (%)")
    INCUBATEES = "incubatees", _("incubatees")
    INCUBATEES_PER_1000_M2 = "incubatees_per_1000_m2", _("incubatees per 1,000 m²")
    GRADUATES_CUMULATIVE = "graduates_cumulative", _("graduates, cumulative")


class IncubatorThreshold(models.Model):
    """One condition of a grade of incubator (the national level of 2018, its specialised
    variant, MIIT's 标准级 ...): the figure must reach ``required``."""

    policy_code = models.CharField(_("policy code"), max_length=100)
    grade = models.CharField(
        _("grade"), max_length=100, help_text=_("e.g. national-level, specialised")
    )
    effective_from = models.DateField(_("in force from"))
    key = models.CharField(_("figure"), max_length=32, choices=ThresholdKey.choices)
    required = models.DecimalField(_("required at least"), **THRESHOLD)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["grade", "key", "-effective_from"]
        verbose_name = _("incubator threshold")
        verbose_name_plural = _("incubator thresholds")
        constraints = [
            rules.unique(
                "incubator_threshold_unique",
                "grade",
                "key",
                "effective_from",
                message=_("This grade already has this figure's threshold from this day."),
            ),
            rules.one_of(
                "incubator_threshold_key_valid", "key", ThresholdKey, message=_("Unknown figure.")
            ),
            rules.non_negative(
                "incubator_threshold_non_negative",
                "required",
                message=_("A threshold cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grade} · {self.get_key_display()} ≥ {self.required}"


class IncubatorFigures(CreatedByMixin, models.Model):
    """The incubator's own figures that no other row records, as staff state them from a day
    on: its opening day, the space it controls (可自主支配面积: owned or rented by the
    incubator, whoever uses it) and its own seed or incubation fund. The figures on a day are
    the row with the latest ``effective_from`` on or before it; an empty figure is not
    recorded (its thresholds then show "no data")."""

    effective_from = models.DateField(_("stated from"), unique=True)
    opened_on = models.DateField(
        _("opened on"), null=True, blank=True, help_text=_("The day the incubator opened.")
    )
    controlled_area_m2 = models.DecimalField(
        _("space the incubator controls (m²)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("可自主支配面积: owned or rented by the incubator, let or not."),
    )
    seed_fund = models.DecimalField(
        _("seed or incubation fund (yuan)"), null=True, blank=True, **MONEY
    )
    source = models.TextField(_("source"), blank=True, help_text=_("Where the figures come from."))

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("incubator's figures")
        verbose_name_plural = _("incubator's figures")
        constraints = [
            rules.positive(
                "incubator_figures_area_positive",
                "controlled_area_m2",
                message=MSG_FIGURES_AREA,
                nullable=True,
            ),
            rules.non_negative(
                "incubator_figures_seed_fund_non_negative",
                "seed_fund",
                message=MSG_FIGURES_FUND,
                nullable=True,
            ),
        ]

    def __str__(self) -> str:
        return str(self.effective_from)

    def clean(self) -> None:
        """The constraints' rules, named on their fields (the admin's form shows them there)."""
        errors = {}
        if self.controlled_area_m2 is not None and self.controlled_area_m2 <= 0:
            errors["controlled_area_m2"] = ValidationError(MSG_FIGURES_AREA, code="not_positive")
        if self.seed_fund is not None and self.seed_fund < 0:
            errors["seed_fund"] = ValidationError(MSG_FIGURES_FUND, code="negative")
        if errors:
            raise ValidationError(errors)


class IncubationAgreement(CreatedByMixin, models.Model):
    """The incubation agreement (孵化协议) of an incubatee: kept for the tax exemptions
    (§2, "Tax") and the source of its incubation deadline, computed by
    ``services.incubation`` from the rule in force on ``starts_on`` and stored."""

    startup = belongs_to(Startup, _("startup"), "incubation_agreement", one=True)
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    rule = belongs_to(IncubationRule, _("rule applied"), "agreements", editable=False)
    incubation_deadline = models.DateField(_("incubation deadline"), editable=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["incubation_deadline", "id"]
        verbose_name = _("incubation agreement")
        verbose_name_plural = _("incubation agreements")
        constraints = [
            AGREEMENT_ENDS.constraint,
            rules.ends_after(
                "incubation_agreement_deadline_after_start",
                "incubation_deadline",
                "starts_on",
                message=_("The incubation deadline comes after the start."),
                open_ended=False,
                same_day=False,
            ),
        ]
        # the list's default order (deadline soonest first), read off the index
        indexes = [models.Index(fields=ordering, name="incubation_agreement_list_idx")]

    def __str__(self) -> str:
        return f"{self.startup} · {self.starts_on} – {self.incubation_deadline}"

    def clean(self) -> None:
        rules.refuse(self, AGREEMENT_ENDS)


class GraduationBasis(models.TextChoices):
    """The four graduate tests (§1.2); any one suffices."""

    HIGH_TECH_ENTERPRISE = "high_tech_enterprise", _("national 高新技术企业")
    VC_OVER_5M = "vc_over_5m", _("angel/VC money above the threshold")
    REVENUE_OVER_10M_2Y = "revenue_over_10m_2y", _("revenue above the threshold over two years")
    ACQUIRED_OR_LISTED = "acquired_or_listed", _("merged, acquired, listed or quoted")


class Graduation(models.Model):
    """A startup's graduation: the day, the tests it met (one or more) and the evidence.
    ``services.incubation.startup_graduate`` writes it with the startup's status, and refuses
    a basis the recorded data contradicts."""

    startup = belongs_to(Startup, _("startup"), "graduation", one=True)
    graduated_on = models.DateField(_("graduated on"))
    basis_high_tech_enterprise = models.BooleanField(_("national 高新技术企业"), default=False)
    basis_vc_over_5m = models.BooleanField(_("angel/VC money above the threshold"), default=False)
    basis_revenue_over_10m_2y = models.BooleanField(
        _("revenue above the threshold over two years"), default=False
    )
    basis_acquired_or_listed = models.BooleanField(
        _("merged, acquired, listed or quoted"), default=False
    )
    rule = belongs_to(IncubationRule, _("rule applied"), "graduations", editable=False)
    note = models.TextField(_("note / evidence"), blank=True)
    recorded_by = done_by(_("recorded by"), editable=False)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-graduated_on", "-id"]
        verbose_name = _("graduation")
        verbose_name_plural = _("graduations")
        indexes = [models.Index(fields=["graduated_on"], name="graduation_on")]
        constraints = [
            rules.check(
                "graduation_has_basis",
                Q(basis_high_tech_enterprise=True)
                | Q(basis_vc_over_5m=True)
                | Q(basis_revenue_over_10m_2y=True)
                | Q(basis_acquired_or_listed=True),
                message=_("A graduation names at least one basis."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.startup} · {self.graduated_on}"

    @property
    def basis(self) -> list[str]:
        return [code.value for code in GraduationBasis if getattr(self, f"basis_{code.value}")]


class Programme(models.TextChoices):
    """What a policy application is for (§3.5)."""

    TECH_SME = "tech_sme", _("科技型中小企业 (tech-based SME)")
    HIGH_TECH_ENTERPRISE = "high_tech_enterprise", _("高新技术企业 (high-tech enterprise)")
    INNOVATIVE_SME = "innovative_sme", _("创新型中小企业 (innovative SME)")
    SPECIALISED_SME = "specialised_sme", _("专精特新中小企业 (specialised SME)")
    LITTLE_GIANT = "little_giant", _("专精特新“小巨人” (little giant)")
    GRANT = "grant", _("grant or subsidy")
    OTHER = "other", _("other")


class PolicyLevel(models.TextChoices):
    NATIONAL = "national", _("national")
    MUNICIPAL = "municipal", _("Beijing municipal")
    ZHONGGUANCUN = "zhongguancun", _("中关村")
    DISTRICT = "district", _("Haidian district")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class PolicyApplication(CreatedByMixin, models.Model):
    """A startup's application to a programme (a certification such as 高新技术企业, or a
    grant): its level, status, certificate and validity, and the money granted and
    received."""

    startup = belongs_to(Startup, _("startup"), "policy_applications")
    programme = models.CharField(_("programme"), max_length=32, choices=Programme.choices)
    programme_name = models.CharField(
        _("programme name"), max_length=200, blank=True, help_text=_("As the call names it.")
    )
    policy_code = models.CharField(
        _("document number"), max_length=100, blank=True, help_text=_("e.g. 京科发〔2022〕19号")
    )
    level = models.CharField(_("level"), max_length=16, choices=PolicyLevel.choices)
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    amount_granted = models.DecimalField(_("amount granted (yuan)"), default=0, **MONEY)
    amount_received = models.DecimalField(_("amount received (yuan)"), default=0, **MONEY)
    helped_by = done_by(_("staff who helped"))
    is_illustrative = illustrative()
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("policy application")
        verbose_name_plural = _("policy applications")
        indexes = [
            # "approved and valid on a day" (the 高企 / 专精特新 counts, the graduation check)
            models.Index(fields=["programme", "status", "valid_from"], name="policy_app_valid"),
            # the list's default order, newest first (read off the index, bar P8)
            models.Index(fields=ordering, name="policy_app_list_idx"),
        ]
        constraints = [
            rules.one_of(
                "policy_application_programme_valid",
                "programme",
                Programme,
                message=_("Unknown programme."),
            ),
            rules.one_of(
                "policy_application_level_valid", "level", PolicyLevel, message=_("Unknown level.")
            ),
            rules.one_of(
                "policy_application_status_valid",
                "status",
                ApplicationStatus,
                message=_("Unknown status."),
            ),
            rules.check(
                "policy_application_valid_to_after_from",
                Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                message=MSG_CERTIFICATE_ENDS,
            ),
            rules.non_negative(
                "policy_application_money_non_negative",
                "amount_granted",
                "amount_received",
                message=_("Amounts cannot be negative."),
            ),
            RECEIVED_WITHIN_GRANTED.constraint,
            rules.check(
                "policy_application_grant_needs_approval",
                Q(status="approved")
                | Q(amount_granted=0, certificate_number="", valid_from__isnull=True),
                message=_(
                    "Only an approved application has an amount granted, a certificate or a "
                    "validity."
                ),
            ),
            rules.check(
                "policy_application_applied_on_once_submitted",
                Q(status="draft") | Q(applied_on__isnull=False),
                message=MSG_APPLIED_ON,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.startup} · {self.get_programme_display()} · {self.get_status_display()}"

    def clean(self) -> None:
        """The constraints' rules, each on the field to correct (the admin's form and the
        services show it there; ``full_clean`` then skips the constraint on that field)."""
        errors = {}
        if self.status != ApplicationStatus.DRAFT and self.applied_on is None:
            errors["applied_on"] = ValidationError(MSG_APPLIED_ON, code="required")
        if self.status != ApplicationStatus.APPROVED:
            for name, empty in (
                ("amount_granted", 0),
                ("certificate_number", ""),
                ("valid_from", None),
                ("valid_to", None),
            ):
                if getattr(self, name) not in (empty, None):
                    errors[name] = ValidationError(
                        _(
                            "Only an approved application has an amount granted, a "
                            "certificate or a validity."
                        ),
                        code="needs_approval",
                    )
        errors |= rules.ends_before_start(self, "valid_to", "valid_from", MSG_CERTIFICATE_ENDS)
        errors |= RECEIVED_WITHIN_GRANTED.errors(self)
        if errors:
            raise ValidationError(errors)


class IntroChannel(models.TextChoices):
    ROADSHOW = "roadshow", _("roadshow")
    ONE_TO_ONE = "one_to_one", _("one-to-one meeting")
    EVENT = "event", _("event")
    OTHER = "other", _("other")


class IntroOutcome(models.TextChoices):
    PENDING = "pending", _("pending")
    DECLINED = "declined", _("declined")
    TERM_SHEET = "term_sheet", _("term sheet")
    INVESTED = "invested", _("invested")


class FinancingIntroduction(CreatedByMixin, models.Model):
    """The incubator introducing a startup to an investor: the channel, the outcome and, when
    it led to money, the round (which proves the incubator's role)."""

    startup = belongs_to(Startup, _("startup"), "financing_introductions")
    investor = belongs_to(Investor, _("investor"), "introductions")
    introduced_on = models.DateField(_("introduced on"))
    channel = models.CharField(_("channel"), max_length=16, choices=IntroChannel.choices)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=IntroOutcome.choices, default=IntroOutcome.PENDING
    )
    funding_round = belongs_to(
        FundingRound, _("round it led to"), "introductions", null=True, blank=True
    )
    is_illustrative = illustrative()
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-introduced_on", "-id"]
        verbose_name = _("financing introduction")
        verbose_name_plural = _("financing introductions")
        # the list's default order (read off the index, bar P8) and the date filters
        indexes = [models.Index(fields=ordering, name="financing_intro_list_idx")]
        constraints = [
            rules.one_of(
                "financing_intro_channel_valid",
                "channel",
                IntroChannel,
                message=_("Unknown channel."),
            ),
            rules.one_of(
                "financing_intro_outcome_valid",
                "outcome",
                IntroOutcome,
                message=_("Unknown outcome."),
            ),
            rules.check(
                "financing_intro_round_needs_invested",
                Q(funding_round__isnull=True) | Q(outcome="invested"),
                message=MSG_ROUND_NEEDS_INVESTED,
            ),
            rules.unique(
                "financing_intro_unique",
                "startup",
                "investor",
                "introduced_on",
                message=_("This startup was already introduced to this investor on this day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.startup} → {self.investor} · {self.introduced_on}"

    def clean(self) -> None:
        """The round an introduction led to, checked on ``funding_round``: only with the
        outcome *invested*, one of the startup's rounds, closed on or after the introduction,
        with the investor in it (as lead or participant)."""
        round_ = self.funding_round
        if round_ is None:
            return
        if self.outcome != IntroOutcome.INVESTED:
            message = MSG_ROUND_NEEDS_INVESTED
            code = "needs_invested"
        elif self.startup_id is not None and round_.startup_id != self.startup_id:
            message, code = _("The round must be one of this startup's rounds."), "other_startup"
        elif self.introduced_on is not None and round_.closed_on < self.introduced_on:
            message = _("The round closed before the introduction.")
            code = "before_introduction"
        elif self.investor_id is not None and not (
            round_.lead_investor_id == self.investor_id
            or round_.participations.filter(investor_id=self.investor_id).exists()
        ):
            message = _(
                "The investor introduced is not among this round's investors (lead or participant)."
            )
            code = "investor_absent"
        else:
            return
        raise ValidationError({"funding_round": ValidationError(message, code=code)})
