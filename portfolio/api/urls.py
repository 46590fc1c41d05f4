"""Routes of the reporting API under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

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
    include_format_suffixes = False


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
urlpatterns = [
    path("reports/pipeline/", views.PipelineReportView.as_view(), name="report-pipeline"),
    path("reports/valley/", views.ValleyReportView.as_view(), name="report-valley"),
    path(
        "reports/transfer-funnel/",
        transfers.TransferFunnelView.as_view(),
        name="report-transfer-funnel",
    ),
    path("reports/impact/", impact.ImpactReportView.as_view(), name="report-impact"),
    path(
        "reports/incubation/",
        statistics.IncubationReturnView.as_view(),
        name="report-incubation",
    ),
    path("me/", MeView.as_view(), name="me"),
    path(
        "evidence/<str:pk>/download/",
        evidence.EvidenceDownloadView.as_view(),
        name="milestoneevidence-download",
    ),
    path(
        "management-fees/",
        lp_reports.ManagementFeeView.as_view(),
        name="management-fee-list",
    ),
    # before the router's facilities/{id}/
    path(
        "facilities/utilisation/",
        facilities.FacilityUtilisationView.as_view(),
        name="facility-utilisation",
    ),
    # before the router's space-leases/{id}/ and mentors/{id}/
    path(
        "space-leases/occupancy/",
        operations.SpaceOccupancyView.as_view(),
        name="space-occupancy",
    ),
    path(
        "mentors/per-10-incubatees/",
        operations.MentorRatioView.as_view(),
        name="mentor-ratio",
    ),
    *router.urls,
]
