from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransitionConfig(AppConfig):
    name = "transition"
    verbose_name = _("Moving direct-bill customers")

    def ready(self) -> None:
        from partnercenter import registry

        from . import handlers  # noqa: F401 - registers the bulk move's job handler
        from .services import STEP_JOB

        registry.register_kind_labels(jobs={STEP_JOB: _("Send a bulk move's customer invitations")})

        registry.register_nav(
            registry.NavEntry(
                _("Customer migration"),
                "transition:tracker",
                "flag",
                lambda c: c.is_partner and c.member("direct_bill"),
                order=72,
            )
        )
