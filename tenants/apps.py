from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("Tenants and partners")

    def ready(self):
        from . import schema  # noqa: F401 - registers the OpenAPI bearer scheme
