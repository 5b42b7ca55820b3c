from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("Tenants and partners")

    def ready(self):
        from partnercenter import events, registry

        from . import demo, schema  # noqa: F401 - schema registers the OpenAPI bearer scheme
        from .models import Program

        registry.register_nav(registry.NavEntry(_("Overview"), "overview", "home", lambda c: True, order=10))
        registry.register_nav(
            registry.NavEntry(_("Partner profile"), "profile", "id", lambda c: c.is_partner, order=20)
        )
        registry.register_nav(registry.NavEntry(_("API keys"), "api_keys", "key", lambda c: True, order=900))
        registry.register_nav(registry.NavEntry(_("Why can't I?"), "why", "doc", lambda c: True, order=950))
        registry.register_demo(registry.DemoSeeder("tenants", demo.seed_into, order=10))
        registry.register_admin_app(self.label, order=50)

        @events.describer(events.EventKind.PROGRAM_JOINED)
        def _program_joined(event) -> str:
            program = (event.payload or {}).get("program")
            if program in Program.values:
                return _("Joined %(program)s") % {"program": Program(program).label}
            return ""
