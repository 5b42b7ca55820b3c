from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = _("Indirect reseller enrollment")

    def ready(self) -> None:
        from partnercenter import registry
        from tenants.models import Program

        # Registers the job handlers (enrollment.approve, incentive.send, incentive.expire).
        from . import checks, demo, selectors, services, signals  # noqa: F401

        registry.register_nav(
            registry.NavEntry(
                _("Indirect reseller enrollment"),
                "enrollment:enroll",
                "flag",
                lambda c: c.member(Program.DIRECT_BILL) and not c.has(Program.INDIRECT_RESELLER),
                order=30,
            )
        )
        registry.register_nav(
            registry.NavEntry(
                _("Incentives"), "enrollment:incentives", "gift", lambda c: c.is_partner, order=80
            )
        )
        registry.register_overview_card(registry.OverviewCard("enrollment/_overview_card.html", order=10))
        registry.register_program_rows(
            registry.ProgramRowsHook("enrollment", selectors.enrollment_status_row, order=10)
        )
        registry.register_demo(registry.DemoSeeder("enrollment", demo.seed, order=20))
