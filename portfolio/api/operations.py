"""Space leases, mentors and mentoring sessions in the API (issue 16, ``api-contract.md``
"Incubator operations and statistics"), and the two figures on them: the space occupancy and
the mentors per 10 incubatees at a date.

Every role reads. Founders read their own startup's leases and sessions, and the mentors
whole: a mentor's name, type and appointment are reference data (the incubator publishes its
mentor list to its incubatees), not any startup's secret. The figures sum every startup's
rows and are closed to founders. Incubator staff add and change the three through
``services.operations`` (a refusal is a 400 naming the field; an overlapping lease of a
unit is a 400 naming ``starts_on``). Reads come from ``portfolio.selectors.operations``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from portfolio import models, selectors, services
from portfolio.api.auth import RolePermissions, TokenScopePermission
from portfolio.api.filters import IdFilter, StrictFilterSet, date_range
from portfolio.api.inputs import ServiceInput
from portfolio.api.renderers import JSONRenderer
from portfolio.api.schema import documented
from portfolio.api.serializers import MONEY, TEXT, IdField, ReadRow, StartupRecord, area
from portfolio.api.views import ApiViewSet, CreateMixin, PartialUpdateMixin
from portfolio.models.operations import MentorKind, SpaceKind
from portfolio.selectors.scope import REFERENCE
from portfolio.services.operations import LEASE_EDITABLE

# --- space leases ---------------------------------------------------------------------------


class SpaceLeaseSerializer(StartupRecord):
    class Meta:
        model = models.SpaceLease
        # what the service edits (``LEASE_EDITABLE``), the startup first with its name
        fields = [
            "id",
            "startup",
            "startup_name",
            *(name for name in LEASE_EDITABLE if name != "startup"),
            "created_by",
            "created_at",
        ]


class SpaceLeaseCreateSerializer(ServiceInput):
    """Input of ``POST /space-leases/`` (``services.space_lease_create``)."""

    create_service = services.space_lease_create

    startup = IdField(queryset=models.Startup.objects.all())
    unit = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=SpaceKind.choices)
    area_m2 = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    is_public_service_area = serializers.BooleanField(required=False)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("The last day; null: the lease runs on.")
    )
    list_rent = serializers.DecimalField(required=False, help_text=_("Yuan a month."), **MONEY)
    actual_rent = serializers.DecimalField(
        required=False, help_text=_("Yuan a month, at most the list rent."), **MONEY
    )
    subsidy = serializers.DecimalField(required=False, help_text=_("Yuan a month."), **MONEY)
    subsidy_source = serializers.CharField(**(TEXT | {"max_length": 200}))
    note = serializers.CharField(**TEXT)


class SpaceLeaseUpdateSerializer(SpaceLeaseCreateSerializer):
    update_service = services.space_lease_update
    instance_arg = "lease"


class SpaceLeaseFilterSet(StrictFilterSet):
    startup = IdFilter(field_name="startup_id")
    kind = filters.ChoiceFilter(choices=SpaceKind.choices)
    unit = filters.CharFilter()
    is_public_service_area = filters.BooleanFilter()
    starts_after, starts_before = date_range(
        "starts_on", _("Leases that start on or after."), _("Leases that start on or before.")
    )


@documented(
    list=_("Leases of the incubator's offices, labs and clean rooms"),
    create=_("Record a lease (incubator staff)"),
    create_description=_(
        "400 naming `starts_on` when the unit is leased on any of the lease's days (a lease "
        "may start the day after another ends), `ends_on` when it ends before it starts, "
        "`actual_rent` when it exceeds the list rent. A refusal writes nothing."
    ),
    partial_update=_("Change a lease (incubator staff)"),
)
class SpaceLeaseViewSet(CreateMixin, PartialUpdateMixin, ApiViewSet):
    """Startups' leases of the incubator's space, with the monthly list and actual rent and
    the subsidy (yuan)."""

    queryset = selectors.space_lease_list()
    serializer_class = SpaceLeaseSerializer
    filterset_class = SpaceLeaseFilterSet
    search_fields = ["unit", "startup__name", "startup__name_en", "subsidy_source", "note"]
    ordering_fields = ["id", "starts_on", "ends_on", "area_m2", "unit", "startup__name"]
    ordering = ["-starts_on", "-id"]
    resource = "space-leases"
    founder_scope = "startup"
    create_serializer_class = SpaceLeaseCreateSerializer
    update_serializer_class = SpaceLeaseUpdateSerializer


# --- mentors --------------------------------------------------------------------------------


class MentorSerializer(ReadRow):
    class Meta:
        model = models.Mentor
        fields = [
            "id",
            "name",
            "kind",
            "appointed_by",
            "appointed_on",
            "until",
            "is_full_time",
            "is_illustrative",
        ]


class MentorCreateSerializer(ServiceInput):
    create_service = services.mentor_create

    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=MentorKind.choices)
    appointed_by = serializers.CharField(max_length=200)
    appointed_on = serializers.DateField()
    until = serializers.DateField(required=False, allow_null=True)
    is_full_time = serializers.BooleanField(required=False)


class MentorUpdateSerializer(MentorCreateSerializer):
    update_service = services.mentor_update
    instance_arg = "mentor"


class MentorFilterSet(StrictFilterSet):
    kind = filters.ChoiceFilter(choices=MentorKind.choices)
    is_full_time = filters.BooleanFilter()
    appointed_after, appointed_before = date_range("appointed_on")


@documented(
    list=_("Mentors (创业导师) appointed for the incubatees"),
    create=_("Record a mentor (incubator staff)"),
    partial_update=_("Change a mentor (incubator staff)"),
)
class MentorViewSet(CreateMixin, PartialUpdateMixin, ApiViewSet):
    """The mentors: type, appointing body, appointment dates, full or part time."""

    queryset = selectors.mentor_list()
    serializer_class = MentorSerializer
    filterset_class = MentorFilterSet
    search_fields = ["name", "appointed_by"]
    ordering_fields = ["id", "name", "kind", "appointed_on"]
    ordering = ["name", "id"]
    resource = "mentors"
    founder_scope = REFERENCE  # the incubator's mentor list is shown to its incubatees
    create_serializer_class = MentorCreateSerializer
    update_serializer_class = MentorUpdateSerializer


# --- mentoring sessions ---------------------------------------------------------------------


class MentoringSessionSerializer(StartupRecord):
    mentor_name = serializers.CharField(source="mentor.name", read_only=True)

    class Meta:
        model = models.MentoringSession
        fields = [
            "id",
            "mentor",
            "mentor_name",
            "startup",
            "startup_name",
            "held_on",
            "hours",
            "topic",
            "follow_ups",
            "created_by",
            "created_at",
        ]


class MentoringSessionCreateSerializer(ServiceInput):
    create_service = services.mentoring_session_create

    mentor = IdField(queryset=models.Mentor.objects.all())
    startup = IdField(queryset=models.Startup.objects.all())
    held_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0)
    topic = serializers.CharField(max_length=300)
    follow_ups = serializers.CharField(**TEXT)


class MentoringSessionUpdateSerializer(MentoringSessionCreateSerializer):
    update_service = services.mentoring_session_update
    instance_arg = "session"


class MentoringSessionFilterSet(StrictFilterSet):
    mentor = IdFilter(field_name="mentor_id")
    startup = IdFilter(field_name="startup_id")
    kind = filters.ChoiceFilter(field_name="mentor__kind", choices=MentorKind.choices)
    held_after, held_before = date_range("held_on")


@documented(
    list=_("Mentoring sessions"),
    create=_("Record a mentoring session (incubator staff)"),
    partial_update=_("Change a mentoring session (incubator staff)"),
)
class MentoringSessionViewSet(CreateMixin, PartialUpdateMixin, ApiViewSet):
    """A mentor's sessions with startups: day, hours, topic and follow-ups."""

    queryset = selectors.mentoring_session_list()
    serializer_class = MentoringSessionSerializer
    filterset_class = MentoringSessionFilterSet
    search_fields = ["mentor__name", "startup__name", "startup__name_en", "topic"]
    ordering_fields = ["id", "held_on", "hours", "startup__name", "mentor__name"]
    ordering = ["-held_on", "-id"]
    resource = "mentoring-sessions"
    founder_scope = "startup"
    create_serializer_class = MentoringSessionCreateSerializer
    update_serializer_class = MentoringSessionUpdateSerializer


# --- figures --------------------------------------------------------------------------------


class OnQuerySerializer(serializers.Serializer):
    on = serializers.DateField(help_text=_("The date (Asia/Shanghai), 2000-01-01 to 2100-12-31."))

    def validate_on(self, value):
        if not 2000 <= value.year <= 2100:
            raise serializers.ValidationError(_("Enter a date between 2000 and 2100."))
        return value


class OccupancyRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    leases = serializers.IntegerField()
    leased_m2 = area()
    incubatee_use_m2 = area(
        help_text=_("Leased to incubatees, plus public service areas."),
    )
    incubatee_share = serializers.DecimalField(
        max_digits=8, decimal_places=4, allow_null=True, help_text=_("Of the leased area.")
    )


class OccupancySerializer(serializers.Serializer):
    on = serializers.DateField()
    kinds = OccupancyRowSerializer(many=True)
    total = OccupancyRowSerializer()


class MentorRatioSerializer(serializers.Serializer):
    on = serializers.DateField()
    mentors = serializers.IntegerField()
    incubatees = serializers.IntegerField()
    per_10_incubatees = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)


def figure_schema(summary, answer):
    """The OpenAPI of a ``_FigureView``'s GET: its summary and its answer's serializer; the
    ``on`` parameter and its 400 are every figure's."""
    return extend_schema(
        summary=summary,
        description=_("400 naming `on` when it is missing, malformed or outside 2000-2100."),
        parameters=[OnQuerySerializer],
        responses={200: answer},
    )


class _FigureView(APIView):
    permission_classes = [TokenScopePermission, RolePermissions]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    required_perms = None
    model = None

    def permission_model(self):
        return self.model

    def on(self, request):
        query = OnQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data["on"]


class SpaceOccupancyView(_FigureView):
    """The area leased on a date per space kind and the share used by incubatees
    (``selectors.space_occupancy``; the definition in ``docs/operations.md``). Closed to
    founders (it sums every startup's leases)."""

    model = models.SpaceLease

    @figure_schema(_("Space occupancy on a date"), OccupancySerializer)
    def get(self, request):
        return Response(OccupancySerializer(selectors.space_occupancy(self.on(request))).data)


class MentorRatioView(_FigureView):
    """Mentors in office per 10 incubatees on a date (``selectors.mentors_per_10_incubatees``;
    ``incubator-ops.md`` §1.3). Closed to founders."""

    model = models.Mentor

    @figure_schema(_("Mentors per 10 incubatees on a date"), MentorRatioSerializer)
    def get(self, request):
        return Response(
            MentorRatioSerializer(selectors.mentors_per_10_incubatees(self.on(request))).data
        )
