from django.urls import path

from portfolio.dashboards import views

app_name = "dashboard"

urlpatterns = [
    path("", views.pipeline, name="pipeline"),
    path("funds/<int:pk>/", views.fund_detail, name="fund"),
    path("funds/<int:pk>/lps/", views.fund_lps, name="fund-lps"),
    path("funds/<int:pk>/lps/<int:lp>/statement/", views.lp_statement, name="lp-statement"),
    path("startups/<int:pk>/", views.startup_detail, name="startup"),
    path("impact/", views.impact, name="impact"),
]
