"""The ops site: Django's admin with a landing page of what waits for ops, and the portal's apps first.

The landing's sections come from the apps (`registry.register_ops_section`, from each AppConfig.ready());
the app list puts the apps that registered a place (`registry.register_admin_app`) first, in their order,
then the code base's other apps, then the installed packages' (groups, login lockouts), alphabetically.
The site is installed as Django's default admin site by `PortalAdminConfig` (INSTALLED_APPS), so every
`admin.site.register` lands here.
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig

from . import registry


def _is_project_app(app_label: str) -> bool:
    """An app of this code base (not one installed from a package), listed before the packages' apps."""
    path = Path(apps.get_app_config(app_label).path).resolve()
    base = Path(settings.BASE_DIR).resolve()
    return path.is_relative_to(base) and "site-packages" not in path.parts


class PortalAdminSite(AdminSite):
    def index(self, request, extra_context=None):
        panels = [panel for section in registry.ops_sections() if (panel := section.panel(request))]
        return super().index(request, {"ops_panels": panels, **(extra_context or {})})

    def get_app_list(self, request, app_label=None):
        app_dict = self._build_app_dict(request, app_label)

        def key(app):
            order = registry.admin_app_order(app["app_label"])
            if order is not None:
                return (0, order, "")
            return (1 if _is_project_app(app["app_label"]) else 2, 0, str(app["name"]).lower())

        app_list = sorted(app_dict.values(), key=key)
        for app in app_list:
            app["models"].sort(key=lambda model: str(model["name"]))
        return app_list


class PortalAdminConfig(AdminConfig):
    default_site = "partnercenter.admin_site.PortalAdminSite"
