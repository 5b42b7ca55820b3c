from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from partnercenter import registry
        from tenants.models import Role

        from . import tasks  # noqa: F401 - the delivery task and beat's sweep

        registry.register_admin_app(self.label, order=60)
        registry.register_kind_labels(jobs={"webhooks.deliver": _("Deliver webhook events")})

        registry.register_nav(
            registry.NavEntry(
                _("Webhooks"),
                "webhooks:settings",
                "link",
                lambda c: (
                    c.is_partner and getattr(c.user, "role", "") in (Role.GLOBAL_ADMIN, Role.ADMIN_AGENT)
                ),
                order=890,
            )
        )
