from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers, orders and subscriptions")

    def ready(self) -> None:
        from invitations import links
        from partnercenter import emails, registry

        from . import demo, handlers, tasks  # noqa: F401 - job handlers; the invoicing safety net (beat)
        from .models import CustomerInvitation
        from .services import invoices  # registers the monthly invoicing job
        from .services.invitations import EMAIL_KIND

        INVOICE_NAV_ROLES = {str(r) for r in invoices.INVOICE_ROLES}

        # The invitation email is stored without its link; each delivery carries a fresh one.
        emails.renderer(EMAIL_KIND)(links.email_renderer(CustomerInvitation))
        # Ops: where this app stands in the admin and the names of its jobs and emails.
        from .services.subscriptions import RENEWAL_JOB

        registry.register_admin_app(self.label, order=30)
        registry.register_kind_labels(
            jobs={RENEWAL_JOB: _("End of a subscription term")},
            emails={
                EMAIL_KIND: _("Customer invitation"),
                "customer_relationship.established": _("Reseller relationship established"),
            },
        )

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
        registry.register_kind_labels(
            jobs={invoices.INVOICE_JOB: _("Monthly invoices to direct-bill customers")}
        )
        registry.register_nav(
            registry.NavEntry(
                _("Billing"),
                "customers:invoices",
                "doc",
                # SPEC §10: invoices are for the global admin and the billing admin.
                lambda c: c.member("direct_bill") and getattr(c.user, "role", "") in INVOICE_NAV_ROLES,
                order=78,
            )
        )
        registry.register_overview_card(registry.OverviewCard("customers/_overview_card.html", order=30))
        from . import checklist

        registry.register_checklist_step(
            registry.ChecklistStep("customers", checklist.customers_step, order=40)
        )
        from . import explain as why

        why.register()  # "Why can't I?" for this app's actions
        registry.register_demo(registry.DemoSeeder("customers", demo.seed, order=40))
