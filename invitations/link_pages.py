"""The pages every kind of invitation link shares: the headers that keep the token private, and the one
problem page (unknown, expired, used, revoked, declined), answered with the state's one HTTP status."""

from __future__ import annotations

from django.shortcuts import render

from . import links


def link_headers(response):
    # The token is in the URL: never let it leak to another site through a Referer header, nor into a
    # shared cache. ("no-referrer" would make browsers send "Origin: null" and fail the CSRF check.)
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


def link_problem(request, state: str, invitation=None):
    """Why this link cannot be used, for both kinds: each state its own message, naming who invited
    (whom to ask for a new link) when the link is known."""
    answer = links.ANSWERS[state]
    return link_headers(
        render(
            request,
            "invitations/link_problem.html",
            {
                "state": state,
                "reason": answer.reason,
                "inviter": invitation.inviter if invitation is not None and state != links.UNKNOWN else None,
            },
            status=answer.status,
        )
    )
