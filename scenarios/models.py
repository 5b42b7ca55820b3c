"""Scenario sandboxes: isolated copies of the demo cast, each with a clock of its own (docs/scenarios.md)."""

from __future__ import annotations

import datetime as dt

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from partnercenter import clock

# Goes into emails (admin@contoso.<slug>.example) and default domains (contoso-<slug>.onmicrosoft.com).
SLUG_MAX = 30
slug_validator = RegexValidator(
    r"^[a-z][a-z0-9-]{0,28}[a-z0-9]$",
    _(
        "A scenario key has 2 to 30 lowercase letters, digits and hyphens, starts with a letter and ends "
        "with a letter or digit."
    ),
    code="invalid_slug",
)
# Scenario numbers make MPN IDs 8NNNNPP: four digits.
NUMBER_MAX = 9999


class Scenario(models.Model):
    class State(models.TextChoices):
        BUILDING = "building", _("Being built")
        READY = "ready", _("Ready")

    name = models.CharField(_("name"), max_length=100)
    slug = models.CharField(_("key"), max_length=SLUG_MAX, unique=True, validators=[slug_validator])
    number = models.PositiveIntegerField(_("number"), unique=True)
    # How far the scenario's clock is ahead of the real one.
    offset = models.DurationField(_("clock offset"), default=dt.timedelta(0))
    customers = models.PositiveIntegerField(_("extra customers"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.BUILDING)
    created_at = models.DateTimeField(_("created"))
    built_at = models.DateTimeField(_("built"), null=True, blank=True)
    advanced_at = models.DateTimeField(_("last advanced"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")

    def __str__(self) -> str:
        return f"{self.name} ({self.slug})"

    @property
    def now(self) -> dt.datetime:
        """The scenario's current time."""
        return clock.real_now() + self.offset
