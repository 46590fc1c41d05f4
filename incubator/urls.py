from django.contrib import admin
from django.urls import include, path

from incubator.health import healthz
from portfolio import views as portfolio_views

urlpatterns = [
    path("", portfolio_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("dashboard/", include("portfolio.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
