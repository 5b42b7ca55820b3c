"""`{% load audit %}`: how an event reads in any history (`{{ event|event_label }}`)."""

from django import template

from partnercenter import events

register = template.Library()


@register.filter
def event_label(event_or_kind) -> str:
    return events.label(event_or_kind)
