from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = _("Incubator portfolio")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from axes.signals import user_locked_out

        from portfolio import security

        user_locked_out.connect(security.log_axes_lockout, dispatch_uid="security-lockout")
