from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from incubator.health import healthz
from portfolio.dashboards import views as portfolio_views

urlpatterns = [
    path("", portfolio_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    # Login, logout and changing one's own password. No password reset by mail: accounts are
    # made by administrators and no mail is configured; an administrator sets a new password
    # (admin, or `manage.py changepassword`).
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # The API's routes before the other includes: Django tries the patterns in turn, and
    # each include a path does not enter costs an exception (Resolver404); the scripts'
    # requests are the many. The prefixes do not overlap, so the order decides nothing else.
    path("api/v1/", include("portfolio.api.urls")),
    path("dashboard/", include("portfolio.dashboards.urls")),
    path("founder/", include("portfolio.founders.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Reporting API (issue 4): the schema needs a login; the docs page shell does not.
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        # The split view serves its start-up script as a file (?script): no inline script.
        SpectacularSwaggerSplitView.as_view(url_name="schema", permission_classes=[AllowAny]),
        name="swagger-ui",
    ),
]
