"""Write typed events. Every state change calls `record` inside its transaction."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from . import clock
from .models import Event


def record(
    kind: str,
    *,
    tenant=None,
    actor=None,
    actor_label: str = "",
    obj: models.Model | None = None,
    reason: str = "",
    payload: dict[str, Any] | None = None,
) -> Event:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return Event.objects.create(
        kind=kind,
        tenant=tenant,
        actor=actor,
        actor_label=actor_label or (actor.email if actor else "system"),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        reason=str(reason),
        payload=_json_safe(payload or {}),
        created_at=clock.now(),
    )


def _json_safe(payload: dict[str, Any]) -> dict[str, Any]:
    """Dates, decimals, UUIDs and lazy strings become JSON values, so any payload can be stored."""
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def for_object(obj: models.Model):
    return Event.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
        "actor"
    )
