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
        from . import checklist

        registry.register_checklist_step(registry.ChecklistStep("enroll", checklist.enroll_step, order=10))
        registry.register_checklist_step(
            registry.ChecklistStep("agreement", checklist.agreement_step, order=20)
        )
        from . import explain as why

        why.register()  # "Why can't I?" for this app's actions
        registry.register_program_rows(
            registry.ProgramRowsHook("enrollment", selectors.enrollment_status_row, order=10)
        )
        registry.register_demo(registry.DemoSeeder("enrollment", demo.seed, order=20))
        # Ops: the pending approvals lead the admin's landing page; names of this app's jobs and emails.
        from .admin import pending_enrollments_panel

        registry.register_ops_section(registry.OpsSection("enrollment", pending_enrollments_panel, order=10))
        registry.register_admin_app(self.label, order=10)
        registry.register_kind_labels(
            jobs={
                services.APPROVE_JOB: _("Approve an enrollment (approval policy)"),
                services.INCENTIVE_SEND_JOB: _("Send the incentive invitation"),
                services.INCENTIVE_EXPIRE_JOB: _("Expire the incentive invitation"),
            },
            emails={
                "enrollment.approved": _("Enrollment approved"),
                "enrollment.rejected": _("Enrollment not approved"),
                "incentive.invitation": _("Incentive invitation"),
            },
        )
