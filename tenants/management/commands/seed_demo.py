import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from tenants import demo

# Each app that has demo data of its own exposes `<app>.demo.seed(tenants)`; run in this order.
APP_DEMOS = ["enrollment.demo", "invitations.demo", "customers.demo"]


class Command(BaseCommand):
    help = "Create the demo cast (SPEC §8). Safe to run again: nothing is duplicated."

    def handle(self, *args, **options):
        with transaction.atomic():
            tenants = demo.seed()
            for module_name in APP_DEMOS:
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError as exc:
                    if exc.name != module_name:
                        raise
                    continue
                module.seed(tenants)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign-ins (password: DEMO_PASSWORD):"))
        for email, who in demo.SIGN_INS:
            self.stdout.write(f"  {email:28} {who}")
