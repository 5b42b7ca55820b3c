from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = _("Indirect reseller enrollment")

    def ready(self) -> None:
        # Registers the job handlers (enrollment.approve, incentive.send, incentive.expire).
        from . import checks, services, signals  # noqa: F401
