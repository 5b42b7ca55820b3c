from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerCenterConfig(AppConfig):
    name = "partnercenter"
    verbose_name = _("Portal operations")

    def ready(self):
        # The job runner's Celery tasks, registered by name before anything publishes a job.
        from . import tasks  # noqa: F401
