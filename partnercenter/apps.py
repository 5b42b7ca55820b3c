from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerCenterConfig(AppConfig):
    name = "partnercenter"
    verbose_name = _("Portal operations")

    def ready(self):
        # The job runner's Celery tasks, registered by name before anything publishes a job.
        from . import registry, tasks  # noqa: F401
        from .admin import emails_panel, jobs_panel

        # The ops landing (admin index): failed or stuck jobs and emails, after the apps' business queues.
        registry.register_ops_section(registry.OpsSection("partnercenter.jobs", jobs_panel, order=80))
        registry.register_ops_section(registry.OpsSection("partnercenter.emails", emails_panel, order=90))
        registry.register_admin_app(self.label, order=40)
