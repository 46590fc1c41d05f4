"""Admin for funds and their money: commitments, disbursements, marks, distributions.

Writes go through the fund services; only fund managers (and superusers) hold the add and
change permissions (migration 0002), incubator staff and viewers read.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from portfolio import metrics, models, services
from portfolio.admin.base import AmountMixin, BaseAdmin, MoneyAdmin, adopt
from portfolio.formatting import compliance_rows, format_yuan, money, multiple, percent
from portfolio.models import specs
from portfolio.selectors import fund_report


@admin.register(models.Fund)
class FundAdmin(BaseAdmin):
    list_display = (
        "name",
        "name_en",
        "vintage_year",
        "size_display",
        "committed_display",
        "disbursed_display",
        "available_display",
        "is_illustrative",
    )
    search_fields = ("name", "name_en", "manager")
    readonly_fields = ("capital", "compliance", "entries")
    fieldsets = (
        (_("Capital at a glance"), {"fields": ("capital", "compliance", "entries")}),
        (
            None,
            {"fields": ("name", "name_en", "size", "vintage_year", "manager")},
        ),
        (
            _("Policy limits"),
            {"fields": specs.FUND_POLICY},
        ),
        (_("LP terms (fee, hurdle, carry)"), {"fields": specs.FUND_LP_TERMS}),
        (_("Policy pack (返投, stake cap)"), {"fields": specs.FUND_POLICY_PACK}),
        (_("Illustrative terms"), {"fields": ("is_illustrative", "illustrative_note")}),
    )

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets[1:] if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        """The size, policy limits and terms are shown, not edited, without the terms
        permission (superusers): a fund manager changes the name and the manager only."""
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and not request.user.has_perm(services.fund.TERMS_PERMISSION):
            readonly += specs.FUND_TERMS
        return readonly

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        adopt(obj, services.fund_update(fund=obj, by=request.user, **changed))

    def get_queryset(self, request):
        return super().get_queryset(request).with_capital()

    @admin.display(description=_("size"), ordering="size")
    def size_display(self, obj):
        return money(obj.size)

    @admin.display(description=_("committed"), ordering="committed")
    def committed_display(self, obj):
        return money(obj.committed)

    @admin.display(description=_("disbursed"), ordering="disbursed")
    def disbursed_display(self, obj):
        return money(obj.disbursed)

    @admin.display(description=_("available"))
    def available_display(self, obj):
        return money(metrics.available(size=obj.size, committed=obj.committed))

    def _report(self, obj):
        if not hasattr(obj, "_admin_report"):
            obj._admin_report = fund_report(obj)
        return obj._admin_report

    @admin.display(description=_("capital"))
    def capital(self, obj):
        report = self._report(obj)
        size = report.size or Decimal("1")
        disbursed_pct = min(Decimal(100), report.disbursed * 100 / size)
        pending_pct = max(
            Decimal(0), min(Decimal(100), report.committed * 100 / size) - disbursed_pct
        )
        rows = [
            (gettext("size"), money(report.size), format_yuan(report.size)),
            (gettext("committed"), money(report.committed), format_yuan(report.committed)),
            (gettext("disbursed"), money(report.disbursed), format_yuan(report.disbursed)),
            (gettext("available"), money(report.available), format_yuan(report.available)),
            (gettext("realized"), money(report.realized), format_yuan(report.realized)),
            (
                gettext("unrealized (fair value)"),
                money(report.unrealized),
                format_yuan(report.unrealized),
            ),
        ]
        table = format_html_join(
            "", '<tr><th scope="row">{}</th><td>{}</td><td class="exact">{}</td></tr>', rows
        )
        return format_html(
            # An SVG's attributes, not style="": the Content-Security-Policy allows no
            # inline styles (the bar's frame is in portfolio/admin.css).
            '<div class="fund-capital">'
            '<svg class="capital-bar" role="img" aria-label="{label}">'
            '<rect class="capital-bar-disbursed" x="0" width="{d}%" height="100%" '
            'fill="#2e7d32"><title>{d_title}</title></rect>'
            '<rect class="capital-bar-committed" x="{d}%" width="{c}%" height="100%" '
            'fill="#a5d6a7"><title>{c_title}</title></rect>'
            "</svg>"
            "<p>{legend}</p>"
            '<table class="capital-table">{table}</table>'
            "<p>{ratios}</p></div>",
            label=gettext("committed and disbursed share of the fund's size"),
            d_title=gettext("disbursed"),
            c_title=gettext("committed, not yet paid"),
            d=f"{disbursed_pct:.2f}",
            c=f"{pending_pct:.2f}",
            legend=gettext(
                "Dark: disbursed. Light: committed, not yet paid. Empty: available "
                "(%(pct)s%% of the size)."
            )
            % {"pct": f"{max(Decimal(0), 100 - disbursed_pct - pending_pct):.1f}"},
            table=table,
            ratios=gettext(
                "Gross multiple %(moic)s · gross realized multiple %(dpi)s · gross unrealized "
                "multiple %(rvpi)s · gross IRR %(irr)s · %(n)s companies"
            )
            % {
                "moic": multiple(report.gross_moic),
                "dpi": multiple(report.gross_dpi),
                "rvpi": multiple(report.gross_rvpi),
                "irr": percent(report.gross_irr),
                "n": report.companies,
            },
        )

    @admin.display(description=_("compliance checks"))
    def compliance(self, obj):
        rows = [
            (
                "ok" if row.ok else "breach",
                row.label,
                row.limit,
                row.actual,
                ("✓ " if row.ok else "✗ ") + row.result,
            )
            for row in compliance_rows(self._report(obj).compliance)
        ]
        return format_html(
            '<table class="compliance-table"><thead><tr><th>{}</th><th>{}</th><th>{}</th>'
            "<th>{}</th></tr></thead><tbody>{}</tbody></table>",
            gettext("rule"),
            gettext("limit"),
            gettext("actual"),
            gettext("result"),
            format_html_join(
                "",
                '<tr class="compliance-{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
                rows,
            ),
        )

    @admin.display(description=_("entries"))
    def entries(self, obj):
        links = []
        for model, lookup in (
            (models.Commitment, "fund__id__exact"),
            (models.Disbursement, "commitment__fund__id__exact"),
            (models.ValuationMark, "fund__id__exact"),
            (models.Distribution, "fund__id__exact"),
        ):
            opts = model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            links.append((f"{url}?{lookup}={obj.pk}", opts.verbose_name_plural))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)


class NoteOnlyAfterwardsMixin:
    """A recorded cash flow or decision is written by ``create_service`` from the add form's
    fields (a refusal is a form error) and keeps its figures; afterwards only the note may be
    edited, a write with no rule behind it (the model's validation, as the form runs it)."""

    create_service = None  # staticmethod(services.<entity>_<action>)
    editable_after = ("note",)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return [f for f in self.get_fields(request, obj) if f not in self.editable_after]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        adopt(obj, self.create_service(by=request.user, **form.cleaned_data))


class FundStartupAdmin(NoteOnlyAfterwardsMixin, MoneyAdmin):
    """A fund's row about one startup (a commitment, a valuation mark, a distribution):
    searched by the startup, both picked by autocomplete, a big table."""

    list_select_related = ("fund", "startup")
    search_fields = ("startup__name", "startup__name_en", "startup__credit_code", "note")
    autocomplete_fields = ("fund", "startup")
    show_full_result_count = False


@admin.register(models.Commitment)
class CommitmentAdmin(AmountMixin, FundStartupAdmin):
    create_service = staticmethod(services.commitment_create)
    fields = (
        "fund",
        "startup",
        "amount",
        "approved_on",
        "status",
        "registered_region",
        "is_illustrative",
        "relocation_kind",
        "relocated_on",
        "note",
    )
    # a relocation (返投 credit) is recorded after the commitment, through its service
    editable_after = ("note", "relocation_kind", "relocated_on")
    list_display = (
        "startup",
        "fund",
        "amount_display",
        "paid_display",
        "approved_on",
        "status",
        "registered_region",
        "is_illustrative",
        "created_by",
    )
    list_filter = ("fund", "status", "is_illustrative", "startup__tech_area", "startup__stage")
    list_select_related = ("fund", "startup", "created_by")
    date_hierarchy = "approved_on"
    actions = ("cancel_commitments",)

    def get_fields(self, request, obj=None):
        # the status and the region at commitment are the service's to set
        if obj is not None:
            return self.fields
        return [
            f
            for f in self.fields
            if f not in ("status", "registered_region", "relocation_kind", "relocated_on")
        ]

    def save_model(self, request, obj, form, change):
        relocation = ("relocation_kind", "relocated_on")
        if change and set(relocation) & set(form.changed_data):
            data = form.cleaned_data
            services.commitment_relocate(
                commitment=obj,
                kind=data.get("relocation_kind", ""),
                on=data.get("relocated_on"),
                by=request.user,
            )
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        paid = models.Disbursement.objects.total_per("commitment")
        return super().get_queryset(request).annotate(paid=paid)

    @admin.display(description=_("paid"), ordering="paid")
    def paid_display(self, obj):
        return money(obj.paid)

    @admin.action(description=_("Cancel selected commitments"), permissions=["change"])
    def cancel_commitments(self, request, queryset):
        """Through ``commitment_cancel_many``: all or nothing."""
        self.report_bulk(
            request,
            lambda: services.commitment_cancel_many(commitments=queryset, by=request.user),
            ngettext_lazy("%(n)d commitment cancelled.", "%(n)d commitments cancelled.", "n"),
        )


class OfCommitmentMixin(AmountMixin):
    """The columns of a row that belongs to a commitment (a payment, a tranche): its
    startup, its fund and its amount."""

    @admin.display(description=_("startup"), ordering="commitment__startup__name")
    def startup(self, obj):
        return obj.commitment.startup

    @admin.display(description=_("fund"), ordering="commitment__fund__name")
    def fund(self, obj):
        return obj.commitment.fund


@admin.register(models.Disbursement)
class DisbursementAdmin(OfCommitmentMixin, NoteOnlyAfterwardsMixin, MoneyAdmin):
    create_service = staticmethod(services.disbursement_record)
    fields = (
        "commitment",
        "tranche",
        "funding_round",
        "paid_on",
        "amount",
        "ownership_pct",
        "note",
    )
    list_display = (
        "startup",
        "fund",
        "paid_on",
        "amount_display",
        "ownership_pct",
        "funding_round",
    )
    list_filter = ("commitment__fund", "commitment__startup__tech_area")
    list_select_related = (
        "commitment__fund",
        "commitment__startup",
        "funding_round__startup",
    )
    search_fields = (
        "commitment__startup__name",
        "commitment__startup__name_en",
        "commitment__startup__credit_code",
        "note",
    )
    autocomplete_fields = ("commitment", "funding_round", "tranche")
    date_hierarchy = "paid_on"
    show_full_result_count = False


@admin.register(models.ValuationMark)
class ValuationMarkAdmin(FundStartupAdmin):
    fields = ("fund", "startup", "as_of", "fair_value", "method", "note")
    editable_after = ("fair_value", "method", "note")
    list_display = ("startup", "fund", "as_of", "fair_value_display", "method")
    list_filter = ("fund", "method", "startup__tech_area")
    date_hierarchy = "as_of"

    @admin.display(description=_("fair value"), ordering="fair_value")
    def fair_value_display(self, obj):
        return money(obj.fair_value)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        created = services.valuation_mark(
            fund=obj.fund,
            startup=obj.startup,
            as_of=obj.as_of,
            fair_value=data["fair_value"],
            method=data.get("method", obj.method),
            note=data.get("note", ""),
            by=request.user,
        )
        adopt(obj, created)


@admin.register(models.Distribution)
class DistributionAdmin(AmountMixin, FundStartupAdmin):
    create_service = staticmethod(services.distribution_record)
    fields = ("fund", "startup", "paid_on", "amount", "kind", "note")
    list_display = ("startup", "fund", "paid_on", "amount_display", "kind")
    list_filter = ("fund", "kind", "startup__tech_area")
    date_hierarchy = "paid_on"


@admin.register(models.Tranche)
class TrancheAdmin(OfCommitmentMixin, NoteOnlyAfterwardsMixin, MoneyAdmin):
    """A planned part of a commitment, written by ``services.tranche_create`` (the same
    refusals as the API's, as form errors)."""

    create_service = staticmethod(services.tranche_create)
    fields = ("commitment", "amount", "milestone", "due_by", "note")
    list_display = ("startup", "fund", "amount_display", "milestone", "due_by")
    list_filter = ("commitment__fund",)
    list_select_related = ("commitment__fund", "commitment__startup", "milestone__startup")
    search_fields = ("commitment__startup__name", "commitment__startup__name_en", "note")
    autocomplete_fields = ("commitment", "milestone")
    date_hierarchy = "due_by"
    show_full_result_count = False
