"""Admin for investors, funding rounds and their participants."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portfolio import services
from portfolio.admin.base import (
    AmountMixin,
    BaseAdmin,
    MoneyAdmin,
    NonNegativeDecimalsMixin,
    SafeAutocompleteMixin,
    ShownOnlyMixin,
    SubquerySearchMixin,
    adopt,
    fund_filter,
)
from portfolio.admin.importing import ImportAdminMixin
from portfolio.admin.pipeline import _count
from portfolio.models import Disbursement, FundingRound, Investor, Participation


@admin.register(Investor)
class InvestorAdmin(BaseAdmin):
    list_display = ("name", "name_en", "kind", "round_count")
    list_filter = ("kind",)
    search_fields = ("name", "name_en")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(round_count=_count(Participation, "investor"))

    @admin.display(description=_("rounds"), ordering="round_count")
    def round_count(self, obj):
        return obj.round_count or 0


class ParticipationInline(NonNegativeDecimalsMixin, SafeAutocompleteMixin, admin.TabularInline):
    """Participants are entered and corrected with their round, through its service.

    Removing a participant hard-deletes a money row, so only a superuser may tick "delete".
    """

    model = Participation
    extra = 3
    fields = ("investor", "amount")
    autocomplete_fields = ("investor",)
    verbose_name = _("participant")
    verbose_name_plural = _("participants")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("investor")

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is not None else self.extra

    def has_delete_permission(self, request, obj=None):
        return bool(obj is not None and request.user.is_active and request.user.is_superuser)


ROUND_FIGURES = (
    "startup",
    "round_type",
    "closed_on",
    "amount",
    "amount_precision",
    "pre_money_valuation",
    "lead_investor",
)  # then the announcement and the note


@admin.register(FundingRound)
class FundingRoundAdmin(AmountMixin, ImportAdminMixin, SubquerySearchMixin, MoneyAdmin):
    """A round and its participants in one form, written by ``services.round_record``."""

    import_kind = "rounds"
    fields = (*ROUND_FIGURES, "announced_as", "note", "is_illustrative")
    inlines = (ParticipationInline,)
    list_display = (
        "startup",
        "round_type",
        "closed_on",
        "amount_display",
        "amount_precision",
        "lead_investor",
        "participant_count",
        "is_illustrative",
    )
    list_filter = (
        "is_illustrative",
        "round_type",
        "amount_precision",
        "startup__tech_area",
        "startup__stage",
        fund_filter(
            Disbursement.objects.all(), "funding_round", "commitment__fund", _("paid into by fund")
        ),
    )
    list_select_related = ("startup", "lead_investor")
    search_fields = (
        "startup__name",
        "startup__name_en",
        "startup__credit_code",
        "lead_investor__name",
        "lead_investor__name_en",
        "announced_as",
    )  # and the participants' names (search_subqueries)
    autocomplete_fields = ("startup", "lead_investor")
    date_hierarchy = "closed_on"
    show_full_result_count = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(participant_count=_count(Participation, "funding_round"))
        )

    def search_subqueries(self, term):
        participants = Participation.objects.filter(
            Q(investor__name__icontains=term) | Q(investor__name_en__icontains=term)
        )
        yield Q(pk__in=participants.values("funding_round_id"))

    @admin.display(description=_("participants"), ordering="participant_count")
    def participant_count(self, obj):
        return obj.participant_count or 0

    def get_readonly_fields(self, request, obj=None):
        # The fund's disbursements into a round are tied to its startup.
        return ("startup",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        # The round is written with its participants in save_related, through a service.
        pass

    def save_related(self, request, form, formsets, change):
        participants = []
        for formset in formsets:
            for item in formset.forms:
                data = getattr(item, "cleaned_data", None)
                if data and data.get("investor") and not data.get("DELETE"):
                    participants.append(
                        services.ParticipantInput(data["investor"], data.get("amount"))
                    )
        data = form.cleaned_data
        figures = {
            "round_type": data["round_type"],
            "closed_on": data["closed_on"],
            "amount": data.get("amount"),
            "amount_precision": data["amount_precision"],
            "announced_as": data.get("announced_as", ""),
            "pre_money_valuation": data.get("pre_money_valuation"),
            "lead_investor": data.get("lead_investor"),
            "participants": participants,
            "note": data.get("note", ""),
            "is_illustrative": bool(data.get("is_illustrative")),
            "by": request.user,
        }
        saved = []
        if change:
            services.round_update(funding_round=form.instance, **figures)
        else:
            created = services.round_record(startup=data["startup"], **figures)
            adopt(form.instance, created)
            saved = list(created.participations.select_related("investor"))
        for formset in formsets:  # the service wrote the participants; the admin logs these
            formset.new_objects, formset.changed_objects, formset.deleted_objects = saved, [], []


@admin.register(Participation)
class ParticipationAdmin(ShownOnlyMixin, AmountMixin, MoneyAdmin):
    """Participants are written with their round; this list is for finding and reading."""

    list_display = ("funding_round", "investor", "amount_display")
    list_filter = ("funding_round__round_type", "investor__kind")
    list_select_related = ("funding_round__startup", "investor")
    search_fields = (
        "investor__name",
        "investor__name_en",
        "funding_round__startup__name",
        "funding_round__startup__name_en",
    )
    show_full_result_count = False
