"""Routes of the reporting API under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from portfolio.api import views


class Router(DefaultRouter):
    include_format_suffixes = False


router = Router()
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("stages", views.StageViewSet, basename="stage")
router.register("startups", views.StartupViewSet, basename="startup")
router.register("stage-transitions", views.StageTransitionViewSet, basename="stagetransition")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("kpi-reports", views.KpiReportViewSet, basename="kpireport")
router.register("investors", views.InvestorViewSet, basename="investor")
router.register("funding-rounds", views.FundingRoundViewSet, basename="fundinground")
router.register("funds", views.FundViewSet, basename="fund")
router.register("commitments", views.CommitmentViewSet, basename="commitment")

app_name = "api"
urlpatterns = [
    path("reports/pipeline/", views.PipelineReportView.as_view(), name="report-pipeline"),
    *router.urls,
]
