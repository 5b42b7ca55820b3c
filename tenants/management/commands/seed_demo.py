from django.core.management.base import BaseCommand
from django.db import transaction

from partnercenter import registry
from tenants import demo


class Command(BaseCommand):
    help = "Create the demo cast (SPEC §8). Safe to run again: nothing is duplicated."

    def handle(self, *args, **options):
        # Every app registers its own part of the story (AppConfig.ready()); they run in their order, each
        # reading the tenants the earlier ones made.
        with transaction.atomic():
            tenants: dict = {}
            for seeder in registry.demo_seeders():
                seeder.seed(tenants)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign-ins (password: DEMO_PASSWORD):"))
        for email, who in demo.SIGN_INS:
            self.stdout.write(f"  {email:28} {who}")
