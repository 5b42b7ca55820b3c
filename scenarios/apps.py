from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScenariosConfig(AppConfig):
    name = "scenarios"
    verbose_name = _("Scenario sandboxes")

    def ready(self) -> None:
        from partnercenter import clock

        from . import selectors, signals  # noqa: F401 - signals: Celery tasks run in their scenario

        # The job runner enters a scenario's job's scenario through this (the ground floor names no app).
        clock.set_scenario_resolver(selectors.scenario_offset)
