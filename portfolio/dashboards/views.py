"""Dashboard pages: thin views that read through ``dashboards`` and draw with ``panels``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from portfolio import selectors
from portfolio.dashboards import data, panels
from portfolio.dashboards.forms import (
    AsOfForm,
    FundPageForm,
    ImpactForm,
    PipelineFilterForm,
    StatementForm,
)
from portfolio.dashboards.panels import common
from portfolio.founders.access import is_founder, staff_pages
from portfolio.models import Fund, LimitedPartner, Startup
from portfolio.models.choices import Population
from portfolio.selectors import fund_policy, lp_report, report_cache


def home(request: HttpRequest) -> HttpResponse:
    """``/``: the overview for a logged-in user, the login page for anyone else."""
    if is_founder(request.user):
        return redirect("founder:home")
    if request.user.is_authenticated:
        return redirect("dashboard:pipeline")
    return redirect("login")


def _funds():
    # The navigation lists the funds (a handful of rows).
    return Fund.objects.only("pk", "name", "name_en").order_by("name")


def _may_view(*perms: str):
    """Logged in (else to the login page), not a founder (else to /founder/) and allowed to
    read these rows (else 403)."""

    def decorate(view):
        return login_required(staff_pages(permission_required(perms, raise_exception=True)(view)))

    return decorate


@_may_view("portfolio.view_startup", "portfolio.view_stage")
def pipeline(request: HttpRequest) -> HttpResponse:
    form = PipelineFilterForm(request.GET or None)
    context = {"form": form, "funds": _funds(), "today": timezone.localdate()}
    if form.is_bound and not form.is_valid():
        return render(request, "portfolio/pipeline.html", context, status=400)
    overview = data.pipeline_overview(form.filters())
    params = common.filter_params(overview.filters)
    if request.user.has_perm("portfolio.view_kpirequest"):
        context["kpi_requests"] = selectors.open_kpi_requests()
    if request.user.has_perm("portfolio.view_incubationagreement"):
        # every incubatee, whatever the filters (seven queries, whatever their number)
        today, every = context["today"], form.every_row()
        context["past_deadline"] = common.table(
            selectors.incubation.past_deadline(today), request, every
        )
        context["graduation_due"] = common.table(
            selectors.incubation.meeting_a_graduation_test(today), request, every
        )
    context.update(
        overview=overview,
        headline=overview.headline,
        charts=panels.overview_charts(overview),
        population=Population(overview.filters.population).label,
        report_url=common.api_url("reports/pipeline/", **params),
        valley_url=common.api_url("reports/valley/", **params),
        tracked_url=common.api_url(
            "startups/",
            format="csv",
            population=Population.TRACKED,
            tech_area=overview.filters.tech_area,
            institution=overview.filters.institution,
        ),
    )
    return render(request, "portfolio/pipeline.html", context)


def _fund_page(request: HttpRequest, pk: int, template: str, form_class=AsOfForm):
    """A fund page's fund and ``?as_of=`` date: ``(context, as_of, None)``, or, for a bad
    date, ``(context, None, the page with the form's error, status 400)``."""
    form = form_class(request.GET or None)
    context = {"form": form, "fund": get_object_or_404(Fund, pk=pk), "funds": _funds()}
    if form.is_bound and not form.is_valid():
        return context, None, render(request, template, context, status=400)
    return context, form.cleaned_data["as_of"] if form.is_bound else None, None


@_may_view("portfolio.view_fund", "portfolio.view_commitment")
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context, as_of, refused = _fund_page(request, pk, "portfolio/fund.html", FundPageForm)
    if refused:
        return refused
    fund, every = context["fund"], context["form"].every_row()
    board = data.fund_dashboard(fund, as_of)
    context.update(
        board=board,
        holdings=common.table(board.holdings, request, every),
        report=board.report,
        charts=panels.fund_charts(board),
        compliance=panels.compliance_rows(board),
        report_url=common.api_url(f"funds/{fund.pk}/report/", as_of=board.as_of.isoformat()),
        holdings_url=common.api_url(f"funds/{fund.pk}/holdings/", as_of=board.as_of.isoformat()),
    )
    if request.user.has_perm("portfolio.view_tranche"):
        tranches, total = selectors.fund_open_tranches_page(
            fund, board.as_of, None if every else common.TABLE_ROWS
        )
        context["tranches"] = common.table(tranches, request, every, total)
    if request.user.has_perms(POLICY_PERMS):  # the policy pack reads the LPs too
        pack = fund_policy.policy_pack(fund, board.as_of)
        as_of = board.as_of.isoformat()
        context.update(
            policy=pack,
            policy_figures=panels.policy_figures(pack),
            early_small=panels.early_small_groups(pack),
            stake_caps=common.table(pack.stake_caps, request, every, write=panels.stake_cap_rows),
            startup_tech=common.table(
                pack.startup_tech_firms, request, every, write=panels.startup_tech_rows
            ),
            policy_url=common.api_url(f"funds/{fund.pk}/policy/", as_of=as_of),
            policy_xlsx_url=common.api_url(f"funds/{fund.pk}/policy/", as_of=as_of, format="xlsx"),
            investees_url=common.api_url(f"funds/{fund.pk}/investees/", as_of=as_of, format="xlsx"),
        )
    return render(request, "portfolio/fund.html", context)


@_may_view("portfolio.view_startup", "portfolio.view_fundinground")
def startup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    startup = get_object_or_404(Startup.objects.select_related("stage", "institution"), pk=pk)
    board = data.startup_dashboard(startup)
    context = {
        "startup": startup,
        "board": board,
        "funds": _funds(),
        "charts": panels.startup_charts(board),
        "rounds_url": common.api_url("funding-rounds/", format="csv", startup=startup.pk),
    }
    return render(request, "portfolio/startup.html", context)


@_may_view("portfolio.view_startup", "portfolio.view_kpireport")
def impact(request: HttpRequest) -> HttpResponse:
    """The impact figures of a year for district officials, and the thresholds beside the
    incubator's own figures (``selectors.impact``)."""
    form = ImpactForm(request.GET or None)
    context = {"form": form, "funds": _funds()}
    if form.is_bound and not form.is_valid():
        return render(request, "portfolio/impact.html", context, status=400)
    year, population = form.choice()
    report = selectors.impact_report(year, population)
    params = {"year": year, "population": population}
    context.update(
        report=report,
        whose=panels.impact.whose(report),
        groups=panels.impact_figures(report),
        thresholds=panels.threshold_lines(report),
        charts=panels.impact_charts(report),
        report_url=common.api_url("reports/impact/", **params),
        csv_url=common.api_url("reports/impact/", format="csv", **params),
        xlsx_url=common.api_url("reports/impact/", format="xlsx", **params),
        this_year=timezone.localdate().year,
    )
    if request.user.has_perm("portfolio.view_techtransfer"):
        # the technology-transfer lever: the funnel per source institution (six queries)
        context.update(
            funnel=selectors.transfer_funnel(year),
            funnel_url=common.api_url("reports/transfer-funnel/", year=year),
            funnel_csv_url=common.api_url("reports/transfer-funnel/", format="csv", year=year),
        )
    return render(request, "portfolio/impact.html", context)


LP_PERMS = ("portfolio.view_fund", "portfolio.view_lpcommitment")
#: the fund page's policy pack: the fund's holdings and its LPs (api.policy.POLICY_READ)
POLICY_PERMS = ("portfolio.view_fund", "portfolio.view_commitment", "portfolio.view_lpcommitment")


@_may_view(*LP_PERMS)
def fund_lps(request: HttpRequest, pk: int) -> HttpResponse:
    """The fund's investors: per LP and net, committed to IRR, beside the gross figures."""
    context, as_of, refused = _fund_page(request, pk, "portfolio/fund_lps.html")
    if refused:
        return refused
    fund, as_of = context["fund"], as_of or timezone.localdate()

    def tables() -> str:
        return render_to_string(
            "portfolio/_fund_lps_tables.html",
            {
                "fund": fund,
                "report": lp_report.lp_report(fund, as_of),
                "calls": lp_report.capital_calls(fund, as_of),
                "quarter": (as_of.year, (as_of.month - 1) // 3 + 1),
                "report_url": common.api_url(
                    f"funds/{fund.pk}/lp-report/", as_of=as_of.isoformat()
                ),
                "accounts_url": common.api_url(
                    f"funds/{fund.pk}/capital-accounts/",
                    start=f"{as_of.year}-01-01",
                    end=as_of.isoformat(),
                    format="xlsx",
                ),
            },
        )

    # The same for everyone allowed on the page (nothing in it is per user): its HTML kept
    # in the report cache with the figures (bar P9: rendering the LP and call tables was
    # two thirds of the page once the figures came from the cache).
    context["tables"] = mark_safe(report_cache.cached("fund_lps_html", (fund, as_of), tables))  # noqa: S308
    return render(request, "portfolio/fund_lps.html", context)


@_may_view(*LP_PERMS)
def lp_statement(request: HttpRequest, pk: int, lp: int) -> HttpResponse:
    """A printable capital-account statement of one LP for one quarter and since inception."""
    fund = get_object_or_404(Fund, pk=pk)
    partner = get_object_or_404(LimitedPartner, pk=lp, commitments__fund=fund)
    form = StatementForm(request.GET or None)
    context = {"form": form, "fund": fund, "partner": partner, "funds": _funds()}
    if form.is_bound and not form.is_valid():
        return render(request, "portfolio/lp_statement.html", context, status=400)
    start, end = form.period()
    accounts, _total = lp_report.capital_accounts(fund, start, end)
    account = next(a for a in accounts if a.limited_partner.pk == partner.pk)
    context.update(
        start=start,
        end=end,
        lines=panels.statement_lines(account),
        figures=next(
            row for row in lp_report.lp_report(fund, end).lps if row.limited_partner == partner
        ),
    )
    return render(request, "portfolio/lp_statement.html", context)
