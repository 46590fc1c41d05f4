from django.urls import path

from portfolio.founders import views

app_name = "founder"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "milestones/<int:milestone_id>/evidence/",
        views.evidence_upload,
        name="milestone-evidence",
    ),
    path("welcome/<uidb64>/<token>/", views.WelcomeView.as_view(), name="welcome"),
]
