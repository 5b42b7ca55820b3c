from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitationsConfig(AppConfig):
    name = "invitations"
    verbose_name = _("Partnership invitations")

    def ready(self):
        # Registers the job handler and the periodic expiry task with beat.
        from . import tasks  # noqa: F401
