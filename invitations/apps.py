from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitationsConfig(AppConfig):
    name = "invitations"
    verbose_name = _("Partnership invitations")

    def ready(self):
        from partnercenter import emails, registry
        from tenants.models import Program

        # Registers the job handler and the periodic expiry task with beat.
        from . import demo, links, services, tasks  # noqa: F401
        from .models import PartnerInvitation

        # The invitation email is stored without its link; each delivery carries a fresh one.
        emails.renderer(services.EMAIL_KIND)(links.email_renderer(PartnerInvitation))
        # Ops: where this app stands in the admin and the names of its jobs and emails.
        registry.register_admin_app(self.label, order=20)
        registry.register_kind_labels(
            jobs={links.EXPIRE_JOB: _("Expire an invitation")},
            emails={
                services.EMAIL_KIND: _("Partnership invitation"),
                "partnership_accepted": _("Partnership accepted"),
            },
        )

        registry.register_nav(
            registry.NavEntry(
                _("Indirect providers"),
                "invitations:indirect_providers",
                "link",
                lambda c: c.has(Program.INDIRECT_RESELLER),
                order=40,
            )
        )
        registry.register_nav(
            registry.NavEntry(
                _("Find a provider"),
                "invitations:find_provider",
                "search",
                lambda c: c.member(Program.DIRECT_BILL) or c.has(Program.INDIRECT_RESELLER),
                order=50,
            )
        )
        registry.register_nav(
            registry.NavEntry(
                _("Indirect resellers"),
                "invitations:indirect_resellers",
                "people",
                lambda c: c.has(Program.INDIRECT_PROVIDER),
                order=60,
            )
        )
        registry.register_overview_card(registry.OverviewCard("invitations/_overview_card.html", order=20))
        from . import checklist

        registry.register_checklist_step(
            registry.ChecklistStep("provider", checklist.provider_step, order=30)
        )
        from . import explain as why

        why.register()  # "Why can't I?" for this app's actions
        registry.register_demo(registry.DemoSeeder("invitations", demo.seed, order=30))
