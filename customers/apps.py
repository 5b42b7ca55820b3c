from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers, orders and subscriptions")

    def ready(self) -> None:
        from . import handlers  # noqa: F401 - registers the job handlers
