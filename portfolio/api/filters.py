"""One FilterSet per model, strict: a malformed or unknown value answers 400 naming the
parameter, never "all rows". No filter runs a query of its own except the stage-slug
check, and no filter renders a select of more than a handful of options (ids are typed,
not picked from a list).
"""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.core import validators
from django.db.models import Exists, OuterRef, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema_field

from portfolio import models
from portfolio.models.choices import (
    CommitmentStatus,
    MilestoneKind,
    Population,
    RoundType,
    StartupStatus,
    TechArea,
)

MAX_ID = 2**63 - 1
MAX_YUAN = 10**14 - 1

TRUE_VALUES = {"true", "1", "yes"}
FALSE_VALUES = {"false", "0", "no"}


class StrictBooleanField(forms.Field):
    """``true``/``false`` (or 1/0, yes/no); anything else is an error, not "unset"."""

    default_error_messages = {"invalid": _("Enter true or false.")}

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


@extend_schema_field({"type": "boolean"})
class StrictBooleanFilter(filters.Filter):
    field_class = StrictBooleanField


class BoundedIntegerFilter(filters.NumberFilter):
    """A whole number from ``low`` to ``high`` (each subclass's), typed and range-checked;
    its OpenAPI schema states the same bounds."""

    field_class = forms.IntegerField
    low: int
    high: int

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        extend_schema_field({"type": "integer", "minimum": cls.low, "maximum": cls.high})(cls)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", self.low)
        kwargs.setdefault("max_value", self.high)
        super().__init__(*args, **kwargs)


class IdFilter(BoundedIntegerFilter):
    """A foreign key by id, typed (no select of all rows), range-checked."""

    low, high = 1, MAX_ID


class YearFilter(BoundedIntegerFilter):
    low, high = 2000, 2100


class QuarterFilter(BoundedIntegerFilter):
    low, high = 1, 4


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": r"^-?\d{1,14}(\.\d{1,2})?$"}
)
class MoneyFilter(filters.NumberFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_YUAN)
        super().__init__(*args, **kwargs)


class SlugListWidget(forms.TextInput):
    """Reads a repeatable parameter (``?stage=a&stage=b``, or ``?stage=a,b``)."""

    def value_from_datadict(self, data, files, name):
        getlist = getattr(data, "getlist", None)
        values = getlist(name) if getlist else [data.get(name)] if data.get(name) else []
        return [part.strip() for value in values for part in str(value).split(",") if part.strip()]

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ",".join(str(v) for v in value)
        return super().format_value(value)


MAX_SLUGS = 20


class SlugListField(forms.Field):
    widget = SlugListWidget
    default_error_messages = {"invalid": _("%(value)s is not a valid slug.")}

    def to_python(self, value):
        if value in (None, "", []):
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if len(values) > MAX_SLUGS:
            raise forms.ValidationError(
                _("At most %(n)d values."), code="max", params={"n": MAX_SLUGS}
            )
        for item in values:
            try:
                validators.validate_slug(item)
            except forms.ValidationError:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"value": item}
                ) from None
        return list(values)


@extend_schema_field({"type": "array", "items": {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"}})
class StageSlugsFilter(filters.Filter):
    """Stage slugs, repeatable: ``?stage=prototype&stage=pilot``; an unknown slug is a 400.

    The filter is a join plus one EXISTS per slug inside the list's own query, so an unknown
    slug makes the answer empty; only then are the slugs looked up
    (:func:`check_stage_slugs`) to answer 400 naming the parameter. A good filter costs no
    query of its own.
    """

    field_class = SlugListField

    def filter(self, qs, value):
        if not value:
            return qs
        self.parent.stage_slugs = [*getattr(self.parent, "stage_slugs", []), (self, value)]
        # Every slug must exist, or nothing matches (and check_stage_slugs names it).
        exists = [Exists(models.Stage.objects.filter(slug=slug)) for slug in dict.fromkeys(value)]
        return qs.filter(*exists, **{f"{self.field_name}__slug__in": value})


MSG_UNKNOWN_STAGE = _("Unknown stage: %(slugs)s.")


def check_stage_slugs(filterset) -> None:
    """Raise a 400 naming the parameter if a stage slug given to ``filterset`` is unknown."""
    from rest_framework.exceptions import ValidationError

    names = {id(flt): name for name, flt in filterset.filters.items()}
    for flt, slugs in getattr(filterset, "stage_slugs", []):
        known = set(models.Stage.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        unknown = [slug for slug in slugs if slug not in known]
        if unknown:
            raise ValidationError(
                {names[id(flt)]: [MSG_UNKNOWN_STAGE % {"slugs": ", ".join(unknown)}]}
            )


def date_range(
    field: str, after: str | None = None, before: str | None = None
) -> tuple[filters.DateFilter, filters.DateFilter]:
    """A pair of filters on a date: on or after, on or before; ``after`` and ``before`` are
    their help texts, if any."""

    def bound(lookup: str, help_text: str | None) -> filters.DateFilter:
        extra = {} if help_text is None else {"help_text": help_text}
        return filters.DateFilter(field_name=field, lookup_expr=lookup, **extra)

    return bound("gte", after), bound("lte", before)


class StrictFilterSet(filters.FilterSet):
    """Ordinary FilterSet; the strictness lives in the filter classes above. A filterset
    whose filters are all declared needs no ``Meta``: the view's queryset gives the model.

    Its form class is built once per (filterset, model, language), not per request: the
    fields depend only on the declared filters, the model (labels) and the active language
    (labels are translated when built). Each form still gets its own copy of the fields
    (Django deep-copies ``base_fields`` per form), so nothing bound is shared.
    """

    _form_classes: dict = {}

    def get_form_class(self):
        key = (type(self), self.queryset.model, translation.get_language())
        form_class = StrictFilterSet._form_classes.get(key)
        if form_class is None:
            form_class = super().get_form_class()
            StrictFilterSet._form_classes[key] = form_class
        return form_class

    @classmethod
    def reads_any(cls, params) -> bool:
        """Whether any of the query ``params`` can reach one of the filters: a parameter is
        named after its filter, or after it plus a suffix (a multi-value widget's
        ``name_min``, ``name_0``), so a prefix match never misses one (a false match only
        costs the FilterSet it would have cost anyway)."""
        names = cls.__dict__.get("_param_names")
        if names is None:
            names = tuple(cls.base_filters)
            cls._param_names = names
        return any(param.startswith(names) for param in params)


class InstitutionFilterSet(StrictFilterSet):
    class Meta:
        model = models.Institution
        fields = ["kind"]


class StageFilterSet(StrictFilterSet):
    class Meta:
        model = models.Stage
        fields: list[str] = []


class StartupFilterSet(StrictFilterSet):
    stage = StageSlugsFilter(field_name="stage", help_text=_("Stage slug, repeatable."))
    tech_area = filters.ChoiceFilter(choices=TechArea.choices)
    status = filters.ChoiceFilter(choices=StartupStatus.choices)
    institution = IdFilter(field_name="institution_id")
    founded_after, founded_before = date_range("founded_on")
    in_valley = StrictBooleanFilter(field_name="stage__in_valley")
    crossed_valley = StrictBooleanFilter(method="filter_crossed_valley")
    fund = IdFilter(method="filter_fund", help_text=_("Startups the fund has committed to."))
    population = filters.ChoiceFilter(
        choices=Population.choices,
        method="filter_population",
        help_text=_("incubator (admitted startups), tracked (followed, not admitted) or all."),
    )

    class Meta:
        model = models.Startup
        fields = [
            "stage",
            "tech_area",
            "status",
            "institution",
            "founded_after",
            "founded_before",
            "in_valley",
            "crossed_valley",
            "fund",
            "population",
        ]

    def filter_population(self, queryset, name, value):
        return queryset.in_population(value)

    def filter_crossed_valley(self, queryset, name, value):
        return queryset.filter(crossed_valley_on__isnull=not value)

    def filter_fund(self, queryset, name, value):
        live = models.Commitment.objects.live().filter(fund_id=value, startup=OuterRef("pk"))
        return queryset.filter(Exists(live))


class StageTransitionFilterSet(StrictFilterSet):
    startup = IdFilter(field_name="startup_id")
    to_stage = StageSlugsFilter(field_name="to_stage", help_text=_("Stage slug, repeatable."))
    after, before = date_range("on")


class MilestoneFilterSet(StrictFilterSet):
    startup = IdFilter(field_name="startup_id")
    kind = filters.ChoiceFilter(choices=MilestoneKind.choices)
    after, before = date_range("achieved_on")


class KpiReportFilterSet(StrictFilterSet):
    startup = IdFilter(field_name="startup_id")
    year = YearFilter()
    quarter = QuarterFilter()


class InvestorFilterSet(StrictFilterSet):
    class Meta:
        model = models.Investor
        fields = ["kind"]


class FundingRoundFilterSet(StrictFilterSet):
    startup = IdFilter(field_name="startup_id")
    round_type = filters.ChoiceFilter(choices=RoundType.choices)
    closed_after, closed_before = date_range("closed_on")
    amount_min = MoneyFilter(field_name="amount", lookup_expr="gte")
    amount_max = MoneyFilter(field_name="amount", lookup_expr="lte")
    investor = IdFilter(method="filter_investor", help_text=_("Lead investor or participant."))
    tech_area = filters.ChoiceFilter(field_name="startup__tech_area", choices=TechArea.choices)
    stage = StageSlugsFilter(
        field_name="startup__stage", help_text=_("The startup's current stage slug, repeatable.")
    )

    class Meta:
        model = models.FundingRound
        fields = [
            "startup",
            "round_type",
            "closed_after",
            "closed_before",
            "amount_min",
            "amount_max",
            "investor",
            "tech_area",
            "stage",
        ]

    def filter_investor(self, queryset, name, value):
        took_part = models.Participation.objects.filter(
            funding_round=OuterRef("pk"), investor_id=value
        )
        return queryset.filter(Q(lead_investor_id=value) | Exists(took_part))


class FundFilterSet(StrictFilterSet):
    class Meta:
        model = models.Fund
        fields: list[str] = []


class CommitmentFilterSet(StrictFilterSet):
    fund = IdFilter(field_name="fund_id")
    startup = IdFilter(field_name="startup_id")
    status = filters.ChoiceFilter(choices=CommitmentStatus.choices)

    class Meta:
        model = models.Commitment
        fields = ["fund", "startup", "status"]


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, keeping the bound filterset on the view for late checks.

    A request that gives no filter parameter (a plain page, ``?page=2&page_size=500``,
    ``?ordering=``, ``?search=``) gets the queryset as it is, without building and
    validating a FilterSet: with no value every filter leaves the queryset unchanged, so
    the answer is the same (issue 17, item 1: about 0.6 ms a request).
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        if issubclass(filterset_class, StrictFilterSet) and not filterset_class.reads_any(
            request.query_params
        ):
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            raise translate_validation(filterset.errors)
        view.filterset = filterset
        return filterset.qs
