"""Declarative viewsets of the reporting API.

Reads come from ``portfolio.selectors`` and ``portfolio.selectors``; writes go through the
serializers to ``portfolio.services``. Every list answers JSON (paginated), ``?format=csv``
and ``?format=xlsx`` (all matching rows, streamed) with the same filters.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from operator import itemgetter
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from portfolio import selectors, services
from portfolio.api import filters as filtersets
from portfolio.api import plain, rows
from portfolio.api import serializers as s
from portfolio.api.auth import RolePermissions, TokenScopePermission, is_founder
from portfolio.api.evidence import MilestoneEvidenceActions
from portfolio.api.fund_row_serializers import TrancheCreateSerializer, TrancheSerializer
from portfolio.api.lp_reports import LP_READ, FundLpActions
from portfolio.api.pagination import Pagination
from portfolio.api.policy import POLICY_READ, FundPolicyActions
from portfolio.api.renderers import (
    EXPORT_RENDERERS,
    JSONRenderer,
    Rendered,
    columns_for,
    export_response,
    flatten,
)
from portfolio.api.schema import documented
from portfolio.models import (
    Fund,
    Startup,
    Tranche,
    specs,
)
from portfolio.selectors import report_cache
from portfolio.selectors.scope import REFERENCE, founder_rows

EXPORT_CHUNK = 2000


class StrictSearchFilter(filters.SearchFilter):
    """A malformed search, or one of more than ``MAX_SEARCH_TERMS`` words, answers 400
    naming ``search``."""

    def get_search_terms(self, request):
        if self.search_param not in request.query_params:
            # No search: DRF's answer ([]) without the CharField it builds and validates
            # the empty text with on every request, 0.035 ms of a 10-row page (bar P7).
            return []
        try:
            terms = super().get_search_terms(request)
        except ValidationError as exc:
            raise ValidationError({self.search_param: exc.detail}) from None
        if len(terms) > selectors.MAX_SEARCH_TERMS:
            raise ValidationError(
                {
                    self.search_param: [
                        selectors.MSG_SEARCH_TERMS % {"max": selectors.MAX_SEARCH_TERMS}
                    ]
                }
            )
        return terms


class StrictOrderingFilter(filters.OrderingFilter):
    """Unknown ordering fields answer 400 naming ``ordering`` instead of being ignored."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if ordering and not orders_by(queryset, ordering):
            return queryset.order_by(*ordering)
        return queryset

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",")]
            valid = self.remove_invalid_fields(queryset, fields, view, request)
            if len(valid) != len(fields):
                allowed = ", ".join(
                    name
                    for name, _label in self.get_valid_fields(queryset, view, {"request": request})
                )
                raise ValidationError(
                    {
                        self.ordering_param: [
                            _("Unknown ordering field. Choose from: %(fields)s.")
                            % {"fields": allowed}
                        ]
                    }
                )
            return valid
        return self.get_default_ordering(view)


def orders_by(queryset, ordering) -> bool:
    """``queryset`` is already ordered by ``ordering``, as its own ``order_by`` or as its
    model's ``Meta.ordering`` (which Django applies to a query that orders by nothing and
    groups by nothing): DRF's ``order_by`` would copy the query for the same SQL, about
    12 µs of a 10-row startups page in one process (bar P7)."""
    query = queryset.query
    if not query.standard_ordering or query.extra_order_by:
        return False  # reversed, or ordered by raw SQL as well
    if query.order_by:
        return tuple(query.order_by) == tuple(ordering)
    return (
        query.default_ordering
        and query.group_by is None
        and not query.combinator
        and tuple(query.get_meta().ordering) == tuple(ordering)
    )


class ExportErrorsAsJson:
    """An error answer to an export request (``?format=csv|xlsx``) is JSON, so the client
    can read the reason."""

    def finalize_response(self, request, response, *args, **kwargs):
        if (
            isinstance(response, Response)
            and response.status_code >= 400
            and isinstance(getattr(request, "accepted_renderer", None), EXPORT_RENDERERS)
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


class ApiViewSet(ExportErrorsAsJson, viewsets.ReadOnlyModelViewSet):
    """Role permissions, strict filters, pagination and exports for every resource: DRF's
    list and retrieve; a list also answers ``?format=csv|xlsx`` with every matching row,
    streamed."""

    permission_classes = [TokenScopePermission, RolePermissions]
    filter_backends = [filtersets.FilterBackend, StrictSearchFilter, StrictOrderingFilter]
    pagination_class = Pagination
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, *EXPORT_RENDERERS]
    export_actions = ("list",)
    # Any path segment reaches the view, so a malformed id is a JSON 404, not an HTML page.
    lookup_value_regex = "[^/]+"
    #: the route (``urls.py``) and the name in export filenames, e.g. "funding-rounds"
    resource = ""
    #: serializer for writes (its output is shown with ``serializer_class``)
    write_serializer_class = None
    #: or one for POST and one for PATCH (``portfolio.api.inputs.ServiceInput``)
    create_serializer_class = None
    update_serializer_class = None
    #: a big list's row spec: its JSON pages and exports are read as plain rows from it
    #: (``portfolio.api.rows``; bars P2, P4), its details through ``serializer_class``
    row_spec: specs.RowSpec | None = None
    #: how a row reaches a startup, for founders (``portfolio.selectors.scope``): "pk" (the
    #: startup), a lookup path ("startup"), ``REFERENCE`` (read whole), or None: closed (403)
    founder_scope = None
    #: a ``post_action``'s body serializer and answer status, set on the view that serves it
    action_input = None
    action_status = status.HTTP_200_OK

    def filter_queryset(self, queryset):
        """A founder's rows are their startup's (any other row is then a 404). Here rather
        than in ``get_queryset``, which views vary per action: list, export and every
        detail (``get_object``) pass through this, whatever their filter backends."""
        user = self.request.user
        if is_founder(user):
            queryset = founder_rows(queryset, user, self.founder_scope)
        return super().filter_queryset(queryset)

    @property
    def page_rows(self):
        """``RowsPaginator``'s reader of a page, for a list with a row spec."""
        if self.row_spec is not None:
            return partial(rows.json_rows, self.row_spec)
        # a flat serializer's page is read as values (no model instances; bar P2)
        return plain.values_rows(self.get_serializer_class())

    def page_key(self):
        """What decides this list's SQL besides its WHERE and ORDER BY
        (``prebuilt.page_values``): the view, whose ``get_queryset`` is the same for every
        list request; none for a founder (their scope is a WHERE, but kept apart anyway)."""
        return None if is_founder(self.request.user) else type(self)

    def permission_model(self) -> type[Model]:
        return self.queryset.model

    def get_renderers(self):
        classes = self.renderer_classes
        if getattr(self, "action", None) not in self.export_actions:
            classes = [r for r in classes if not issubclass(r, EXPORT_RENDERERS)]
        return [renderer() for renderer in classes]

    def get_serializer_class(self):
        if self.action == "create" and self.create_serializer_class:
            return self.create_serializer_class
        if self.action == "partial_update" and self.update_serializer_class:
            return self.update_serializer_class
        if self.action in ("create", "partial_update", "update") and self.write_serializer_class:
            return self.write_serializer_class
        if self.action_input is not None:
            return self.action_input
        return super().get_serializer_class()

    def check_filters(self) -> None:
        filterset = getattr(self, "filterset", None)
        if filterset is not None:
            filtersets.check_stage_slugs(filterset)

    def is_export(self) -> bool:
        return isinstance(getattr(self.request, "accepted_renderer", None), EXPORT_RENDERERS)

    def export(self, rows, columns):
        return export_response(
            self.request.accepted_renderer, columns, rows, resource=self.resource
        )

    def read_data(self, instance) -> dict:
        """The read representation of a written row, reloaded through the selector."""
        instance = self.get_queryset().get(pk=instance.pk)
        return self.serializer_class(instance, context=self.get_serializer_context()).data

    def write_action(self, service, row_arg: str):
        """A ``post_action`` that writes its row through a service: the body checked by the
        action's input, then ``service(<row_arg>=row, by=user, **body)``; the answer is the
        row as read (``read_data``), with the action's status."""
        row = self.get_object()
        serializer = self.action_input(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        service(**{row_arg: row}, by=self.request.user, **serializer.validated_data)
        return Response(self.read_data(row), status=self.action_status)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if not page:
            self.check_filters()  # an empty answer may come from a mistyped stage slug
        return page

    def list(self, request, *args, **kwargs):
        if self.is_export():
            return self.export_list(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        if page is None:  # never with ``Pagination`` (a page size always applies)
            return super().list(request, *args, **kwargs)
        if self.page_rows is None:
            # the serializer's rows, written by ``plain``'s readers (DRF's per-field walk
            # cost 3-5x the rows' own query on the operations lists, bar P2)
            serializer = self.get_serializer()
            read = plain.reader(serializer)
            if read is None:
                page = self.get_serializer(page, many=True).data
            else:
                page = [read(obj) for obj in page]
        # else the paginator hands the page over as finished rows (``page_rows``)
        return self.get_paginated_response(page)

    def export_list(self, queryset):
        """Every matching row, streamed as CSV or XLSX."""
        self.check_filters()
        serializer = self.get_serializer()
        columns = columns_for(serializer)
        if self.row_spec is not None:
            cells = rows.export_rows(self.row_spec, queryset, chunk_size=EXPORT_CHUNK)
        else:
            cells = flatten(
                columns,
                (
                    serializer.to_representation(obj)
                    for obj in queryset.iterator(chunk_size=EXPORT_CHUNK)
                ),
            )
        return self.export(cells, columns)


# DRF's CreateModelMixin and UpdateModelMixin answer with the write serializer's rendering
# of the saved instance; ours answer with the row as the detail reads it (``read_data``),
# since the write serializers (``write_serializer_class``) describe input only. A PATCH
# without DRF's PUT (``update``) keeps the routes the contract documents.


def post_action(input_class, answer, code=status.HTTP_200_OK, **kwargs):
    """A detail POST whose body ``input_class`` checks, answered (``code``) with the row as
    read, ``answer``: DRF's ``action`` with its OpenAPI request and response. The view that
    serves it has ``action_input`` and ``action_status`` set (its serializer class, the
    browsable API's form, and ``write_action`` read them). ``kwargs`` go to ``action``."""

    def decorate(func):
        func = action(
            detail=True,
            methods=["post"],
            action_input=input_class,
            action_status=code,
            **kwargs,
        )(func)
        return extend_schema(request=input_class, responses={code: answer})(func)

    return decorate


class CreateMixin(mixins.CreateModelMixin):
    """POST: validate with the write serializer, write through the service, answer 201."""

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(self.read_data(serializer.instance), status=status.HTTP_201_CREATED)


class FundRowsViewSet(CreateMixin, ApiViewSet):
    # A fund's dated money rows, written by fund managers: listed by their fund's name, then
    # date, then id; sortable by id, date and money. (No docstring: the schema would show it
    # on every subclass without one.)

    #: the row's date, its money and the path to its fund
    dated_by = "paid_on"
    money_field = "amount"
    fund_path = "fund"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.ordering_fields = ["id", cls.dated_by, cls.money_field]
        cls.ordering = [f"{cls.fund_path}__name", cls.dated_by, "id"]


class PartialUpdateMixin:
    """PATCH: as DRF's ``partial_update``, answered with the read row."""

    def partial_update(self, request, *args, **kwargs):
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(self.read_data(serializer.instance))


@documented(list=_("Research institutions"), create=_("Add an institution (incubator staff)"))
class InstitutionViewSet(CreateMixin, ApiViewSet):
    """Research institutions startups come from (universities, CAS institutes, labs)."""

    queryset = selectors.institution_list()
    serializer_class = s.InstitutionSerializer
    filterset_class = filtersets.InstitutionFilterSet
    search_fields = ["name", "name_en", "short_name", "city"]
    ordering_fields = ["id", "name", "name_en", "kind", "city"]
    ordering = ["name"]
    resource = "institutions"
    founder_scope = REFERENCE


@documented(list=_("Pipeline stages, in order"))
class StageViewSet(ApiViewSet):
    """The pipeline's stages in order, with their TRL range and valley flag."""

    queryset = selectors.stage_list()
    serializer_class = s.StageSerializer
    filterset_class = filtersets.StageFilterSet
    lookup_field = "slug"
    search_fields = ["slug", "name", "name_en"]
    ordering_fields = ["order", "slug", "name"]
    ordering = ["order"]
    resource = "stages"
    founder_scope = REFERENCE


@extend_schema_view(
    list=extend_schema(summary=_("Startups with their stage and money raised")),
    retrieve=extend_schema(
        summary=_("A startup with its history, rounds, milestones and KPIs"),
        responses={200: s.StartupDetailSerializer},
    ),
    create=extend_schema(
        summary=_("Admit a startup (incubator staff)"),
        request=s.StartupCreateSerializer,
        responses={201: s.StartupDetailSerializer},
    ),
    partial_update=extend_schema(
        summary=_("Edit a startup's data (incubator staff)"),
        request=s.StartupUpdateSerializer,
        responses={200: s.StartupDetailSerializer},
    ),
)
class StartupViewSet(CreateMixin, PartialUpdateMixin, ApiViewSet):
    """Startups: where each stands in the pipeline and what it has raised."""

    queryset = selectors.startup_list()
    serializer_class = s.StartupSerializer
    filterset_class = filtersets.StartupFilterSet
    search_fields = ["name", "name_en", "credit_code", "founders", "institution__name"]
    ordering_fields = [
        "id",
        "name",
        "name_en",
        "founded_on",
        "admitted_on",
        "trl",
        "status",
        "tech_area",
        "stage__order",
        "stage_entered_on",
        "crossed_valley_on",
        "total_raised",
        "last_round_on",
    ]
    ordering = ["name"]
    resource = "startups"
    founder_scope = "pk"
    row_spec = specs.STARTUP
    required_perms = {
        "advance": ["portfolio.change_startup", "portfolio.add_stagetransition"],
        "graduate": ["portfolio.change_startup", "portfolio.add_graduation"],
    }

    def get_queryset(self):
        if self.action in ("retrieve", "create", "partial_update", "advance", "graduate"):
            return selectors.startup_detail()
        return super().get_queryset()

    def get_serializer_class(self):
        if self.action == "create":
            return s.StartupCreateSerializer
        if self.action == "partial_update":
            return s.StartupUpdateSerializer
        if self.action == "retrieve":
            return s.StartupDetailSerializer
        return self.action_input or s.StartupSerializer

    def read_data(self, instance) -> dict:
        instance = selectors.startup_detail().get(pk=instance.pk)
        return s.StartupDetailSerializer(instance, context=self.get_serializer_context()).data

    @extend_schema(
        summary=_("Move a startup to another stage (incubator staff)"),
        description=_(
            "Recorded by the same service as the admin's; 400 with the reason (keyed by "
            "field) when the move is not allowed."
        ),
    )
    @post_action(s.AdvanceSerializer, s.StartupDetailSerializer)
    def advance(self, request, pk=None):
        return self.write_action(services.startup_advance, "startup")

    @extend_schema(
        summary=_("Graduate a startup (incubator staff)"),
        description=_(
            "Records the graduation (the rule in force on `on`) and sets the status to "
            "graduated (an exited startup stays exited). 400 naming `basis` when the recorded "
            'data contradicts a basis (docs/operations.md, "Incubation agreements, '
            'eligibility and graduation"), `on` before admission or in the future, '
            "`startup` when it has already graduated or is closed."
        ),
    )
    @post_action(s.GraduateSerializer, s.StartupDetailSerializer)
    def graduate(self, request, pk=None):
        return self.write_action(services.startup_graduate, "startup")


@documented(list=_("Stage moves, append-only"))
class StageTransitionViewSet(ApiViewSet):
    """Every stage move of every startup (append-only history)."""

    queryset = selectors.stage_transition_list()
    serializer_class = s.StageTransitionSerializer
    filterset_class = filtersets.StageTransitionFilterSet
    search_fields = ["startup__name", "startup__name_en", "note"]
    ordering_fields = ["id", "on", "trl", "startup__name", "to_stage__order"]
    ordering = ["-on", "-id"]
    resource = "stage-transitions"
    founder_scope = "startup"


@documented(list=_("Milestones"), create=_("Record a milestone (incubator staff)"))
class MilestoneViewSet(MilestoneEvidenceActions, CreateMixin, ApiViewSet):
    """Milestones: first prototype, first customer, certification, ..."""

    queryset = selectors.milestone_list()
    serializer_class = s.MilestoneSerializer
    filterset_class = filtersets.MilestoneFilterSet
    search_fields = ["title", "startup__name", "startup__name_en"]
    ordering_fields = ["id", "achieved_on", "kind", "startup__name"]
    ordering = ["-achieved_on", "-id"]
    resource = "milestones"
    founder_scope = "startup"
    # Verifying is incubator staff's (who change milestones); founders read their own only.
    required_perms = {"verify": ["portfolio.change_milestone"]}

    @extend_schema(
        summary=_("Verify a milestone (incubator staff)"),
        description=_(
            "Sets `verified_on` (required: the date) and `verified_by`; the tranches "
            "conditioned on it can then be paid. 400 naming `verified_on` when already "
            "verified or in the future, `evidence` when the milestone has no evidence "
            "file yet."
        ),
    )
    @post_action(
        s.MilestoneVerifySerializer,
        s.MilestoneSerializer,
        pagination_class=None,
        filter_backends=[],
    )
    def verify(self, request, pk=None):
        milestone = self.get_object()
        serializer = self.action_input(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.milestone_verify(
            milestone=milestone, by=request.user, on=serializer.validated_data["verified_on"]
        )
        return Response(self.read_data(milestone))


@documented(
    list=_("Quarterly KPI reports"), create=_("Record a quarterly KPI report (incubator staff)")
)
class KpiReportViewSet(CreateMixin, ApiViewSet):
    """Quarterly KPI reports, one per startup and quarter."""

    queryset = selectors.kpi_report_list()
    serializer_class = s.KpiReportSerializer
    filterset_class = filtersets.KpiReportFilterSet
    search_fields = ["startup__name", "startup__name_en"]
    ordering_fields = ["id", "year", "quarter", "revenue", "rd_spend", "cash", "startup__name"]
    ordering = ["-year", "-quarter", "startup__name"]
    resource = "kpi-reports"
    founder_scope = "startup"


@documented(list=_("Investors"), create=_("Add an investor (incubator staff)"))
class InvestorViewSet(CreateMixin, ApiViewSet):
    """Investors: government funds, state platforms, VCs, corporates, angels."""

    queryset = selectors.investor_list()
    serializer_class = s.InvestorSerializer
    filterset_class = filtersets.InvestorFilterSet
    search_fields = ["name", "name_en"]
    ordering_fields = ["id", "name", "name_en", "kind"]
    ordering = ["name"]
    resource = "investors"


@documented(
    list=_("Funding rounds with their participants"),
    create=_("Record a funding round (incubator staff)"),
)
class FundingRoundViewSet(CreateMixin, ApiViewSet):
    """Funding rounds with their lead investor and participants."""

    queryset = selectors.funding_round_list()
    serializer_class = s.FundingRoundSerializer
    write_serializer_class = s.FundingRoundCreateSerializer
    filterset_class = filtersets.FundingRoundFilterSet
    search_fields = ["startup__name", "startup__name_en", "announced_as", "lead_investor__name"]
    ordering_fields = ["id", "closed_on", "amount", "pre_money_valuation", "round_type"]
    ordering = ["-closed_on", "id"]
    resource = "funding-rounds"
    founder_scope = "startup"
    row_spec = specs.FUNDING_ROUND


@extend_schema_view(
    list=extend_schema(summary=_("Funds")),
    partial_update=extend_schema(
        summary=_("Change a fund's settings, size, policy limits and terms (superusers)"),
        description=_(
            "The size, limits and terms are what commitments are checked against: only a "
            "superuser may change them (403 for everyone else). The size cannot go below what "
            "is committed (400 naming size)."
        ),
        request=s.FundUpdateSerializer,
        responses={200: s.FundSerializer},
    ),
    create=extend_schema(
        summary=_("Set up a fund with its size, policy limits and LP terms (superusers)"),
        request=s.FundCreateSerializer,
        responses={201: s.FundSerializer},
    ),
)
class FundViewSet(FundPolicyActions, FundLpActions, CreateMixin, PartialUpdateMixin, ApiViewSet):
    """Funds, their report and holdings as of any date, and their LP figures."""

    queryset = selectors.fund_list()
    serializer_class = s.FundSerializer
    write_serializer_class = s.FundUpdateSerializer
    filterset_class = filtersets.FundFilterSet
    search_fields = ["name", "name_en", "manager"]
    ordering_fields = ["id", "name", "size", "vintage_year"]
    ordering = ["name"]
    resource = "funds"
    export_actions = ("list", "holdings", "capital_accounts", "policy", "investees")
    required_perms = {
        "report": ["portfolio.view_fund", "portfolio.view_commitment"],
        "holdings": ["portfolio.view_fund", "portfolio.view_commitment"],
        "lp_report": LP_READ,
        "capital_accounts": LP_READ,
        "policy": POLICY_READ,
        "investees": POLICY_READ,
        "partial_update": ["portfolio.change_fund", "portfolio.change_fund_terms"],
        "create": ["portfolio.add_fund", "portfolio.change_fund_terms"],
    }

    def get_serializer_class(self):
        if self.action == "create":
            return s.FundCreateSerializer
        return super().get_serializer_class()

    def as_of(self):
        query = s.AsOfQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data.get("as_of")

    def get_fund(self) -> Fund:
        return self.get_object()  # a malformed id is a 404, as on every detail route

    @extend_schema(
        summary=_("The fund's figures, performance and compliance checks as of a date"),
        parameters=[s.AsOfQuerySerializer],
        responses={200: s.FundReportSerializer},
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def report(self, request, pk=None):
        as_of = self.as_of()
        report = selectors.fund_report(self.get_fund(), as_of)
        return Response(s.FundReportSerializer(report).data)

    @extend_schema(
        summary=_("One row per company the fund holds, as of a date"),
        parameters=[s.AsOfQuerySerializer],
        responses={200: s.HoldingSerializer(many=True)},
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def holdings(self, request, pk=None):
        as_of = self.as_of()
        fund = self.get_fund()
        rows = selectors.fund_holdings(fund, as_of)
        serializer = s.HoldingSerializer()
        if self.is_export():
            self.resource = f"holdings-fund-{fund.pk}"
            columns = columns_for(serializer)
            data = (serializer.to_representation(row) for row in rows)
            return self.export(flatten(columns, data), columns)
        return Response(s.HoldingSerializer(rows, many=True).data)


@documented(
    list=_("The fund's commitments"),
    create=_("Commit the fund to a startup (fund managers)"),
    create_description=_(
        "Checked by the same service as the admin's: 409 when the fund's live commitments "
        "would exceed its size (the message gives the amount still available), 400 for "
        "any other refusal. A refusal writes nothing."
    ),
)
class CommitmentViewSet(CreateMixin, ApiViewSet):
    """The fund's commitments (approved investments) to startups."""

    queryset = selectors.commitment_list()
    serializer_class = s.CommitmentSerializer
    write_serializer_class = s.CommitmentCreateSerializer
    filterset_class = filtersets.CommitmentFilterSet
    search_fields = ["startup__name", "startup__name_en", "fund__name", "note"]
    ordering_fields = ["id", "approved_on", "amount", "status", "startup__name"]
    ordering = ["fund__name", "approved_on", "id"]
    resource = "commitments"
    conflict_on_create = True

    def permission_model(self) -> type[Model]:
        # The tranches of a commitment: read with view_tranche, planned with add_tranche.
        return Tranche if self.action == "tranches" else super().permission_model()

    def get_serializer_class(self):
        if self.action == "tranches":
            if self.request.method == "POST":
                return TrancheCreateSerializer
            return TrancheSerializer
        return super().get_serializer_class()

    @extend_schema(
        methods=["GET"],
        summary=_("The tranches of a commitment, with what each paid and its status"),
        responses={200: TrancheSerializer(many=True)},
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary=_("Plan a tranche of a commitment (fund managers)"),
        description=_(
            "Checked by the same service as the admin's: 400 naming `amount` when the "
            "commitment's tranches would add up to more than the commitment (the message "
            "says what is left), `milestone` for a milestone of another startup, "
            "`commitment` for a cancelled one. A refusal writes nothing."
        ),
        request=TrancheCreateSerializer,
        responses={201: TrancheSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def tranches(self, request, pk=None):
        commitment = self.get_object()
        if request.method == "POST":
            serializer = TrancheCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            tranche = services.tranche_create(
                commitment=commitment, by=request.user, **serializer.validated_data
            )
            row = selectors.tranche_list().get(pk=tranche.pk)
            return Response(TrancheSerializer(row).data, status=status.HTTP_201_CREATED)
        rows = selectors.tranche_list().filter(commitment=commitment).order_by("due_by", "id")
        return Response(TrancheSerializer(rows, many=True).data)


class ReportView(APIView):
    """A report: read by every role that may read startups (the pipeline's permission)."""

    permission_classes = [TokenScopePermission, RolePermissions]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    required_perms = None

    def permission_model(self):
        return Startup

    def cached_answer(self, name: str, params: tuple, compute: Callable[[], Any]) -> Any:
        """The answer ``compute()`` represents (plain data), from the report cache under
        ``name`` and ``params``. Asked for as compact JSON, what is kept and served is the
        answer's bytes (``Rendered``), compressed: a big answer is then served as a copy of
        its bytes, not unpickled and written again on every request (the valley report's
        8.9 MB at ten times the data: P8). The browsable API, an ``indent`` and the exports
        get the data."""
        renderer = getattr(self.request, "accepted_renderer", None)
        media_type = getattr(self.request, "accepted_media_type", None)
        context = self.get_renderer_context()
        if isinstance(renderer, JSONRenderer) and renderer.writes_compact(media_type, context):
            return Rendered(
                report_cache.cached_bytes(
                    f"{name}:json", params, lambda: renderer.render(compute(), media_type, context)
                )
            )
        return report_cache.cached(name, params, compute)


class ExportReportView(ExportErrorsAsJson, ReportView):
    # A report that answers JSON or, with ``?format=csv|xlsx``, a file of its lines. (No
    # docstring: the schema would show it on every subclass without one.)

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, *EXPORT_RENDERERS]

    def query(self, serializer_class) -> dict:
        """The query parameters as ``serializer_class`` checks them (else a 400 naming one)."""
        query = serializer_class(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data

    def export_renderer(self):
        """The CSV or XLSX renderer the request asked for; None for JSON."""
        renderer = getattr(self.request, "accepted_renderer", None)
        return renderer if isinstance(renderer, EXPORT_RENDERERS) else None

    def answer(self, data: dict, line_serializer, lines_of, resource: str):
        """``data`` as JSON; exported, the lines ``lines_of(data)`` under the columns of
        ``line_serializer``, in a file named after ``resource``."""
        renderer = self.export_renderer()
        if renderer is None:
            return Response(data)
        columns = columns_for(line_serializer())
        cells = flatten(columns, lines_of(data))
        return export_response(renderer, columns, cells, resource=resource)


class PipelineReportView(ExportReportView):
    """Valley-of-death analytics: per stage, who is there, who entered, who moved on, and how
    long they stay (Kaplan-Meier). ``?format=csv|xlsx``: one row per stage."""

    @extend_schema(
        summary=_("Pipeline report: stages, conversion, time in stage, valley crossing"),
        parameters=[s.PipelineQuerySerializer],
        responses={200: s.PipelineReportSerializer},
    )
    def get(self, request):
        report = selectors.pipeline_report(**self.query(s.PipelineQuerySerializer))
        return self.answer(
            s.PipelineReportSerializer(report).data,
            s.PipelineStageSerializer,
            itemgetter("stages"),
            resource=f"pipeline-report-{report.population}",
        )


class ValleyReportView(ReportView):
    """Time in the valley of death (Kaplan-Meier), crossings, exits and closures, fund-backed
    against not backed, and who is stuck there now."""

    @extend_schema(
        summary=_("Valley report: time in the valley, backed vs not backed, who is stuck"),
        description=_(
            "Survival figures of the stays in the valley (survival.md). The backed/not-backed "
            "split is descriptive, not causal."
        ),
        parameters=[s.ValleyQuerySerializer],
        responses={200: s.ValleyReportSerializer},
    )
    def get(self, request):
        query = s.ValleyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = {**query.validated_data}
        params["as_of"] = params.get("as_of") or timezone.localdate()
        # The answer kept in the report cache, not only the report: writing its curves'
        # points was the cached request's whole time at ten times the data (P8).
        data = self.cached_answer(
            "valley_answer",
            # every parameter given, name then value (the fund by its fields)
            tuple(part for name in sorted(params) for part in (name, params[name])),
            lambda: plain.represent(s.ValleyReportSerializer, selectors.valley_report(**params)),
        )
        return Response(data)
