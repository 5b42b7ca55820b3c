"""`{% why_panel "action" customerId=... access=... %}`: the "Why can't I?" panel for one action on a page,
rendered only when the action is refused (or always, with `always=True`). The page passes the objects it
already holds (`access`, `subscription`, `relationship`, `invitation`) so the panel adds few queries."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from partnercenter import explain
from partnercenter.errors import DomainError

register = template.Library()


@register.simple_tag(takes_context=True)
def why_panel(context, action: str, always: bool = False, **params):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    values = {k: (str(v) if k.endswith("Id") else v) for k, v in params.items() if v is not None}
    try:
        why = explain.explain(action, user, values)
    except DomainError:
        return ""  # not the user's to ask about: the page shows no panel
    if why.allowed and not always:
        return ""
    return render_to_string("partials/why_panel.html", {"why": why}, request=request)
