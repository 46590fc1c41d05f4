from django.urls import path

from portfolio.founders import views

app_name = "founder"

urlpatterns = [
    path("", views.home, name="home"),
    path("kpis/", views.kpi_history, name="kpi-history"),
    path("kpis/<int:year>/<int:quarter>/", views.kpi_quarter, name="kpi-quarter"),
    path(
        "milestones/<int:milestone_id>/evidence/",
        views.evidence_upload,
        name="milestone-evidence",
    ),
    path("welcome/<uidb64>/<token>/", views.WelcomeView.as_view(), name="welcome"),
]
