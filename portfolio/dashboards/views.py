"""Dashboard pages: thin views that read through ``dashboards`` and draw with ``panels``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from portfolio.dashboards import data, panels
from portfolio.dashboards.forms import AsOfForm, PipelineFilterForm
from portfolio.dashboards.panels import common
from portfolio.models import Fund, Startup
from portfolio.models.choices import Population


def home(request: HttpRequest) -> HttpResponse:
    """``/``: the overview for a logged-in user, the login page for anyone else."""
    if request.user.is_authenticated:
        return redirect("dashboard:pipeline")
    return redirect("login")


def _funds():
    # The navigation lists the funds (a handful of rows).
    return Fund.objects.only("pk", "name", "name_en").order_by("name")


def _may_view(*perms: str):
    """Logged in (else to the login page) and allowed to read these rows (else 403)."""

    def decorate(view):
        return login_required(permission_required(perms, raise_exception=True)(view))

    return decorate


@_may_view("portfolio.view_startup", "portfolio.view_stage")
def pipeline(request: HttpRequest) -> HttpResponse:
    form = PipelineFilterForm(request.GET or None)
    context = {"form": form, "funds": _funds(), "today": timezone.localdate()}
    if form.is_bound and not form.is_valid():
        return render(request, "portfolio/pipeline.html", context, status=400)
    overview = data.pipeline_overview(form.filters())
    params = common.filter_params(overview.filters)
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


@_may_view("portfolio.view_fund", "portfolio.view_commitment")
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fund = get_object_or_404(Fund, pk=pk)
    form = AsOfForm(request.GET or None)
    context = {"form": form, "fund": fund, "funds": _funds()}
    if form.is_bound and not form.is_valid():
        return render(request, "portfolio/fund.html", context, status=400)
    as_of = form.cleaned_data["as_of"] if form.is_bound else None
    board = data.fund_dashboard(fund, as_of)
    context.update(
        board=board,
        report=board.report,
        charts=panels.fund_charts(board),
        compliance=panels.compliance_rows(board),
        report_url=common.api_url(f"funds/{fund.pk}/report/", as_of=board.as_of.isoformat()),
        holdings_url=common.api_url(f"funds/{fund.pk}/holdings/", as_of=board.as_of.isoformat()),
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
