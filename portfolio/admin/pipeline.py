"""Admin for the pipeline: institutions, stages, startups and what happens to them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from portfolio import selectors, services
from portfolio.admin.base import (
    BaseAdmin,
    NonNegativeDecimalsMixin,
    ReadOnlyAdmin,
    ReadOnlyInline,
    SubquerySearchMixin,
    adopt,
    fund_filter,
)
from portfolio.admin.evidence import EvidenceInline
from portfolio.admin.forms import (
    AdvanceStageForm,
    GraduateForm,
    StartupCreateForm,
    add_service_error,
)
from portfolio.admin.founders import FounderInline  # also registers the founders' admin
from portfolio.admin.importing import ImportAdminMixin
from portfolio.formatting import money
from portfolio.models import (
    Commitment,
    FundingRound,
    Institution,
    KpiReport,
    Milestone,
    Participation,
    Stage,
    StageTransition,
    Startup,
    specs,
)
from portfolio.models.choices import Population, StartupStatus
from portfolio.selectors import incubation
from portfolio.services import common


def _count(model, fk: str):
    """A correlated COUNT subquery: no join, so the changelist's row count is not multiplied."""
    return Subquery(
        model.objects.filter(**{fk: OuterRef("pk")})
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )


@admin.register(Institution)
class InstitutionAdmin(BaseAdmin):
    list_display = ("name", "name_en", "short_name", "kind", "city", "startup_count")
    list_filter = ("kind", "city")
    search_fields = ("name", "name_en", "short_name")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(startup_count=_count(Startup, "institution"))

    @admin.display(description=_("startups"), ordering="startup_count")
    def startup_count(self, obj):
        return obj.startup_count or 0


@admin.register(Stage)
class StageAdmin(BaseAdmin):
    list_display = (
        "order",
        "name",
        "name_en",
        "slug",
        "trl_min",
        "trl_max",
        "in_valley",
        "outcome",
        "startup_count",
    )
    list_display_links = ("name",)
    list_filter = ("in_valley", "outcome")
    search_fields = ("name", "name_en", "slug")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(startup_count=_count(Startup, "stage"))

    @admin.display(description=_("startups now"), ordering="startup_count")
    def startup_count(self, obj):
        return obj.startup_count or 0


class CohortYearFilter(admin.SimpleListFilter):
    title = _("cohort year")
    parameter_name = "cohort"

    def lookups(self, request, model_admin):
        return [(str(year), str(year)) for year in selectors.cohort_years()]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(admitted_on__year=int(value))
        return queryset


class PopulationFilter(admin.SimpleListFilter):
    """Incubatees (admitted) or tracked companies (followed, never admitted): domain.md,
    "Populations". No choice: every startup."""

    title = _("population")
    parameter_name = "population"

    def lookups(self, request, model_admin):
        return [
            (Population.INCUBATOR, Population.INCUBATOR.label),
            (Population.TRACKED, Population.TRACKED.label),
        ]

    def queryset(self, request, queryset):
        if self.value() in (Population.INCUBATOR, Population.TRACKED):
            return queryset.in_population(self.value())
        return queryset


class ValleyFilter(admin.SimpleListFilter):
    title = _("valley of death")
    parameter_name = "valley"

    def lookups(self, request, model_admin):
        return [
            ("in", _("in the valley now")),
            ("crossed", _("crossed the valley")),
            ("before", _("not yet crossed")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "in":
            return queryset.in_valley()
        if self.value() == "crossed":
            return queryset.crossed_valley()
        if self.value() == "before":
            return queryset.filter(crossed_valley_on__isnull=True)
        return queryset


class StageTransitionInline(ReadOnlyInline):
    model = StageTransition
    fk_name = "startup"
    fields = ("on", "from_stage", "to_stage", "trl", "note", "recorded_by", "recorded_at")
    readonly_fields = fields
    ordering = ("-on", "-id")
    show_change_link = False
    verbose_name_plural = _("stage history (newest first)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_stage", "to_stage", "recorded_by")


class FundingRoundInline(ReadOnlyInline):
    model = FundingRound
    fields = ("closed_on", "round_type", "amount_display", "amount_precision", "lead_investor")
    readonly_fields = fields
    ordering = ("-closed_on", "-id")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lead_investor", "startup")

    @admin.display(description=_("amount"))
    def amount_display(self, obj):
        return money(obj.amount)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ("achieved_on", "kind", "title", "description", "is_illustrative")
    ordering = ("-achieved_on", "-id")


#: a KPI report's quarter and figures as its forms show them (the API's row less the currency)
KPI_REPORT_FIELDS = tuple(name for name in specs.KPI_FIGURES if name != "currency")


class KpiReportInline(NonNegativeDecimalsMixin, admin.TabularInline):
    model = KpiReport
    extra = 0
    fields = KPI_REPORT_FIELDS
    ordering = ("-year", "-quarter")


# The startup's form, in sections; what a person may edit is ``specs.STARTUP``'s to say.
STARTUP_FIELDS_HEAD = ("name", "name_en", "credit_code", "tech_area", "institution", "founders")
STARTUP_DATES = ("founded_on", "admitted_on")
STARTUP_STAGE = ("stage", "trl", "stage_entered_on", "crossed_valley_on")
#: every other field a person gives: a column added to the spec lands here by itself
STARTUP_FIELDS_TAIL = tuple(
    name
    for name in specs.STARTUP.writable(create=True, api=False)
    if name not in (*STARTUP_FIELDS_HEAD, *STARTUP_DATES, *STARTUP_STAGE)
)


@admin.register(Startup)
class StartupAdmin(ImportAdminMixin, SubquerySearchMixin, BaseAdmin):
    import_kind = "startups"
    change_form_template = "admin/portfolio/startup/change_form.html"
    list_display = (
        "name",
        "name_en",
        "tech_area",
        "institution",
        "stage_display",
        "trl",
        "status",
        "total_raised_display",
        "days_in_stage",
        "latest_kpi",
    )
    list_filter = (
        "stage",
        "tech_area",
        "institution",
        "status",
        PopulationFilter,
        CohortYearFilter,
        ValleyFilter,
        fund_filter(Commitment.objects.live(), "startup", "fund", _("held by fund")),
        "is_illustrative",
    )
    list_select_related = ("stage", "institution")
    search_fields = (
        "name",
        "name_en",
        "credit_code",
        "founders",
        "institution__name",
        "institution__name_en",
    )  # and the names of investors in its rounds (search_subqueries)
    autocomplete_fields = ("institution",)
    date_hierarchy = "admitted_on"
    show_full_result_count = False
    actions = ("advance_stage",)

    add_fieldsets = (
        (None, {"fields": STARTUP_FIELDS_HEAD}),
        (_("Dates"), {"fields": STARTUP_DATES}),
        (_("Initial stage"), {"fields": ("stage", "trl", "entered_on")}),
        (_("Details"), {"fields": STARTUP_FIELDS_TAIL}),
    )
    change_fieldsets = (
        (None, {"fields": (*STARTUP_FIELDS_HEAD, "status")}),
        (_("Dates"), {"fields": STARTUP_DATES}),
        (_("Stage (moves only through “Advance stage”)"), {"fields": STARTUP_STAGE}),
        (_("Details"), {"fields": STARTUP_FIELDS_TAIL}),
        (_("Admission eligibility"), {"fields": ("eligibility",)}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    #: shown on the change form, changed only by the services (moves) or not at all
    change_readonly = tuple(
        name for name in flatten_fieldsets(change_fieldsets) if name not in specs.STARTUP.updatable
    )

    # --- list --------------------------------------------------------------------------

    def search_subqueries(self, term):
        investors = Participation.objects.filter(
            Q(investor__name__icontains=term) | Q(investor__name_en__icontains=term)
        )
        yield Q(pk__in=investors.values("funding_round__startup_id"))

    def get_queryset(self, request):
        latest_kpi = (
            KpiReport.objects.filter(startup=OuterRef("pk"))
            .order_by("-year", "-quarter")
            .annotate(period=F("year") * 10 + F("quarter"))
            .values("period")[:1]
        )
        return super().get_queryset(request).with_funding_totals().annotate(latest_kpi=latest_kpi)

    @admin.display(description=_("current stage"), ordering="stage__order")
    def stage_display(self, obj):
        if obj.stage.in_valley:
            return format_html(
                '{} <span class="valley-flag" title="{}">⚠ {}</span>',
                obj.stage,
                gettext("in the valley of death"),
                gettext("valley"),
            )
        if obj.crossed_valley_on:
            return format_html(
                '{} <span class="crossed-flag" title="{}">✓</span>',
                obj.stage,
                gettext("crossed the valley"),
            )
        return str(obj.stage)

    @admin.display(description=_("total raised"), ordering="total_raised")
    def total_raised_display(self, obj):
        return money(obj.total_raised)

    @admin.display(description=_("days in stage"), ordering="-stage_entered_on")
    def days_in_stage(self, obj):
        if obj.stage_entered_on is None:
            return "—"
        return (common.today() - obj.stage_entered_on).days

    @admin.display(description=_("latest KPI"), ordering="latest_kpi")
    def latest_kpi(self, obj):
        if not obj.latest_kpi:
            return "—"
        return f"{obj.latest_kpi // 10} Q{obj.latest_kpi % 10}"

    # --- add and change ----------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        return self.change_fieldsets if obj else self.add_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        fields = self.change_readonly
        if obj.stage.is_terminal:
            fields += ("status",)  # exited / closed follow the terminal stage
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = StartupCreateForm
        form = super().get_form(request, obj, change=change, **kwargs)
        if "status" in form.base_fields:
            # Exited and closed are reached by advancing to the terminal stage, which also
            # records the transition; by hand a startup is only active or graduated.
            form.base_fields["status"].choices = [
                (StartupStatus.ACTIVE, StartupStatus.ACTIVE.label),
                (StartupStatus.GRADUATED, StartupStatus.GRADUATED.label),
            ]
        return form

    @admin.display(description=_("admission rules"))
    def eligibility(self, obj):
        """Each admission rule met, failed or unknown (``selectors.incubation``; one query)."""
        labels = {
            incubation.MET: gettext("met"),
            incubation.FAILED: gettext("failed"),
            incubation.UNKNOWN: gettext("unknown (not recorded)"),
        }
        rows = incubation.eligibility(obj, today=common.today())
        return format_html_join(
            "",
            '<div class="eligibility eligibility-{}">{}: <strong>{}</strong></div>',
            ((row.status, row.rule, labels[row.status]) for row in rows),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_record_round": request.user.has_perm("portfolio.add_fundinground"),
            "can_graduate": self._can_graduate(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        return [
            StageTransitionInline,
            FundingRoundInline,
            MilestoneInline,
            KpiReportInline,
            FounderInline,
        ]

    def save_model(self, request, obj, form, change):
        data = dict(form.cleaned_data)
        if change:
            changed = {name: data[name] for name in form.changed_data}
            adopt(obj, services.startup_update(startup=obj, by=request.user, **changed))
            return
        entered_on = data.pop("entered_on", None)
        created = services.startup_create(by=request.user, entered_on=entered_on, **data)
        adopt(obj, created)

    # --- advancing ---------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "advance/",
                self.admin_site.admin_view(self.advance_view),
                name=f"{info[0]}_{info[1]}_advance_many",
            ),
            path(
                "<path:object_id>/advance/",
                self.admin_site.admin_view(self.advance_view),
                name=f"{info[0]}_{info[1]}_advance",
            ),
            path(
                "<path:object_id>/graduate/",
                self.admin_site.admin_view(self.graduate_view),
                name=f"{info[0]}_{info[1]}_graduate",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=_("Advance stage"), permissions=["change"])
    def advance_stage(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        url = reverse("admin:portfolio_startup_advance_many")
        return HttpResponseRedirect(f"{url}?ids={ids}")

    def advance_view(self, request, object_id=None):
        """Intermediate form: to stage, date, TRL, note; calls ``startup_advance``."""
        if object_id is not None:
            ids = [pk for pk in [unquote(object_id)] if pk.isdigit()]
        else:
            ids = [pk for pk in request.GET.get("ids", "").split(",") if pk.strip().isdigit()]
        startups = list(Startup.objects.filter(pk__in=ids).select_related("stage"))
        if not startups:
            raise Http404(gettext("No startup selected."))
        if not all(self.has_change_permission(request, startup) for startup in startups):
            raise PermissionDenied
        single = startups[0] if object_id is not None else None
        initial = {"trl": single.trl} if single else {}
        form = AdvanceStageForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                self._advance(request, startups, single, form)
            except ValidationError as error:
                if single:
                    add_service_error(form, error)
                else:  # each message names its startup: shown above the form
                    form.add_error(None, ValidationError(error.messages))
            else:
                if single:
                    return HttpResponseRedirect(
                        reverse("admin:portfolio_startup_change", args=[single.pk])
                    )
                return HttpResponseRedirect(reverse("admin:portfolio_startup_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Advance stage"),
            "opts": self.opts,
            "form": form,
            "startups": startups,
            "single": single,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/portfolio/startup/advance.html", context)

    # --- graduating ---------------------------------------------------------------------

    def _can_graduate(self, request) -> bool:
        return request.user.has_perm("portfolio.change_startup") and request.user.has_perm(
            "portfolio.add_graduation"
        )

    def graduate_view(self, request, object_id):
        """On, basis, note; calls ``startup_graduate`` (a refusal shows next to its field)."""
        pk = unquote(object_id)
        startup = Startup.objects.filter(pk=pk).first() if pk.isdigit() else None
        if startup is None:
            raise Http404(gettext("No startup selected."))
        if not self._can_graduate(request):
            raise PermissionDenied
        form = GraduateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.startup_graduate(startup=startup, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                self.log_change(request, startup, gettext("Graduated."))
                self.message_user(request, gettext("Graduation recorded."), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:portfolio_startup_change", args=[startup.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Graduate %(startup)s") % {"startup": startup},
            "opts": self.opts,
            "form": form,
            "startup": startup,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/portfolio/startup/graduate.html", context)

    def _advance(self, request, startups, single, form) -> None:
        """Advance one startup, or all or none of several, through the services."""
        data = form.cleaned_data
        if single:
            services.startup_advance(startup=single, by=request.user, **data)
        else:
            services.startup_advance_many(startups=startups, by=request.user, **data)
        for startup in startups:
            self.log_change(
                request, startup, gettext("Advanced to %(stage)s.") % {"stage": data["to_stage"]}
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d startup advanced to %(stage)s.",
                "%(count)d startups advanced to %(stage)s.",
                len(startups),
            )
            % {"count": len(startups), "stage": data["to_stage"]},
            messages.SUCCESS,
        )


@admin.register(StageTransition)
class StageTransitionAdmin(ReadOnlyAdmin):
    """Append-only: transitions are written by creating and advancing startups."""

    list_display = ("startup", "from_stage", "to_stage", "on", "trl", "recorded_by", "recorded_at")
    list_filter = ("to_stage", "from_stage", "startup__tech_area")
    list_select_related = ("startup", "from_stage", "to_stage", "recorded_by")
    search_fields = ("startup__name", "startup__name_en", "startup__credit_code", "note")
    date_hierarchy = "on"
    show_full_result_count = False


@admin.register(Milestone)
class MilestoneAdmin(BaseAdmin):
    list_display = ("startup", "kind", "title", "achieved_on", "verified_on", "is_illustrative")
    readonly_fields = ("verified_on", "verified_by")
    inlines = (EvidenceInline,)  # its files, read-only, with their download links (issue 15)
    actions = ("verify_milestones",)

    @admin.action(description=_("Verify selected milestones"), permissions=["change"])
    def verify_milestones(self, request, queryset):
        """Through ``services.milestone_verify_many`` (today, by the user): all or nothing."""
        self.report_bulk(
            request,
            lambda: services.milestone_verify_many(milestones=queryset, by=request.user),
            ngettext_lazy("%(n)d milestone verified.", "%(n)d milestones verified.", "n"),
        )

    list_filter = ("kind", "is_illustrative", "startup__tech_area", "startup__stage")
    list_select_related = ("startup",)
    search_fields = ("title", "startup__name", "startup__name_en", "startup__credit_code")
    autocomplete_fields = ("startup",)
    date_hierarchy = "achieved_on"
    show_full_result_count = False


@admin.register(KpiReport)
class KpiReportAdmin(ImportAdminMixin, BaseAdmin):
    import_kind = "kpi"
    # the figures are declared on ``KpiFigures``, so the model lists them before the startup
    fields = ("startup", *KPI_REPORT_FIELDS)
    list_display = (
        "startup",
        "period",
        "revenue_display",
        "rd_spend_display",
        "headcount",
        "customers",
        "cash_display",
        "runway_months",
        "is_illustrative",
    )
    list_filter = ("year", "quarter", "is_illustrative", "startup__tech_area", "startup__stage")
    list_select_related = ("startup",)
    search_fields = ("startup__name", "startup__name_en", "startup__credit_code")
    autocomplete_fields = ("startup",)
    show_full_result_count = False

    @admin.display(description=_("quarter"), ordering="year")
    def period(self, obj):
        return f"{obj.year} Q{obj.quarter}"

    @admin.display(description=_("revenue"), ordering="revenue")
    def revenue_display(self, obj):
        return money(obj.revenue)

    @admin.display(description=_("R&D spend"), ordering="rd_spend")
    def rd_spend_display(self, obj):
        return money(obj.rd_spend)

    @admin.display(description=_("cash"), ordering="cash")
    def cash_display(self, obj):
        return money(obj.cash)
