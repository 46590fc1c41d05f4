"""Serializers of the reporting API: explicit fields, small Brief* serializers for nesting.

Reads serialize rows the selectors already joined; writes validate input here and hand it
to the services (or to ``full_clean`` + ``save`` for rows that carry no rule beyond their
own fields), so the API and the admin obey the same rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portfolio import selectors, services
from portfolio.models import (
    Commitment,
    Fund,
    FundingRound,
    Institution,
    Investor,
    KpiReport,
    Milestone,
    Participation,
    Stage,
    StageTransition,
    Startup,
)
from portfolio.models.choices import StartupStatus

CURRENCY = "CNY"
MAX_ID = 2**63 - 1


# --- fast read paths -------------------------------------------------------------------------
# The big lists (startups, funding rounds; 500 rows a page, every row in an export) build
# their rows in one plain function each instead of DRF's per-field machinery, which costs
# ~5x the time of fetching the rows (bar P2, docs/benchmark-notes.md). The output is the same
# as the declared fields give (tests/api/test_fast_rows.py compares the two, nulls included).

CENT = Decimal("0.01")
RATIO = Decimal("0.0001")


def _decimal_text(value, places: Decimal) -> str | None:
    """As DRF's DecimalField renders: quantized to ``places``, a plain decimal string."""
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(str(value).strip())
    return f"{value.quantize(places):f}"


def money_text(value) -> str | None:
    """As ``money()`` renders: two places."""
    return _decimal_text(value, CENT)


def ratio_text(value) -> str | None:
    """As ``ratio()`` renders: four places."""
    return _decimal_text(value, RATIO)


def _date(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


def _text(value) -> str | None:
    return None if value is None else str(value)


def _brief(obj) -> dict | None:
    return None if obj is None else {"id": obj.id, "name": _text(obj.name)}


def money(**kwargs) -> serializers.DecimalField:
    """Yuan as a decimal string with two places: ``"300000000.00"``."""
    return serializers.DecimalField(max_digits=18, decimal_places=2, **kwargs)


def ratio(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=20, decimal_places=4, allow_null=True, read_only=True, **kwargs
    )


@extend_schema_field({"type": "string", "enum": [CURRENCY], "readOnly": True})
class CurrencyField(serializers.Field):
    """The constant ``"CNY"`` on every row that carries money."""

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
        super().__init__(slug_field="slug", queryset=Stage.objects.all(), **kwargs)

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


class BriefStageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = ["slug", "name", "name_en", "order", "in_valley"]


class BriefInstitutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = ["id", "name"]


class BriefStartupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Startup
        fields = ["id", "name"]


class BriefInvestorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Investor
        fields = ["id", "name"]


class BriefFundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Fund
        fields = ["id", "name"]


# --- institutions, stages, investors ---------------------------------------------------------


class InstitutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = ["id", "name", "name_en", "short_name", "kind", "city"]

    def create(self, validated_data):
        return save_clean(Institution(**validated_data))


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stage
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
        model = Investor
        fields = ["id", "name", "name_en", "kind"]

    def create(self, validated_data):
        return save_clean(Investor(**validated_data))


# --- startups --------------------------------------------------------------------------------


class StartupSerializer(serializers.ModelSerializer):
    """A row of the startups list (from ``selectors.startup_list``)."""

    stage = BriefStageSerializer(read_only=True)
    institution = BriefInstitutionSerializer(read_only=True, allow_null=True)
    total_raised = money(read_only=True)
    currency = CurrencyField()
    last_round_on = serializers.DateField(read_only=True, allow_null=True)
    crossed_valley = serializers.SerializerMethodField()

    class Meta:
        model = Startup
        fields = [
            "id",
            "name",
            "name_en",
            "credit_code",
            "tech_area",
            "status",
            "stage",
            "stage_entered_on",
            "trl",
            "institution",
            "founded_on",
            "admitted_on",
            "registered_region",
            "headcount",
            "total_raised",
            "currency",
            "last_round_on",
            "crossed_valley",
            "crossed_valley_on",
        ]
        read_only_fields = fields

    def get_crossed_valley(self, obj) -> bool:
        return obj.crossed_valley_on is not None

    def to_representation(self, obj) -> dict:
        stage = obj.stage
        return {
            "id": obj.id,
            "name": _text(obj.name),
            "name_en": _text(obj.name_en),
            "credit_code": _text(obj.credit_code),
            "tech_area": _text(obj.tech_area),
            "status": _text(obj.status),
            "stage": None
            if stage is None
            else {
                "slug": _text(stage.slug),
                "name": _text(stage.name),
                "name_en": _text(stage.name_en),
                "order": stage.order,
                "in_valley": stage.in_valley,
            },
            "stage_entered_on": _date(obj.stage_entered_on),
            "trl": obj.trl,
            "institution": _brief(obj.institution),
            "founded_on": _date(obj.founded_on),
            "admitted_on": _date(obj.admitted_on),
            "registered_region": _text(obj.registered_region),
            "headcount": obj.headcount,
            "total_raised": money_text(obj.total_raised),
            "currency": CURRENCY,
            "last_round_on": _date(obj.last_round_on),
            "crossed_valley": obj.crossed_valley_on is not None,
            "crossed_valley_on": _date(obj.crossed_valley_on),
        }


STARTUP_ROW_COLUMNS = (
    "id",
    "name",
    "name_en",
    "credit_code",
    "tech_area",
    "status",
    "stage_id",
    "stage__slug",
    "stage__name",
    "stage__name_en",
    "stage__order",
    "stage__in_valley",
    "stage_entered_on",
    "trl",
    "institution_id",
    "institution__name",
    "founded_on",
    "admitted_on",
    "registered_region",
    "headcount",
    "total_raised",
    "last_round_on",
    "crossed_valley_on",
)


def startup_rows(queryset) -> list[dict]:
    """A page of ``selectors.startup_list()`` (filtered, ordered, sliced) as the rows
    ``StartupSerializer`` gives, read with ``values_list`` in the same one query."""
    rows = []
    for (
        pk,
        name,
        name_en,
        credit_code,
        tech_area,
        status,
        stage_id,
        stage_slug,
        stage_name,
        stage_name_en,
        stage_order,
        stage_in_valley,
        stage_entered_on,
        trl,
        institution_id,
        institution_name,
        founded_on,
        admitted_on,
        registered_region,
        headcount,
        total_raised,
        last_round_on,
        crossed_valley_on,
    ) in queryset.values_list(*STARTUP_ROW_COLUMNS):
        rows.append(
            {
                "id": pk,
                "name": _text(name),
                "name_en": _text(name_en),
                "credit_code": _text(credit_code),
                "tech_area": _text(tech_area),
                "status": _text(status),
                "stage": None
                if stage_id is None
                else {
                    "slug": _text(stage_slug),
                    "name": _text(stage_name),
                    "name_en": _text(stage_name_en),
                    "order": stage_order,
                    "in_valley": bool(stage_in_valley),
                },
                "stage_entered_on": _date(stage_entered_on),
                "trl": trl,
                "institution": None
                if institution_id is None
                else {"id": institution_id, "name": _text(institution_name)},
                "founded_on": _date(founded_on),
                "admitted_on": _date(admitted_on),
                "registered_region": _text(registered_region),
                "headcount": headcount,
                "total_raised": money_text(total_raised),
                "currency": CURRENCY,
                "last_round_on": _date(last_round_on),
                "crossed_valley": crossed_valley_on is not None,
                "crossed_valley_on": _date(crossed_valley_on),
            }
        )
    return rows


class StageTransitionSerializer(serializers.ModelSerializer):
    startup = BriefStartupSerializer(read_only=True)
    from_stage = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    to_stage = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = StageTransition
        fields = ["id", "startup", "from_stage", "to_stage", "on", "trl", "note", "recorded_at"]
        read_only_fields = fields


class HistoryTransitionSerializer(serializers.ModelSerializer):
    from_stage = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    to_stage = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = StageTransition
        fields = ["id", "from_stage", "to_stage", "on", "trl", "note"]
        read_only_fields = fields


class StartupRoundSerializer(serializers.ModelSerializer):
    lead_investor = BriefInvestorSerializer(read_only=True, allow_null=True)

    class Meta:
        model = FundingRound
        fields = [
            "id",
            "round_type",
            "closed_on",
            "amount",
            "amount_precision",
            "announced_as",
            "pre_money_valuation",
            "currency",
            "lead_investor",
        ]
        read_only_fields = fields


class StartupMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "kind", "achieved_on", "title", "description"]
        read_only_fields = fields


class KpiFiguresSerializer(serializers.ModelSerializer):
    currency = CurrencyField()

    class Meta:
        model = KpiReport
        fields = [
            "id",
            "year",
            "quarter",
            "revenue",
            "rd_spend",
            "currency",
            "headcount",
            "patents_filed",
            "patents_granted",
            "customers",
            "cash",
            "runway_months",
        ]
        read_only_fields = fields


class StartupDetailSerializer(StartupSerializer):
    """The startups detail: the list row plus its history, rounds, milestones and KPIs."""

    stage_history = HistoryTransitionSerializer(source="transitions", many=True, read_only=True)
    funding_rounds = StartupRoundSerializer(many=True, read_only=True)
    milestones = StartupMilestoneSerializer(many=True, read_only=True)
    latest_kpis = serializers.SerializerMethodField()

    class Meta(StartupSerializer.Meta):
        fields = [
            *StartupSerializer.Meta.fields,
            "founders",
            "location",
            "description",
            "website",
            "stage_history",
            "funding_rounds",
            "milestones",
            "latest_kpis",
        ]
        read_only_fields = fields

    # The detail is one row: DRF's declared fields, not the list's fast path.
    to_representation = serializers.ModelSerializer.to_representation

    @extend_schema_field(KpiFiguresSerializer(allow_null=True))
    def get_latest_kpis(self, obj):
        # kpi_reports are prefetched newest first (selectors.startup_detail).
        reports = list(obj.kpi_reports.all())
        return KpiFiguresSerializer(reports[0]).data if reports else None


STARTUP_EDITABLE = [
    "name",
    "name_en",
    "credit_code",
    "tech_area",
    "institution",
    "founders",
    "founded_on",
    "admitted_on",
    "registered_region",
    "location",
    "headcount",
    "description",
    "website",
]


class StartupCreateSerializer(serializers.ModelSerializer):
    """Input of ``POST /startups/``: the startup enters ``stage`` on ``entered_on``."""

    stage = StageSlugField()
    institution = IdField(queryset=Institution.objects.all(), allow_null=True, required=False)
    entered_on = serializers.DateField(
        required=False, help_text=_("When it entered the stage; default: admitted_on or today.")
    )
    trl = serializers.IntegerField(min_value=1, max_value=9)

    class Meta:
        model = Startup
        fields = [*STARTUP_EDITABLE, "stage", "trl", "entered_on"]

    def create(self, validated_data):
        return services.startup_create(by=self.context["request"].user, **validated_data)


class StartupUpdateSerializer(serializers.ModelSerializer):
    """Input of ``PATCH /startups/{id}/``. Stage moves go through ``advance``."""

    institution = IdField(queryset=Institution.objects.all(), allow_null=True, required=False)
    status = serializers.ChoiceField(
        choices=[StartupStatus.ACTIVE, StartupStatus.GRADUATED],
        required=False,
        help_text=_("Exited and closed follow from a move to a terminal stage."),
    )

    class Meta:
        model = Startup
        fields = [*STARTUP_EDITABLE, "status"]

    def update(self, instance, validated_data):
        return services.startup_update(startup=instance, **validated_data)


class AdvanceSerializer(serializers.Serializer):
    """Input of ``POST /startups/{id}/advance/``."""

    to_stage = StageSlugField()
    on = serializers.DateField()
    trl = serializers.IntegerField(min_value=1, max_value=9)
    note = serializers.CharField(required=False, allow_blank=True, default="")


# --- milestones, KPI reports ----------------------------------------------------------------


class MilestoneSerializer(serializers.ModelSerializer):
    startup = IdField(queryset=Startup.objects.all())
    startup_name = serializers.CharField(source="startup.name", read_only=True)

    class Meta:
        model = Milestone
        fields = ["id", "startup", "startup_name", "kind", "achieved_on", "title", "description"]

    def create(self, validated_data):
        return save_clean(Milestone(**validated_data))


class KpiReportSerializer(serializers.ModelSerializer):
    startup = IdField(queryset=Startup.objects.all())
    startup_name = serializers.CharField(source="startup.name", read_only=True)
    currency = CurrencyField()

    class Meta:
        model = KpiReport
        fields = [
            "id",
            "startup",
            "startup_name",
            "year",
            "quarter",
            "revenue",
            "rd_spend",
            "currency",
            "headcount",
            "patents_filed",
            "patents_granted",
            "customers",
            "cash",
            "runway_months",
        ]
        validators = []  # the (startup, year, quarter) rule is checked by full_clean
        # The model's "not negative" constraint names no field; refuse here, by field.
        extra_kwargs = {
            name: {"min_value": 0} for name in ("revenue", "rd_spend", "cash", "runway_months")
        }

    def create(self, validated_data):
        return save_clean(KpiReport(**validated_data))


# --- funding rounds --------------------------------------------------------------------------


class ParticipantSerializer(serializers.ModelSerializer):
    investor = BriefInvestorSerializer(read_only=True)

    class Meta:
        model = Participation
        fields = ["investor", "amount"]
        read_only_fields = fields

    @staticmethod
    def export_text(item: dict) -> str:
        """One participant in a spreadsheet cell: ``name: amount``."""
        name = item["investor"]["name"]
        return f"{name}: {item['amount']}" if item.get("amount") else name


class FundingRoundSerializer(serializers.ModelSerializer):
    startup = BriefStartupSerializer(read_only=True)
    lead_investor = BriefInvestorSerializer(read_only=True, allow_null=True)
    participants = ParticipantSerializer(source="listed_participations", many=True, read_only=True)

    class Meta:
        model = FundingRound
        fields = [
            "id",
            "startup",
            "round_type",
            "closed_on",
            "amount",
            "amount_precision",
            "announced_as",
            "pre_money_valuation",
            "currency",
            "lead_investor",
            "participants",
            "note",
        ]
        read_only_fields = fields

    def to_representation(self, obj) -> dict:
        return {
            "id": obj.id,
            "startup": _brief(obj.startup),
            "round_type": _text(obj.round_type),
            "closed_on": _date(obj.closed_on),
            "amount": money_text(obj.amount),
            "amount_precision": _text(obj.amount_precision),
            "announced_as": _text(obj.announced_as),
            "pre_money_valuation": money_text(obj.pre_money_valuation),
            "currency": _text(obj.currency),
            "lead_investor": _brief(obj.lead_investor),
            "participants": [
                {"investor": _brief(part.investor), "amount": money_text(part.amount)}
                for part in obj.listed_participations
            ],
            "note": _text(obj.note),
        }


ROUND_ROW_COLUMNS = (
    "id",
    "startup_id",
    "startup__name",
    "round_type",
    "closed_on",
    "amount",
    "amount_precision",
    "announced_as",
    "pre_money_valuation",
    "currency",
    "lead_investor_id",
    "lead_investor__name",
    "note",
)


def funding_round_rows(queryset) -> list[dict]:
    """A page of ``selectors.funding_round_list()`` (filtered, ordered, sliced) as the rows
    ``FundingRoundSerializer`` gives: one query for the rounds, one for their participants,
    as the prefetch does."""
    rounds = list(queryset.values_list(*ROUND_ROW_COLUMNS))
    participants = selectors.participant_rows([row[0] for row in rounds])
    rows = []
    for (
        pk,
        startup_id,
        startup_name,
        round_type,
        closed_on,
        amount,
        amount_precision,
        announced_as,
        pre_money_valuation,
        currency,
        lead_id,
        lead_name,
        note,
    ) in rounds:
        rows.append(
            {
                "id": pk,
                "startup": None
                if startup_id is None
                else {"id": startup_id, "name": _text(startup_name)},
                "round_type": _text(round_type),
                "closed_on": _date(closed_on),
                "amount": money_text(amount),
                "amount_precision": _text(amount_precision),
                "announced_as": _text(announced_as),
                "pre_money_valuation": money_text(pre_money_valuation),
                "currency": _text(currency),
                "lead_investor": None
                if lead_id is None
                else {"id": lead_id, "name": _text(lead_name)},
                "participants": [
                    {
                        "investor": {"id": investor_id, "name": _text(investor_name)},
                        "amount": money_text(part_amount),
                    }
                    for investor_id, investor_name, part_amount in participants.get(pk, ())
                ],
                "note": _text(note),
            }
        )
    return rows


def funding_round_export_rows(queryset, *, chunk_size: int = 2000) -> Iterator[list]:
    """Every round of ``selectors.funding_round_list()`` (filtered, ordered) as the export
    cells ``renderers.flatten`` makes of ``FundingRoundSerializer``'s rows, in its column
    order, without a model instance or a dict per row (bar P4: the CSV export of 100k rounds
    within 5x of the database's own CSV dump of the same query).

    One query, read in chunks (a server-side cursor on PostgreSQL), the participants
    already in their cell (``functions.ParticipantsText``); nothing is fetched until the
    first row is asked for."""
    rows = selectors.funding_round_export(queryset).values_list(
        *ROUND_ROW_COLUMNS, "participants_text"
    )
    for (
        pk,
        startup_id,
        startup_name,
        round_type,
        closed_on,
        amount,
        amount_precision,
        announced_as,
        pre_money_valuation,
        currency,
        lead_id,
        lead_name,
        note,
        participants,
    ) in rows.iterator(chunk_size=chunk_size):
        yield [
            pk,
            startup_id,
            _text(startup_name),
            _text(round_type),
            _date(closed_on),
            money_text(amount),
            _text(amount_precision),
            _text(announced_as),
            money_text(pre_money_valuation),
            _text(currency),
            lead_id,
            _text(lead_name),
            participants or "",
            _text(note),
        ]


class ParticipantInputSerializer(serializers.Serializer):
    investor = IdField(queryset=Investor.objects.all())
    amount = money(required=False, allow_null=True, min_value=0)


class FundingRoundCreateSerializer(serializers.ModelSerializer):
    """Input of ``POST /funding-rounds/``, recorded by ``round_record`` all or nothing."""

    startup = IdField(queryset=Startup.objects.all())
    lead_investor = IdField(queryset=Investor.objects.all(), allow_null=True, required=False)
    participants = ParticipantInputSerializer(many=True, required=False)
    amount = money(required=False, allow_null=True, min_value=0)
    pre_money_valuation = money(required=False, allow_null=True, min_value=0)

    class Meta:
        model = FundingRound
        fields = [
            "startup",
            "round_type",
            "closed_on",
            "amount",
            "amount_precision",
            "announced_as",
            "pre_money_valuation",
            "lead_investor",
            "participants",
            "note",
        ]

    def create(self, validated_data):
        participants = [
            services.ParticipantInput(row["investor"], row.get("amount"))
            for row in validated_data.pop("participants", [])
        ]
        return services.round_record(participants=participants, **validated_data)


# --- the fund --------------------------------------------------------------------------------


class FundSerializer(serializers.ModelSerializer):
    currency = CurrencyField()

    class Meta:
        model = Fund
        fields = [
            "id",
            "name",
            "name_en",
            "size",
            "currency",
            "vintage_year",
            "manager",
            "investment_period_end",
            "max_single_company_pct",
            "min_target_sector_pct",
            "target_tech_areas",
            "min_local_pct",
            "local_region",
        ]
        read_only_fields = fields


class CommitmentSerializer(serializers.ModelSerializer):
    fund = BriefFundSerializer(read_only=True)
    startup = BriefStartupSerializer(read_only=True)
    currency = CurrencyField()

    class Meta:
        model = Commitment
        fields = ["id", "fund", "startup", "amount", "currency", "approved_on", "status", "note"]
        read_only_fields = fields


class CommitmentCreateSerializer(serializers.Serializer):
    """Input of ``POST /commitments/``, checked by ``commitment_create`` against the size."""

    fund = IdField(queryset=Fund.objects.all())
    startup = IdField(queryset=Startup.objects.all())
    amount = money(min_value=0)
    approved_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def create(self, validated_data):
        return services.commitment_create(by=self.context["request"].user, **validated_data)


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


class ComplianceSerializer(serializers.Serializer):
    rule = serializers.CharField()
    limit = serializers.CharField(allow_null=True)
    actual = serializers.CharField(allow_null=True)
    ok = serializers.BooleanField()


class FundReportSerializer(serializers.Serializer):
    fund = serializers.SerializerMethodField()
    as_of = serializers.DateField()
    size = money()
    committed = money()
    disbursed = money()
    undisbursed = money()
    available = money()
    realized = money()
    unrealized = money()
    currency = CurrencyField()
    moic = ratio()
    tvpi = ratio()
    dpi = ratio()
    rvpi = ratio()
    irr = ratio()
    companies = serializers.IntegerField()
    compliance = ComplianceSerializer(many=True)

    @extend_schema_field(BriefFundSerializer)
    def get_fund(self, report) -> dict:
        return BriefFundSerializer(report.fund).data

    def to_representation(self, report) -> dict:
        """The declared fields in one plain function (DRF's per-field path cost as much as
        the report's SQL; bar P5). ``tests/api/test_fast_rows.py`` compares the two."""
        fund = report.fund
        return {
            "fund": {"id": fund.id, "name": _text(fund.name)},
            "as_of": _date(report.as_of),
            "size": money_text(report.size),
            "committed": money_text(report.committed),
            "disbursed": money_text(report.disbursed),
            "undisbursed": money_text(report.undisbursed),
            "available": money_text(report.available),
            "realized": money_text(report.realized),
            "unrealized": money_text(report.unrealized),
            "currency": CURRENCY,
            "moic": ratio_text(report.moic),
            "tvpi": ratio_text(report.tvpi),
            "dpi": ratio_text(report.dpi),
            "rvpi": ratio_text(report.rvpi),
            "irr": ratio_text(report.irr),
            "companies": report.companies,
            "compliance": [
                {
                    "rule": _text(check.rule),
                    "limit": _text(check.limit),
                    "actual": _text(check.actual),
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
    median_days = serializers.FloatField(allow_null=True)


class PipelineReportSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    stages = PipelineStageSerializer(many=True)
    crossed_valley = serializers.IntegerField()
    crossing_rate = ratio()
    total = serializers.IntegerField()
    filters = serializers.DictField()


# --- query parameters of the reports -------------------------------------------------------


class AsOfQuerySerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text=_("Report date; default today."))


class PipelineQuerySerializer(AsOfQuerySerializer):
    tech_area = serializers.ChoiceField(
        choices=Startup._meta.get_field("tech_area").choices, required=False
    )
    institution = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    cohort = serializers.IntegerField(
        min_value=1900, max_value=2100, required=False, help_text=_("Admission year.")
    )


def django_errors(exc: DjangoValidationError) -> dict | list:
    """A Django ValidationError as DRF-style detail: field-keyed where possible."""
    if hasattr(exc, "error_dict"):
        return {
            (field if field != "__all__" else "non_field_errors"): [str(m) for m in messages]
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}
