"""Serializers of the reporting API: explicit fields, small Brief* serializers for nesting.

The startups' and funding rounds' fields are their row specs' (``portfolio.models.specs``),
built by ``RowSerializer``; their lists read the same rows faster through ``api/rows.py``.

Reads serialize rows the selectors already joined; writes validate input here and hand it
to the services (or to ``full_clean`` + ``save`` for rows that carry no rule beyond their
own fields), so the API and the admin obey the same rules.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from portfolio import models, selectors, services
from portfolio.api import rows
from portfolio.api.rows import date_text, money_text, ratio_text, text
from portfolio.models import specs
from portfolio.models.choices import Population, StartupStatus, TechArea
from portfolio.models.incubation import GraduationBasis
from portfolio.selectors.incubation import UNKNOWN

CURRENCY = rows.CURRENCY_CODE
MAX_ID = 2**63 - 1


def money(**kwargs) -> serializers.DecimalField:
    """Yuan as a decimal string with two places: ``"300000000.00"``."""
    return serializers.DecimalField(max_digits=18, decimal_places=2, **kwargs)


def area(**kwargs) -> serializers.DecimalField:
    """Square metres as a decimal string with two places: ``"1250.00"``."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def population_param(help_text: str) -> serializers.ChoiceField:
    """The ``population`` query parameter: whose figures a report counts (default: the
    incubator's)."""
    return serializers.ChoiceField(
        choices=Population.choices, default=Population.INCUBATOR, help_text=help_text
    )


#: the options of an input in yuan (two places, not negative) and of an optional free text
MONEY = {"max_digits": 16, "decimal_places": 2, "min_value": 0}
TEXT = {"required": False, "allow_blank": True, "max_length": 5000}


def note_field(**kwargs) -> serializers.CharField:
    """A row's optional free-text note (empty when absent)."""
    return serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000, **kwargs
    )


def ratio(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=20, decimal_places=4, allow_null=True, read_only=True, **kwargs
    )


# A write serializer whose POST is one service: ``service`` (a ``portfolio.services``
# function) is called with the validated fields and ``by``, the requesting user, and returns
# the row it wrote; its refusals are field-named 400s (``api.exceptions``). (A comment, not a
# docstring: the OpenAPI schema would show a docstring as every subclass's description.)
class WrittenBy:
    service: Callable[..., Model]

    def create(self, validated_data):
        return type(self).service(by=self.context["request"].user, **validated_data)


@extend_schema_field({"type": "string", "enum": [CURRENCY], "readOnly": True})
class CurrencyField(serializers.Field):
    """The constant ``"CNY"`` on every row that carries money."""

    values_constant = CURRENCY  # ``plain.values_rows`` writes it without reading the row

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return CURRENCY


class IdField(serializers.PrimaryKeyRelatedField):
    """A foreign key given by id; out-of-range ids are refused before reaching the database."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            number = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= number <= MAX_ID or str(data).strip() != str(number):
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(number)


class StageSlugField(serializers.SlugRelatedField):
    """A stage by its slug; text that no slug can be (NUL, non-text, too long) is refused here,
    before it reaches the database (PostgreSQL refuses NUL bytes in a query)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", queryset=models.Stage.objects.all(), **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data or len(data) > 100:
            self.fail("invalid")
        return super().to_internal_value(data)


def save_clean(instance):
    """Validate a rule-less row like the admin's ModelForm does, then save it."""
    instance.full_clean()
    instance.save()
    return instance


# --- brief nested rows -----------------------------------------------------------------------


_BRIEFS: dict[type, type[serializers.ModelSerializer]] = {}


def brief(model, fields: tuple[str, ...] = specs.BRIEF) -> type[serializers.ModelSerializer]:
    """``Brief<Model>Serializer``: a related row nested in another, one class per model (so
    the schema has one component for it)."""
    serializer = _BRIEFS.get(model)
    if serializer is None:
        meta = type("Meta", (), {"model": model, "fields": list(fields)})
        name = f"Brief{model.__name__}Serializer"
        attrs = {"Meta": meta, "__module__": __name__, "__qualname__": name}
        serializer = _BRIEFS[model] = type(name, (serializers.ModelSerializer,), attrs)
    elif serializer.Meta.fields != list(fields):
        raise ImproperlyConfigured(f"{model.__name__}: one brief row, not two")
    return serializer


BriefStageSerializer = brief(models.Stage, specs.STAGE_BRIEF)
BriefInstitutionSerializer = brief(models.Institution)
BriefStartupSerializer = brief(models.Startup)
BriefInvestorSerializer = brief(models.Investor)
BriefFundSerializer = brief(models.Fund)


# --- institutions, stages, investors ---------------------------------------------------------


class InstitutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Institution
        fields = ["id", "name", "name_en", "short_name", "kind", "city"]

    def create(self, validated_data):
        return save_clean(models.Institution(**validated_data))


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Stage
        fields = [
            "id",
            "slug",
            "name",
            "name_en",
            "order",
            "trl_min",
            "trl_max",
            "in_valley",
            "outcome",
            "description",
        ]


class InvestorSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Investor
        fields = ["id", "name", "name_en", "kind"]

    def create(self, validated_data):
        return save_clean(models.Investor(**validated_data))


# --- startups --------------------------------------------------------------------------------


class FlagField(serializers.BooleanField):
    """True when its source is set: ``crossed_valley`` from ``crossed_valley_on``."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance) -> bool:
        return super().get_attribute(instance) is not None


@extend_schema_field(
    {
        "type": "string",
        "enum": [Population.INCUBATOR.value, Population.TRACKED.value],
        "readOnly": True,
    }
)
class PopulationField(serializers.Field):
    """``"incubator"`` when the startup was admitted (its source, the admission date, is
    set), else ``"tracked"``: whose figures the row's are (domain.md, "Populations")."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance) -> str:
        # the text here, not in to_representation: DRF renders a None attribute as null
        return rows.population_text(super().get_attribute(instance))

    def to_representation(self, value) -> str:
        return value


class ReadRow(serializers.ModelSerializer):
    # A row as read: every field of ``Meta.fields`` read-only, without a ``read_only_fields``
    # that repeats the list. (No docstring: the schema would show it on every subclass.)

    def get_extra_kwargs(self):
        extra = super().get_extra_kwargs()
        for name in self.Meta.fields:
            extra[name] = {**extra.get(name, {}), "read_only": True}
        return extra


class FundRow(ReadRow):
    # A fund's money row as read: its fund in brief and the currency of its money. (No
    # docstring: the schema would show it on every subclass.)

    fund = BriefFundSerializer(read_only=True)
    currency = CurrencyField()


class StartupRecord(ReadRow):
    # A row the incubator records about a startup (a lease, a booking, an agreement, ...):
    # the startup's name beside its id, and the user who recorded it (null once that user
    # is deleted). (No docstring: the schema would show it on every subclass.)

    startup_name = serializers.CharField(source="startup.name", read_only=True)
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)


class FundRowInput(WrittenBy, serializers.Serializer):
    # The input of a fund's money row, written by ``service``: the fund first, by id. (No
    # docstring: the schema would show it on every subclass without one.)

    fund = IdField(queryset=models.Fund.objects.all())


class RowSerializer(ReadRow):
    # A serializer of a ``RowSpec``'s rows: ``Meta.fields`` name its columns; the model's own
    # fields are built as ModelSerializer builds them, the others from their kind here. The
    # big lists read these rows through ``portfolio.api.rows`` instead (bars P2, P4). (No
    # docstring: the schema would show it on every subclass.)

    # A subclass names its ``row``, and the columns it leaves out of the row's list columns
    # (``left_out``); its ``Meta`` (model and fields) follows from them unless it
    # declares one (the startup's detail).

    row: specs.RowSpec
    left_out: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "Meta" in cls.__dict__:
            return
        names = [name for name in cls.row.list_names if name not in cls.left_out]
        cls.Meta = type("Meta", (), {"model": cls.row.model, "fields": names})

    def build_field(self, field_name, info, model_class, nested_depth):
        column = self.row.get(field_name)
        kind = column.kind if column is not None else None
        if kind == specs.OBJECT:
            model_field = self.row.model_field(field_name)
            related = brief(model_field.related_model, column.fields)
            return related, {"read_only": True, "allow_null": model_field.null}
        if kind == specs.PARTICIPANTS:
            return ParticipantSerializer, {"source": column.source, "many": True}
        if kind == specs.CURRENCY:
            return CurrencyField, {}
        if kind == specs.FLAG:
            return FlagField, {"source": column.source}
        if kind == specs.POPULATION:
            return PopulationField, {"source": column.source}
        if kind == specs.TEXT and column.source:  # a related row's text, null without it
            source = column.source.replace("__", ".")
            return serializers.CharField, {"source": source, "allow_null": True, "read_only": True}
        if column is not None and self.row.model_field(field_name) is None:  # annotations
            if kind == specs.MONEY:
                return serializers.DecimalField, {"max_digits": 18, "decimal_places": 2}
            if kind == specs.DATE:
                return serializers.DateField, {"allow_null": True}
        return super().build_field(field_name, info, model_class, nested_depth)


class StartupSerializer(RowSerializer):
    """A row of the startups list (from ``selectors.startup_list``)."""

    row = specs.STARTUP


class StageTransitionSerializer(ReadRow):
    startup = BriefStartupSerializer(read_only=True)
    from_stage = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    to_stage = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = models.StageTransition
        fields = ["id", "startup", "from_stage", "to_stage", "on", "trl", "note", "recorded_at"]


class HistoryTransitionSerializer(ReadRow):
    from_stage = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    to_stage = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = models.StageTransition
        fields = ["id", "from_stage", "to_stage", "on", "trl", "note"]


class StartupRoundSerializer(RowSerializer):
    row = specs.FUNDING_ROUND  # the list's row less the startup, participants and note
    left_out = ("startup", "participants", "note")


class StartupMilestoneSerializer(ReadRow):
    class Meta:
        model = models.Milestone
        fields = ["id", "kind", "achieved_on", "title", "description", "is_illustrative"]


class KpiFiguresSerializer(ReadRow):
    currency = CurrencyField()

    class Meta:
        model = models.KpiReport
        fields = ["id", *specs.KPI_FIGURES]


class EligibilitySerializer(serializers.Serializer):
    """One admission rule (``incubator-ops.md`` §1.1) and what the recorded data says of it."""

    rule = serializers.ChoiceField(
        choices=selectors.incubation.ELIGIBILITY_RULES,
        help_text=_(
            "age_at_entry, registered_in_incubator, premises_in_incubator, tech_sme (the "
            "last three only when the rule in force requires them)."
        ),
    )
    status = serializers.ChoiceField(
        choices=[selectors.incubation.MET, selectors.incubation.FAILED, UNKNOWN],
        help_text=_("unknown: the data to judge it is not recorded."),
    )


class StartupDetailSerializer(StartupSerializer):
    """The startups detail: the list row plus its history, rounds, milestones and KPIs."""

    stage_history = HistoryTransitionSerializer(source="transitions", many=True, read_only=True)
    funding_rounds = StartupRoundSerializer(many=True, read_only=True)
    milestones = StartupMilestoneSerializer(many=True, read_only=True)
    latest_kpis = serializers.SerializerMethodField()
    eligibility = serializers.SerializerMethodField(
        help_text=_(
            "The admission rules under the incubation rule in force on admitted_on (today "
            "when not admitted)."
        )
    )

    class Meta(StartupSerializer.Meta):
        fields = [
            *specs.STARTUP.detail_names,
            "stage_history",
            "funding_rounds",
            "milestones",
            "latest_kpis",
            "eligibility",
        ]

    @extend_schema_field(EligibilitySerializer(many=True))
    def get_eligibility(self, obj):
        # one query: the rule in force (the detail only; the list rows never carry it)
        rows = selectors.incubation.eligibility(obj, today=services.common.today())
        return [{"rule": row.rule, "status": row.status} for row in rows]

    @extend_schema_field(KpiFiguresSerializer(allow_null=True))
    def get_latest_kpis(self, obj):
        # kpi_reports are prefetched newest first (selectors.startup_detail).
        reports = list(obj.kpi_reports.all())
        return KpiFiguresSerializer(reports[0]).data if reports else None


class StartupCreateSerializer(WrittenBy, serializers.ModelSerializer):
    """Input of ``POST /startups/``: the startup enters ``stage`` on ``entered_on``."""

    stage = StageSlugField(
        required=False,
        help_text=_("The stage it starts in (a slug); default: the first pipeline stage."),
    )
    institution = IdField(
        queryset=models.Institution.objects.all(), allow_null=True, required=False
    )
    entered_on = serializers.DateField(
        required=False, help_text=_("When it entered the stage; default: admitted_on or today.")
    )
    trl = serializers.IntegerField(
        min_value=1,
        max_value=9,
        required=False,
        help_text=_("Within the stage's TRL range; default: the stage's lowest TRL."),
    )

    class Meta:
        model = models.Startup
        fields = [*specs.STARTUP.writable(create=True), "entered_on"]

    service = services.startup_create


class StartupUpdateSerializer(serializers.ModelSerializer):
    """Input of ``PATCH /startups/{id}/``. Stage moves go through ``advance``."""

    institution = IdField(
        queryset=models.Institution.objects.all(), allow_null=True, required=False
    )
    status = serializers.ChoiceField(
        choices=[StartupStatus.ACTIVE, StartupStatus.GRADUATED],
        required=False,
        help_text=_("Exited and closed follow from a move to a terminal stage."),
    )

    class Meta:
        model = models.Startup
        fields = specs.STARTUP.writable(create=False)

    def update(self, instance, validated_data):
        return services.startup_update(startup=instance, **validated_data)


class GraduateSerializer(serializers.Serializer):
    """Input of ``POST /startups/{id}/graduate/`` (``services.startup_graduate``)."""

    on = serializers.DateField(help_text=_("Not before admission, not in the future."))
    basis = serializers.ListField(
        child=serializers.ChoiceField(choices=GraduationBasis.choices),
        min_length=1,
        max_length=4,
        help_text=_(
            "One or more graduation tests; a test the recorded data contradicts is a 400 "
            "naming basis."
        ),
    )
    note = note_field(help_text=_("Evidence."))


class AdvanceSerializer(serializers.Serializer):
    """Input of ``POST /startups/{id}/advance/``."""

    to_stage = StageSlugField()
    on = serializers.DateField()
    trl = serializers.IntegerField(min_value=1, max_value=9)
    note = note_field()


# --- milestones, KPI reports ----------------------------------------------------------------


class MilestoneSerializer(serializers.ModelSerializer):
    startup = IdField(queryset=models.Startup.objects.all())
    startup_name = serializers.CharField(source="startup.name", read_only=True)

    class Meta:
        model = models.Milestone
        fields = [
            "id",
            "startup",
            "startup_name",
            "kind",
            "achieved_on",
            "title",
            "description",
            "is_illustrative",
            "verified_on",
        ]

    def create(self, validated_data):
        return save_clean(models.Milestone(**validated_data))


class MilestoneVerifySerializer(serializers.Serializer):
    """Input of ``POST /milestones/{id}/verify/``: the date of the verification."""

    verified_on = serializers.DateField()


class KpiReportSerializer(serializers.ModelSerializer):
    startup = IdField(queryset=models.Startup.objects.all())
    startup_name = serializers.CharField(source="startup.name", read_only=True)
    currency = CurrencyField()

    class Meta:
        model = models.KpiReport
        fields = ["id", "startup", "startup_name", *specs.KPI_FIGURES]
        validators = []  # the (startup, year, quarter) rule is checked by full_clean
        # The model's "not negative" constraint names no field; refuse here, by field.
        extra_kwargs = {
            name: {"min_value": 0}
            for name in ("revenue", "rd_spend", "cash", "runway_months", "taxes_paid")
        }

    def create(self, validated_data):
        return save_clean(models.KpiReport(**validated_data))


# --- funding rounds --------------------------------------------------------------------------


class ParticipantSerializer(ReadRow):
    investor = BriefInvestorSerializer(read_only=True)

    class Meta:
        model = models.Participation
        fields = ["investor", "amount"]

    @staticmethod
    def export_text(item: dict) -> str:
        """One participant in a spreadsheet cell: ``name: amount``."""
        name = item["investor"]["name"]
        return f"{name}: {item['amount']}" if item.get("amount") else name


class FundingRoundSerializer(RowSerializer):
    row = specs.FUNDING_ROUND  # rows of ``selectors.funding_round_list``


class ParticipantInputSerializer(serializers.Serializer):
    investor = IdField(queryset=models.Investor.objects.all())
    amount = money(required=False, allow_null=True, min_value=0)


class FundingRoundCreateSerializer(serializers.ModelSerializer):
    """Input of ``POST /funding-rounds/``, recorded by ``round_record`` all or nothing."""

    startup = IdField(queryset=models.Startup.objects.all())
    lead_investor = IdField(queryset=models.Investor.objects.all(), allow_null=True, required=False)
    participants = ParticipantInputSerializer(many=True, required=False)
    amount = money(required=False, allow_null=True, min_value=0)
    pre_money_valuation = money(required=False, allow_null=True, min_value=0)

    class Meta:
        model = models.FundingRound
        fields = specs.FUNDING_ROUND.writable(create=True)

    def create(self, validated_data):
        participants = [
            services.ParticipantInput(row["investor"], row.get("amount"))
            for row in validated_data.pop("participants", [])
        ]
        return services.round_record(participants=participants, **validated_data)


# --- the fund --------------------------------------------------------------------------------


class FundSerializer(ReadRow):
    currency = CurrencyField()

    class Meta:
        model = models.Fund
        fields = [
            "id",
            "name",
            "name_en",
            "size",
            "currency",
            "vintage_year",
            "manager",
            *specs.FUND_POLICY,
            *specs.FUND_LP_TERMS,
            *specs.FUND_POLICY_PACK,
            "is_illustrative",
            "illustrative_note",
        ]


class FundUpdateSerializer(serializers.ModelSerializer):
    """Input of ``PATCH /funds/{id}/`` (superusers: the size, limits and terms are what
    commitments are checked against), written by ``services.fund_update``."""

    target_tech_areas = serializers.ListField(
        child=serializers.ChoiceField(choices=TechArea.choices), required=False
    )

    class Meta:
        model = models.Fund
        fields = [*specs.FUND_DETAILS, *specs.FUND_TERMS]

    def update(self, instance, validated_data):
        return services.fund_update(
            fund=instance, by=self.context["request"].user, **validated_data
        )


class FundCreateSerializer(WrittenBy, FundUpdateSerializer):
    """Input of ``POST /funds/`` (superusers), written by ``services.fund_create``."""

    service = services.fund_create


class CommitmentSerializer(FundRow):
    startup = BriefStartupSerializer(read_only=True)

    class Meta:
        model = models.Commitment
        fields = [
            "id",
            "fund",
            "startup",
            "amount",
            "currency",
            "approved_on",
            "status",
            "registered_region",
            "is_illustrative",
            "note",
        ]


class CommitmentCreateSerializer(FundRowInput):
    """Input of ``POST /commitments/``, checked by ``commitment_create`` against the size."""

    startup = IdField(queryset=models.Startup.objects.all())
    amount = money(min_value=0)
    approved_on = serializers.DateField()
    note = note_field()

    service = services.commitment_create


class HoldingSerializer(serializers.Serializer):
    startup = serializers.IntegerField(source="startup_id")
    name = serializers.CharField()
    name_en = serializers.CharField()
    stage_slug = serializers.CharField()
    tech_area = serializers.CharField()
    committed = money()
    disbursed = money()
    fair_value = money()
    realized = money()
    currency = CurrencyField()
    moic = ratio()
    is_illustrative = serializers.BooleanField(
        help_text=_("Invented demo data: the startup or the fund's commitment to it.")
    )


class ComplianceSerializer(serializers.Serializer):
    rule = serializers.CharField()
    limit = serializers.CharField(allow_null=True)
    actual = serializers.CharField(allow_null=True)
    ok = serializers.BooleanField()


#: the fund report's deprecated keys and the gross figure each repeats (one more release)
DEPRECATED_GROSS_KEYS = {
    "tvpi": "gross_moic",
    "dpi": "gross_dpi",
    "rvpi": "gross_rvpi",
    "irr": "gross_irr",
}
#: the gross figures, in the order of the report
GROSS_KEYS = list(DEPRECATED_GROSS_KEYS.values())
#: the fund report's money figures (yuan), in its order, after the date
FUND_MONEY = (
    "size",
    "committed",
    "disbursed",
    "undisbursed",
    "available",
    "realized",
    "unrealized",
)


def insert_after(fields: dict, name: str, more: dict) -> dict:
    """``fields`` with ``more`` right after the field ``name``."""
    items = list(fields.items())
    at = list(fields).index(name) + 1
    return dict(items[:at] + list(more.items()) + items[at:])


def deprecated_gross(new: str):
    return ratio(
        help_text=_(
            "Deprecated: the same figure as %(new)s, a gross figure on the cash paid into "
            "companies (not the LPs' net figure). Removed in the next release."
        )
        % {"new": new}
    )


@extend_schema_serializer(deprecate_fields=list(DEPRECATED_GROSS_KEYS))
class FundReportSerializer(serializers.Serializer):
    fund = serializers.SerializerMethodField()
    as_of = serializers.DateField()
    currency = CurrencyField()
    moic = ratio()
    gross_moic = ratio(help_text=_("Gross multiple: (realized + unrealized) / disbursed."))
    gross_dpi = ratio(help_text=_("Gross realized multiple: realized / disbursed."))
    gross_rvpi = ratio(help_text=_("Gross unrealized multiple: unrealized / disbursed."))
    gross_irr = ratio(
        help_text=_(
            "Gross IRR: XIRR of the fund's payments into companies and the proceeds back, "
            "with the fair value at the report date."
        )
    )
    companies = serializers.IntegerField()
    is_illustrative = serializers.BooleanField(
        help_text=_("Some of the fund's terms are invented demo settings (see the fund).")
    )
    compliance = ComplianceSerializer(many=True)

    def get_fields(self):
        # the money figures (``FUND_MONEY``) after the date, and each deprecated key
        # (``DEPRECATED_GROSS_KEYS``) after the gross figures
        fields = insert_after(super().get_fields(), "as_of", {f: money() for f in FUND_MONEY})
        deprecated = {old: deprecated_gross(new) for old, new in DEPRECATED_GROSS_KEYS.items()}
        return insert_after(fields, GROSS_KEYS[-1], deprecated)

    @extend_schema_field(BriefFundSerializer)
    def get_fund(self, report) -> dict:
        return BriefFundSerializer(report.fund).data

    def to_representation(self, report) -> dict:
        """The declared fields in one plain function (DRF's per-field path cost as much as
        the report's SQL; bar P5). ``tests/api/test_fast_rows.py`` compares the two."""
        fund = report.fund
        gross = {name: ratio_text(getattr(report, name)) for name in GROSS_KEYS}
        return {
            "fund": {"id": fund.id, "name": text(fund.name)},
            "as_of": date_text(report.as_of),
            **{name: money_text(getattr(report, name)) for name in FUND_MONEY},
            "currency": CURRENCY,
            "moic": ratio_text(report.moic),
            **gross,
            **{old: gross[new] for old, new in DEPRECATED_GROSS_KEYS.items()},
            "companies": report.companies,
            "is_illustrative": bool(fund.is_illustrative),
            "compliance": [
                {
                    "rule": text(check.rule),
                    "limit": text(check.limit),
                    "actual": text(check.actual),
                    "ok": bool(check.ok),
                }
                for check in report.compliance
            ],
        }


class PipelineStageSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    order = serializers.IntegerField()
    in_valley = serializers.BooleanField()
    outcome = serializers.CharField()
    count = serializers.IntegerField()
    entered = serializers.IntegerField()
    advanced = serializers.IntegerField()
    conversion = ratio()
    stays = serializers.IntegerField(help_text=_("Stays in the stage, ended or not by the date."))
    still_in_stage = serializers.IntegerField(
        help_text=_("Stays not ended by the date (censored).")
    )
    median_days = serializers.IntegerField(
        allow_null=True,
        help_text=_("Kaplan-Meier median stay in days; null when fewer than half have left."),
    )
    p25_days = serializers.IntegerField(allow_null=True)
    p75_days = serializers.IntegerField(allow_null=True)


class PipelineReportSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    population = serializers.ChoiceField(choices=Population.choices)
    stages = PipelineStageSerializer(many=True)
    crossed_valley = serializers.IntegerField()
    crossing_rate = ratio()
    total = serializers.IntegerField()
    filters = serializers.DictField()


# --- query parameters of the reports -------------------------------------------------------


class AsOfQuerySerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text=_("Report date; default today."))


class PipelineQuerySerializer(AsOfQuerySerializer):
    population = population_param(
        _(
            "Whose figures: incubator (admitted startups, the default), tracked (companies "
            "followed but not admitted) or all."
        )
    )
    tech_area = serializers.ChoiceField(
        choices=models.Startup._meta.get_field("tech_area").choices, required=False
    )
    institution = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    cohort = serializers.IntegerField(
        min_value=1900, max_value=2100, required=False, help_text=_("Admission year.")
    )


class ValleyQuerySerializer(PipelineQuerySerializer):
    fund = IdField(
        queryset=models.Fund.objects.all(),
        required=False,
        help_text=_("Backed means by this fund's commitments (default: any fund's)."),
    )


class CurvePointSerializer(serializers.Serializer):
    day = serializers.IntegerField()
    survival = ratio(help_text=_("Share still in the valley after this many days."))


class ValleyGroupSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=["all", "fund_backed", "not_backed"])
    stays = serializers.IntegerField()
    crossed = serializers.IntegerField()
    exited = serializers.IntegerField()
    closed = serializers.IntegerField()
    censored = serializers.IntegerField()
    median_days = serializers.IntegerField(allow_null=True)
    p25_days = serializers.IntegerField(allow_null=True)
    p75_days = serializers.IntegerField(allow_null=True)
    curve = CurvePointSerializer(many=True)


class StageRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class LastKpiSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    cash = money()
    runway_months = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class StuckSerializer(serializers.Serializer):
    startup = BriefStartupSerializer()
    stage = StageRefSerializer()
    days_in_valley = serializers.IntegerField()
    backed = serializers.BooleanField()
    last_kpi = LastKpiSerializer(allow_null=True)


class ValleyReportSerializer(serializers.Serializer):
    """Declared for the schema; ``to_representation`` writes the same fields in one plain
    function (the report's rows are plain dataclasses)."""

    as_of = serializers.DateField()
    population = serializers.ChoiceField(choices=Population.choices)
    groups = ValleyGroupSerializer(many=True)
    stuck = StuckSerializer(many=True)

    def to_representation(self, report) -> dict:
        return {
            "as_of": date_text(report.as_of),
            "population": str(report.population),
            "groups": [
                {
                    "key": group.key,
                    "stays": group.stays,
                    "crossed": group.crossed,
                    "exited": group.exited,
                    "closed": group.closed,
                    "censored": group.censored,
                    "median_days": group.survival.median,
                    "p25_days": group.survival.p25,
                    "p75_days": group.survival.p75,
                    "curve": [
                        {"day": point.day, "survival": ratio_text(point.survival)}
                        for point in group.survival.curve
                    ],
                }
                for group in report.groups
            ],
            "stuck": [
                {
                    "startup": {"id": row.startup_id, "name": text(row.name)},
                    "stage": {"slug": row.stage.slug, "name": text(row.stage.name)},
                    "days_in_valley": row.days_in_valley,
                    "backed": row.backed,
                    "last_kpi": None
                    if row.last_kpi is None
                    else {
                        "year": row.last_kpi.year,
                        "quarter": row.last_kpi.quarter,
                        "cash": money_text(row.last_kpi.cash),
                        "runway_months": None
                        if row.last_kpi.runway_months is None
                        else str(row.last_kpi.runway_months),
                    },
                }
                for row in report.stuck
            ],
        }


def django_errors(exc: DjangoValidationError) -> dict | list:
    """A Django ValidationError as DRF-style detail: field-keyed where possible."""
    if hasattr(exc, "error_dict"):
        return {
            (field if field != "__all__" else "non_field_errors"): [str(m) for m in messages]
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}
