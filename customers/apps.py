from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers, orders and subscriptions")

    def ready(self) -> None:
        from invitations import links
        from partnercenter import emails, registry

        from . import demo, handlers  # noqa: F401 - handlers registers the job handlers
        from .models import CustomerInvitation
        from .services.invitations import EMAIL_KIND

        # The invitation email is stored without its link; each delivery carries a fresh one.
        emails.renderer(EMAIL_KIND)(links.email_renderer(CustomerInvitation))

        registry.register_nav(
            registry.NavEntry(_("Customers"), "customers:list", "building", lambda c: c.is_partner, order=70)
        )
        registry.register_nav(
            registry.NavEntry(
                _("Partner relationships"),
                "customers:my_partners",
                "handshake",
                lambda c: not c.is_partner,
                order=75,
            )
        )
        registry.register_overview_card(registry.OverviewCard("customers/_overview_card.html", order=30))
        registry.register_demo(registry.DemoSeeder("customers", demo.seed, order=40))
