"""`{% load timeline %}`: an object's history drawn as a vertical timeline (dots on a line: what happened,
who, when), ending with what is expected next and when.

Every entry comes from the one audit trail (`partnercenter.models.Event`), named with `events.label`. A
page builds the entries in its view with `trail(...)` (one query per kind of object, however many objects
and events) or lets `{% timeline obj %}` read one object's events; `{% timeline %}` renders
`partials/_timeline.html`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from partnercenter import events
from partnercenter.models import Event

register = template.Library()

# A timeline shows at most this many entries (the latest ones); the trail itself stays in the audit log.
MAX_ENTRIES = 50

# How a job names itself in `actor_label` ("job:enrollment.approve#12").
JOB_PREFIX = "job:"


@dataclass(frozen=True)
class Entry:
    """One dot of a timeline: what happened, a human note (never a button label), who and when."""

    kind: str
    label: str
    when: dt.datetime
    who: str = ""
    note: str = ""


@dataclass(frozen=True)
class Next:
    """What is expected next, and by when (the hollow dot at the end of a timeline)."""

    label: str
    when: dt.datetime | dt.date | None = None
    overdue: bool = False


# How the note of a kind reads, when its `reason` is not meant for people (e.g. the enrollment's
# transitions record the button that was clicked). Pages pass their own; default: the event's reason.
NoteFn = Callable[[Event], str]


def who(event: Event, *, viewer_tenant_id=None) -> str:
    """Who did it, as the viewing tenant may see it: its own users by email, another organization's users
    by that organization's name, ops staff as Partner Center staff, jobs as automatic, the rest as
    Partner Center itself."""
    actor = event.actor
    if actor is not None:
        tenant_id = getattr(actor, "tenant_id", None)
        if tenant_id is None:
            return _("Partner Center staff")
        if viewer_tenant_id is None or str(tenant_id) == str(viewer_tenant_id):
            return actor.email
        tenant = getattr(actor, "tenant", None)
        return getattr(tenant, "display_name", "") or _("Another organization")
    if (event.actor_label or "").startswith(JOB_PREFIX):
        return _("Partner Center, automatically")
    return _("Partner Center")  # a change made by the system itself, as part of another action


def entries(
    trail: Iterable[Event], *, viewer_tenant_id=None, notes: dict[str, NoteFn] | None = None
) -> list[Entry]:
    """Timeline entries of `trail` (events, oldest first)."""
    notes = notes or {}
    out = []
    for event in trail:
        note_fn = notes.get(event.kind)
        note = note_fn(event) if note_fn is not None else (event.reason or "")
        out.append(
            Entry(
                kind=event.kind,
                label=events.label(event),
                when=event.created_at,
                who=who(event, viewer_tenant_id=viewer_tenant_id),
                note=str(note or ""),
            )
        )
    return out


def trail(objects: Iterable[models.Model], *, limit: int = MAX_ENTRIES) -> list[Event]:
    """The events of several objects, merged, oldest first: one query per model, whatever the number of
    objects. Only the latest `limit` are kept."""
    by_type: dict[str, list[str]] = {}
    for obj in objects:
        if obj is None or obj.pk is None:
            continue
        by_type.setdefault(obj._meta.label_lower, []).append(str(obj.pk))
    found: list[Event] = []
    for object_type, pks in by_type.items():
        found.extend(
            Event.objects.filter(object_type=object_type, object_id__in=pks)
            .select_related("actor__tenant")
            .order_by("-created_at", "-id")[:limit]
        )
    found.sort(key=lambda e: (e.created_at, e.id))
    return found[-limit:]


def trails_by_object(objects: Iterable[models.Model]) -> dict[tuple[str, str], list[Event]]:
    """Each object's events, oldest first, keyed by `(label_lower, str(pk))`: one query per model for a
    whole page of rows (each row's timeline then costs nothing)."""
    grouped: dict[tuple[str, str], list[Event]] = {}
    objects = [o for o in objects if o is not None and o.pk is not None]
    for event in trail(objects, limit=MAX_ENTRIES * max(1, len(objects))):
        grouped.setdefault((event.object_type, event.object_id), []).append(event)
    return grouped


def _children(objects: list[models.Model], via: str) -> dict[tuple[str, str], list[models.Model]]:
    """The objects reached from each of `objects` through the reverse foreign key `via` (e.g. a
    partnership's invitations), in one query per model."""
    found: dict[tuple[str, str], list[models.Model]] = {}
    by_model: dict[type, list[models.Model]] = {}
    for obj in objects:
        by_model.setdefault(type(obj), []).append(obj)
    for model, group in by_model.items():
        try:
            rel = model._meta.get_field(via)
        except FieldDoesNotExist:
            continue
        if not getattr(rel, "one_to_many", False):
            continue
        label = model._meta.label_lower
        fk = rel.field
        for child in rel.related_model._default_manager.filter(**{f"{fk.name}__in": [o.pk for o in group]}):
            found.setdefault((label, str(getattr(child, fk.attname))), []).append(child)
    return found


@register.simple_tag
def event_trails(*object_lists, via: str = ""):
    """`{% event_trails partnerships invitations as trails %}`: the events of every object of the lists, in
    one query per model; pass `trails=trails` to `{% timeline %}` for each row. `via="invitations"` adds to
    each object the events of the objects its reverse foreign key `invitations` reaches (a partnership's
    history starts with the invitation that made it)."""
    objects = [obj for objects in object_lists if objects for obj in objects]
    objects = [obj for obj in objects if obj is not None and obj.pk is not None]
    grouped = trails_by_object(objects)
    if via and objects:
        children = _children(objects, via)
        child_trails = trails_by_object([c for group in children.values() for c in group])
        for key, group in children.items():
            merged = list(grouped.get(key, []))
            for child in group:
                merged.extend(child_trails.get((child._meta.label_lower, str(child.pk)), []))
            grouped[key] = sorted(merged, key=lambda e: (e.created_at, e.id))
    return grouped


@register.inclusion_tag("partials/_timeline.html", takes_context=True)
def timeline(
    context,
    source: Any,
    *,
    trails: dict | None = None,
    next_item: Next | None = None,
    next_label: str = "",
    next_at=None,
    next_overdue: bool = False,
    testid: str = "timeline",
    title: str = "",
    empty: str = "",
):
    """Draw a timeline. `source` is a list of `Entry` (built by the page's view) or a model instance (its
    events, from `trails` when given, else one query). `next_item` (a `Next`), or `next_label` and `next_at`,
    add what is expected next."""
    user = context.get("user")
    viewer = getattr(user, "tenant_id", None)
    if isinstance(source, models.Model):
        if trails is not None:
            found = trails.get((source._meta.label_lower, str(source.pk)), [])
        else:
            found = trail([source])
        items = entries(found, viewer_tenant_id=viewer)
    else:
        items = list(source or [])
    following = next_item
    if following is None and next_label:
        following = Next(label=str(next_label), when=next_at, overdue=bool(next_overdue))
    request = context.get("request")
    first_on_page = request is not None and not getattr(request, "_timeline_css", False)
    if request is not None:
        request._timeline_css = True
    return {
        "items": items,
        "next": following,
        "testid": testid,
        "title": title,
        "empty": empty,
        "with_css": first_on_page,
    }
