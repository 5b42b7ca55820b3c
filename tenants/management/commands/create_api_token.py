from django.core.management.base import BaseCommand, CommandError

from tenants.models import User
from tenants.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print it once."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="command line")

    def handle(self, *args, email, name, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the email {email}.")
        if not user.tenant_id:
            raise CommandError("API tokens are for users of a partner or customer tenant.")
        _token, key = api_token_create(user=user, name=name)
        self.stdout.write(key)
