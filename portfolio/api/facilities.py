"""Shared quantum facilities in the API (issue 16, ``api-contract.md`` "Incubator operations
and statistics"): the facilities, their bookings and each facility's utilisation per month.

Every role reads; founders read the facilities (reference data) and their own startup's
bookings, not the utilisation (it sums every startup's bookings). Incubator staff add and
change facilities (no rule beyond the model's: ``save_clean``) and bookings
(``services.facility_booking_create`` / ``_update``: an overlapping booking is a 400 naming
``starts_at``). Reads come from ``portfolio.selectors.facilities``.
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
from portfolio.api.serializers import TEXT, IdField, StartupRecord, save_clean
from portfolio.api.views import ApiViewSet, CreateMixin, PartialUpdateMixin
from portfolio.models.facilities import BookingUnit, FacilityKind
from portfolio.selectors.scope import REFERENCE

QUANTITY = {"max_digits": 10, "decimal_places": 2, "min_value": 0}

# --- facilities ---------------------------------------------------------------------------


class FacilitySerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Facility
        fields = [
            "id",
            "name",
            "kind",
            "owner",
            "booking_unit",
            "required_training",
            "is_illustrative",
        ]
        extra_kwargs = {"required_training": {"max_length": 5000}}

    def create(self, validated_data):
        return save_clean(models.Facility(**validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return save_clean(instance)


class FacilityFilterSet(StrictFilterSet):
    kind = filters.ChoiceFilter(choices=FacilityKind.choices)
    booking_unit = filters.ChoiceFilter(choices=BookingUnit.choices)


@documented(
    list=_("Shared facilities (dilution refrigerators, clean rooms, ...)"),
    create=_("Add a shared facility (incubator staff)"),
    partial_update=_("Edit a shared facility (incubator staff)"),
)
class FacilityViewSet(CreateMixin, PartialUpdateMixin, ApiViewSet):
    """The shared quantum facilities startups book, with their booking unit and the
    training a user needs."""

    queryset = selectors.facility_list()
    serializer_class = FacilitySerializer
    filterset_class = FacilityFilterSet
    search_fields = ["name", "owner"]
    ordering_fields = ["id", "name", "kind", "owner"]
    ordering = ["name"]
    resource = "facilities"
    founder_scope = REFERENCE  # what can be booked is no startup's secret


# --- bookings -----------------------------------------------------------------------------


class FacilityBookingSerializer(StartupRecord):
    facility_name = serializers.CharField(source="facility.name", read_only=True)
    booking_unit = serializers.CharField(source="facility.booking_unit", read_only=True)

    class Meta:
        model = models.FacilityBooking
        fields = [
            "id",
            "facility",
            "facility_name",
            "startup",
            "startup_name",
            "starts_at",
            "ends_at",
            "units",
            "booking_unit",
            "helium_litres",
            "note",
            "created_by",
            "created_at",
        ]


class FacilityBookingCreateSerializer(ServiceInput):
    """Input of ``POST /facility-bookings/`` (``services.facility_booking_create``); a key
    that is none of its fields is a 400 naming it (a PATCH would otherwise change nothing
    and answer 200)."""

    create_service = services.facility_booking_create
    facility = IdField(queryset=models.Facility.objects.all())
    startup = IdField(queryset=models.Startup.objects.all())
    starts_at = serializers.DateTimeField(
        help_text=_("ISO date-time; without an offset it is read in Asia/Shanghai.")
    )
    ends_at = serializers.DateTimeField(
        help_text=_("ISO date-time, after starts_at; the next booking may start at it.")
    )
    units = serializers.DecimalField(
        required=False, help_text=_("In the facility's booking unit."), **QUANTITY
    )
    helium_litres = serializers.DecimalField(required=False, **QUANTITY)
    note = serializers.CharField(**TEXT)


class FacilityBookingUpdateSerializer(FacilityBookingCreateSerializer):
    """Input of ``PATCH /facility-bookings/{id}/`` (``services.facility_booking_update``)."""

    update_service = services.facility_booking_update
    instance_arg = "booking"


class FacilityBookingFilterSet(StrictFilterSet):
    facility = IdFilter(field_name="facility_id")
    startup = IdFilter(field_name="startup_id")
    kind = filters.ChoiceFilter(field_name="facility__kind", choices=FacilityKind.choices)
    starts_after, starts_before = date_range(
        "starts_at__date",
        _("Bookings that start on or after this day (Asia/Shanghai)."),
        _("Bookings that start on or before this day (Asia/Shanghai)."),
    )


@documented(
    list=_("Bookings of the shared facilities"),
    create=_("Book a facility for a startup (incubator staff)"),
    create_description=_(
        "400 naming `starts_at` when the period overlaps another booking of the facility "
        "(touching end to start is not an overlap), `ends_at` when it does not end after it "
        "starts. A refusal writes nothing."
    ),
    partial_update=_("Change a booking (incubator staff)"),
)
class FacilityBookingViewSet(CreateMixin, PartialUpdateMixin, ApiViewSet):
    """Startups' bookings of the shared facilities, with the units billed and the liquid
    helium used."""

    queryset = selectors.facility_booking_list()
    serializer_class = FacilityBookingSerializer
    filterset_class = FacilityBookingFilterSet
    search_fields = ["facility__name", "startup__name", "startup__name_en", "note"]
    ordering_fields = ["id", "starts_at", "ends_at", "units", "helium_litres", "startup__name"]
    ordering = ["-starts_at", "-id"]
    resource = "facility-bookings"
    founder_scope = "startup"
    create_serializer_class = FacilityBookingCreateSerializer
    update_serializer_class = FacilityBookingUpdateSerializer


# --- utilisation --------------------------------------------------------------------------


class UtilisationQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    facility = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)


class UtilisationMonthSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    bookings = serializers.IntegerField(help_text=_("Bookings that start in the month."))
    units = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text=_("Units billed, in the booking unit.")
    )
    hours = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text=_("Hours booked (end minus start).")
    )
    helium_litres = serializers.DecimalField(max_digits=14, decimal_places=2)
    available_hours = serializers.IntegerField(help_text=_("The month's days times 24."))
    share = serializers.DecimalField(
        max_digits=8, decimal_places=4, help_text=_("hours / available_hours.")
    )


class BriefFacilitySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    kind = serializers.CharField()
    booking_unit = serializers.CharField()


class FacilityUtilisationSerializer(UtilisationMonthSerializer):
    month = None
    facility = BriefFacilitySerializer()
    months = UtilisationMonthSerializer(many=True)


class UtilisationSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    facilities = FacilityUtilisationSerializer(many=True)


class FacilityUtilisationView(APIView):
    """Each facility's bookings, units, hours and helium per month of a year, and the share
    of the month's hours booked (``selectors.facility_utilisation``; the definition in
    ``docs/operations.md``). Read by every role that reads bookings; closed to founders."""

    permission_classes = [TokenScopePermission, RolePermissions]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    required_perms = None

    def permission_model(self):
        return models.FacilityBooking

    @extend_schema(
        summary=_("Utilisation of the shared facilities per month of a year"),
        description=_(
            "A booking counts, whole, in the month (Asia/Shanghai) it starts; `share` is the "
            "hours booked divided by the month's hours. 400 naming `year` when it is missing "
            "or outside 2000-2100."
        ),
        parameters=[UtilisationQuerySerializer],
        responses={200: UtilisationSerializer},
    )
    def get(self, request):
        query = UtilisationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data["year"]
        rows = selectors.facility_utilisation(year, facility=query.validated_data.get("facility"))
        return Response(UtilisationSerializer({"year": year, "facilities": rows}).data)
