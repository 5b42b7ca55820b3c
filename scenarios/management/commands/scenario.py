"""`manage.py scenario create|list|advance|reset|delete`: scenario sandboxes (docs/scenarios.md)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from partnercenter.errors import DomainError

from ... import services
from ...models import Scenario
from ...selectors import scenario_sign_ins


class Command(BaseCommand):
    help = "Scenario sandboxes: isolated copies of the demo cast, each with its own clock."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a scenario and seed its cast.")
        create.add_argument("name")
        create.add_argument("--slug", default="", help="its key (default: made from the name)")
        create.add_argument("--customers", type=int, default=0, help="extra customers of its Contoso")
        sub.add_parser("list", help="List the scenarios and their clocks.")
        advance = sub.add_parser("advance", help="Move a scenario's clock forward and run what falls due.")
        advance.add_argument("slug")
        step = advance.add_mutually_exclusive_group(required=True)
        step.add_argument("--days", type=int)
        step.add_argument("--business-days", type=int)
        reset = sub.add_parser("reset", help="Delete a scenario's data and build it again.")
        reset.add_argument("slug")
        delete = sub.add_parser("delete", help="Delete a scenario and all its data.")
        delete.add_argument("slug")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except DomainError as exc:
            raise CommandError(exc.text)

    def _get(self, slug: str) -> Scenario:
        scenario = Scenario.objects.filter(slug=slug).first()
        if scenario is None:
            raise CommandError(f"No scenario {slug!r} (see `manage.py scenario list`).")
        return scenario

    def _sign_ins(self, scenario: Scenario) -> None:
        self.stdout.write("Sign-ins (password: DEMO_PASSWORD; ops use their own staff sign-in):")
        for email, who in scenario_sign_ins(scenario):
            self.stdout.write(f"  {email:44} {who}")

    def _create(self, *, name, slug, customers, **options):
        started = time.monotonic()
        scenario = services.scenario_create(name=name, slug=slug, customers=customers)
        self.stdout.write(
            self.style.SUCCESS(
                f"Scenario {scenario.name!r} ({scenario.slug}) ready in {time.monotonic() - started:.1f} s, "
                f"clock at {scenario.now.isoformat()}."
            )
        )
        self._sign_ins(scenario)

    def _list(self, **options):
        scenarios = list(Scenario.objects.order_by("slug"))
        if not scenarios:
            self.stdout.write("No scenarios.")
        for s in scenarios:
            self.stdout.write(
                f"{s.slug:30} {s.name:30} now {s.now.isoformat()} "
                f"(+{s.offset}) {s.get_state_display()}, {s.customers} extra customers"
            )

    def _advance(self, *, slug, days, business_days, **options):
        scenario = self._get(slug)
        ran = services.scenario_advance(scenario=scenario, days=days or 0, business_days=business_days or 0)
        scenario.refresh_from_db()
        self.stdout.write(
            self.style.SUCCESS(f"{scenario.slug}: clock at {scenario.now.isoformat()}; {ran} job(s) ran.")
        )

    def _reset(self, *, slug, **options):
        scenario = services.scenario_reset(scenario=self._get(slug))
        self.stdout.write(
            self.style.SUCCESS(f"{scenario.slug} rebuilt; clock at {scenario.now.isoformat()}.")
        )
        self._sign_ins(scenario)

    def _delete(self, *, slug, **options):
        services.scenario_delete(scenario=self._get(slug))
        self.stdout.write(self.style.SUCCESS(f"{slug} deleted."))
