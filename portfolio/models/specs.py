"""Each resource's row, declared once: its columns in order, what kind of value each holds,
where it is shown and who may write it.

Everything else is derived from these specs: the API serializers' fields (and so the OpenAPI
schema), the fast JSON rows and export cells (``portfolio/api/rows.py``), the write
serializers' fields, the services' updatable fields, the admin's form fields and read-only
fields, and the benchmark's baseline columns. ``tests/api/test_row_specs.py`` checks each.

Adding a plain model field to a row is one line here (plus its migration); a column the
model does not hold (an annotation) names its ``kind``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models

from portfolio.models import FundingRound, KpiSubmission, Startup
from portfolio.models.kpis import SUBMITTED_FIGURES

# --- what a column holds ---------------------------------------------------------------------
TEXT = "text"
NUMBER = "number"  # an integer, as it is
BOOL = "bool"
DATE = "date"  # ISO text
DATETIME = "datetime"  # ISO text in the current time zone (Asia/Shanghai), as DRF writes it
MONEY = "money"  # yuan: a decimal string with two places
DECIMAL = "decimal"  # a decimal string with the model field's places (a runway in months)
CURRENCY = "currency"  # the constant "CNY" (no source)
FLAG = "flag"  # true when ``source`` is not null
POPULATION = "population"  # "incubator" when ``source`` (the admission date) is set, else "tracked"
OBJECT = "object"  # a related row: ``{field: ...}`` of ``fields``, or null
PARTICIPANTS = "participants"  # a round's participants: [{"investor": {id, name}, "amount"}]

# --- where a column is shown -----------------------------------------------------------------
LIST = "list"  # the list row (and its exports) and the detail
DETAIL = "detail"  # the detail only
HIDDEN = "hidden"  # not read through the API

# --- who may write a column ------------------------------------------------------------------
READ = "read"  # nobody: computed, or written only by a service (a stage move)
EDIT = "edit"  # at creation and later, through the API and the admin
CREATE = "create"  # only at creation (the initial stage and TRL)
UPDATE = "update"  # only later (the status)
ADMIN = "admin"  # at creation and later, in the admin only

BRIEF = ("id", "name")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = ""  # inferred from the model field when empty
    # FLAG: the column it tests; PARTICIPANTS: the relation it lists; any other kind: the
    # ``values`` key it is read from when not its name ("startup_id", "startup__name")
    source: str = ""
    fields: tuple[str, ...] = BRIEF  # OBJECT: the related row's fields
    show: str = LIST
    edit: str = READ


class RowSpec:
    """The columns of one resource's row, in the order the JSON row and the export give."""

    def __init__(self, model: type[models.Model], *columns: Column):
        self.model = model
        self.columns = tuple(self._resolved(column) for column in columns)
        self.by_name = {column.name: column for column in self.columns}
        if len(self.by_name) != len(self.columns):
            raise ImproperlyConfigured(f"{model.__name__}: a column is declared twice")

    def _resolved(self, column: Column) -> Column:
        if column.kind:
            return column
        kind = kind_of(self.model_field(column.name))
        if kind is None:
            raise ImproperlyConfigured(f"{self.model.__name__}.{column.name}: give its kind")
        return Column(**{**column.__dict__, "kind": kind})

    def model_field(self, name: str) -> models.Field | None:
        try:
            return self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None

    def __getitem__(self, name: str) -> Column:
        return self.by_name[name]

    def get(self, name: str) -> Column | None:
        return self.by_name.get(name)

    def shown(self, *shows: str) -> list[Column]:
        return [column for column in self.columns if column.show in shows]

    @property
    def list_names(self) -> list[str]:
        """The list row's keys (and, flattened, the export's columns)."""
        return [column.name for column in self.shown(LIST)]

    @property
    def detail_names(self) -> list[str]:
        """The detail's own keys (before its related lists)."""
        return [column.name for column in self.shown(LIST, DETAIL)]

    def writable(self, *, create: bool, api: bool = True) -> list[str]:
        """The fields a person gives when creating (``create``) or editing a row, through
        the API (``api``) or the admin: the columns that may be edited, in row order, then
        those only given at that moment."""
        edits = (EDIT,) if api else (EDIT, ADMIN)
        once = CREATE if create else UPDATE
        return [c.name for c in self.columns if c.edit in edits] + [
            c.name for c in self.columns if c.edit == once
        ]

    @property
    def updatable(self) -> frozenset[str]:
        """What ``services.<entity>_update`` accepts: every field editable after creation."""
        return frozenset(self.writable(create=False, api=False))

    @property
    def values(self) -> list[str]:
        """The ``values_list`` keys the list row is read from, in order: an object gives its
        foreign key then its fields through the relation; a flag the column it tests."""
        keys: list[str] = []
        for column in self.shown(LIST):
            if column.kind == OBJECT:
                keys.append(f"{column.name}_id")
                keys += [f"{column.name}__{name}" for name in column.fields if name != "id"]
            elif column.kind in (FLAG, POPULATION):
                keys.append(column.source)
            elif column.kind not in (CURRENCY, PARTICIPANTS):
                keys.append(column.source or column.name)
        return keys


def kind_of(field: models.Field | None) -> str | None:
    """The kind of a model field's value, or None for a field a row cannot show as is."""
    if field is None or not field.concrete:
        return None
    if isinstance(field, models.ForeignKey):
        return OBJECT
    if isinstance(field, models.BooleanField):
        return BOOL
    if isinstance(field, models.DateTimeField):
        return DATETIME
    if isinstance(field, models.DateField):
        return DATE
    if isinstance(field, models.DecimalField):
        return MONEY if field.decimal_places == 2 else DECIMAL
    if isinstance(field, models.IntegerField | models.AutoField):
        return NUMBER
    if isinstance(field, models.CharField | models.TextField):
        return TEXT
    return None


STAGE_BRIEF = ("slug", "name", "name_en", "order", "in_valley")

STARTUP = RowSpec(
    Startup,
    Column("id"),
    Column("name", edit=EDIT),
    Column("name_en", edit=EDIT),
    Column("credit_code", edit=EDIT),
    Column("tech_area", edit=EDIT),
    Column("status", edit=UPDATE),  # exited / closed follow a move to a terminal stage
    Column("stage", fields=STAGE_BRIEF, edit=CREATE),  # later it moves only by advancing
    Column("stage_entered_on"),
    Column("trl", edit=CREATE),
    Column("institution", edit=EDIT),
    Column("founded_on", edit=EDIT),
    Column("admitted_on", edit=EDIT),
    Column("registered_region", edit=EDIT),
    Column("headcount", edit=EDIT),
    Column("total_raised", kind=MONEY),  # annotations of ``selectors.startup_list``
    Column("currency", kind=CURRENCY),
    Column("last_round_on", kind=DATE),
    Column("crossed_valley", kind=FLAG, source="crossed_valley_on"),
    Column("crossed_valley_on"),
    # whose figures (domain.md, "Populations"): ``Startup.objects.incubatees()`` / ``tracked()``
    Column("population", kind=POPULATION, source="admitted_on"),
    Column("is_illustrative", edit=ADMIN),  # invented demo data: shown, written in the admin
    Column("founders", show=DETAIL, edit=EDIT),
    Column("location", show=DETAIL, edit=EDIT),
    Column("moved_into_district_on", show=DETAIL, edit=EDIT),
    Column("is_tech_sme", show=DETAIL, edit=EDIT),
    Column("tech_sme_number", show=DETAIL, edit=EDIT),
    Column("registered_in_incubator", show=DETAIL, edit=EDIT),
    Column("premises_in_incubator", show=DETAIL, edit=EDIT),
    Column("eligibility_note", show=DETAIL, edit=EDIT),
    Column("description", show=DETAIL, edit=EDIT),
    Column("website", show=DETAIL, edit=EDIT),
)

FUNDING_ROUND = RowSpec(
    FundingRound,
    Column("id"),
    Column("startup", edit=CREATE),
    Column("round_type", edit=CREATE),
    Column("closed_on", edit=CREATE),
    Column("amount", edit=CREATE),
    Column("amount_precision", edit=CREATE),
    Column("announced_as", edit=CREATE),
    Column("pre_money_valuation", edit=CREATE),
    Column("currency"),
    Column("lead_investor", edit=CREATE),
    Column("participants", kind=PARTICIPANTS, source="listed_participations", edit=CREATE),
    Column("note", edit=CREATE),
    Column("is_illustrative", edit=CREATE),  # invented demo data, or invented details
)

#: A founder's KPI submission (issue 15): the startup and the request as ids, the people as
#: usernames. Written only through ``services.kpis`` (the API's write serializers).
KPI_SUBMISSION = RowSpec(
    KpiSubmission,
    Column("id"),
    Column("startup", kind=NUMBER, source="startup_id"),
    Column("startup_name", kind=TEXT, source="startup__name"),
    Column("year"),
    Column("quarter"),
    Column("request", kind=NUMBER, source="request_id"),
    *(Column(name) for name in SUBMITTED_FIGURES[:2]),
    Column("currency", kind=CURRENCY),
    *(Column(name) for name in SUBMITTED_FIGURES[2:]),
    Column("status"),
    Column("review_comment"),
    Column("submitted_by", kind=TEXT, source="submitted_by__username"),
    Column("submitted_at"),
    Column("reviewed_by", kind=TEXT, source="reviewed_by__username"),
    Column("reviewed_at"),
    Column("report", kind=NUMBER, source="report_id"),
)

# --- lists of fields shown together, for the rows without a spec of their own ---------------

#: A KPI report's figures, in the order its API rows give them (after ``id`` and the startup).
#: ``currency`` is the constant "CNY", not a model field: the admin inline leaves it out.
KPI_FIGURES = (
    "year",
    "quarter",
    *SUBMITTED_FIGURES[:2],  # revenue, R&D spend: money
    "currency",
    *SUBMITTED_FIGURES[2:],  # counts, cash and runway
    "is_illustrative",  # invented demo figures
    "source",  # where the figures come from (may be empty)
)

#: A fund's policy limits: the fund report checks each; the API row and the admin show them.
FUND_POLICY = (
    "investment_period_end",
    "max_single_company_pct",
    "min_target_sector_pct",
    "target_tech_areas",
    "min_local_pct",
    "local_region",
)
# The fund's LP terms (fund-accounting.md): the fee, the hurdle, the catch-up and the carry
# that the LP report's management fees and waterfall follow.
FUND_LP_TERMS = (
    "management_fee_pct",
    "fee_basis",
    "hurdle_pct",
    "hurdle_kind",
    "catch_up_pct",
    "carry_pct",
    "waterfall",
)
# The policy pack's settings (fund-accounting.md §3): the 返投 basis and denominator, the
# stake cap per investee and the relocation credits.
FUND_POLICY_PACK = (
    "local_basis",
    "local_denominator_kind",
    "stake_cap_pct",
    "relocation_moved_multiplier",
    "relocation_subsidiary_multiplier",
    "relocation_investment_multiplier",
)
#: the fund's size, policy limits and terms: superusers only (``portfolio.change_fund_terms``)
FUND_TERMS = (
    "size",
    "vintage_year",
    *FUND_POLICY,
    *FUND_LP_TERMS,
    *FUND_POLICY_PACK,
    "is_illustrative",
    "illustrative_note",
)
#: what a fund manager may change on a fund (with ``change_fund``)
FUND_DETAILS = ("name", "name_en", "manager")
