"""Routes of the reporting API under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter, SimpleRouter

from portfolio.api import (
    evidence,
    facilities,
    fund_rows,
    impact,
    incubation,
    kpis,
    lp_reports,
    lps,
    operations,
    statistics,
    transfers,
    views,
)
from portfolio.api.founders import MeView


class Router(DefaultRouter):
    """DRF's default router (its root view, its routes and URL names), each resource's routes
    under a prefix of their own: ``path("mentors/", include([list, detail, actions]))``.
    Django tries a request's path against the patterns in turn; the routes of 29 resources
    in one list were some 60 patterns to try before the last resources' (0.12 ms of a 50-row
    mentors page on PostgreSQL, bar P2), one prefix each is 29."""

    include_format_suffixes = False

    def get_urls(self):
        urls = []
        for prefix, viewset, basename in self.registry:
            own = SimpleRouter(trailing_slash=self.trailing_slash != "")
            own.register("", viewset, basename)
            urls.append(path(f"{prefix}/", include(own.urls)))
        urls.append(path("", self.get_api_root_view(api_urls=urls), name=self.root_view_name))
        return urls


router = Router()
# Each viewset's route is its ``resource`` (the export filenames' name too); the URL names
# come from the model, as DRF's default basename gives them ("fundinground-detail").
for viewset in (
    views.InstitutionViewSet,
    views.StageViewSet,
    views.StartupViewSet,
    views.StageTransitionViewSet,
    views.MilestoneViewSet,
    views.KpiReportViewSet,
    kpis.KpiRequestViewSet,
    kpis.KpiSubmissionViewSet,
    views.InvestorViewSet,
    views.FundingRoundViewSet,
    views.FundViewSet,
    views.CommitmentViewSet,
    fund_rows.DisbursementViewSet,
    fund_rows.ValuationMarkViewSet,
    fund_rows.DistributionViewSet,
    lps.LimitedPartnerViewSet,
    lps.LpCommitmentViewSet,
    lps.CapitalCallViewSet,
    lps.FundExpenseViewSet,
    lps.LpDistributionViewSet,
    facilities.FacilityViewSet,
    facilities.FacilityBookingViewSet,
    transfers.TechTransferViewSet,
    operations.SpaceLeaseViewSet,
    operations.MentorViewSet,
    operations.MentoringSessionViewSet,
    incubation.IncubationAgreementViewSet,
    incubation.PolicyApplicationViewSet,
    incubation.FinancingIntroductionViewSet,
):
    router.register(viewset.resource, viewset)

app_name = "api"
# (route, view, URL name) of the views outside the router, before its routes: a view under a
# router prefix must come before the router's {id} route (facilities/utilisation/,
# space-leases/occupancy/, mentors/per-10-incubatees/)
VIEWS = (
    ("reports/pipeline/", views.PipelineReportView, "report-pipeline"),
    ("reports/valley/", views.ValleyReportView, "report-valley"),
    ("reports/transfer-funnel/", transfers.TransferFunnelView, "report-transfer-funnel"),
    ("reports/impact/", impact.ImpactReportView, "report-impact"),
    ("reports/incubation/", statistics.IncubationReturnView, "report-incubation"),
    ("me/", MeView, "me"),
    ("evidence/<str:pk>/download/", evidence.EvidenceDownloadView, "milestoneevidence-download"),
    ("management-fees/", lp_reports.ManagementFeeView, "management-fee-list"),
    ("facilities/utilisation/", facilities.FacilityUtilisationView, "facility-utilisation"),
    ("space-leases/occupancy/", operations.SpaceOccupancyView, "space-occupancy"),
    ("mentors/per-10-incubatees/", operations.MentorRatioView, "mentor-ratio"),
)
urlpatterns = [
    *(path(route, view.as_view(), name=name) for route, view, name in VIEWS),
    *router.urls,
]
