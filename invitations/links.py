"""The one module for every kind of invitation link (Zulip's `confirmation` serves all of Zulip's links).

It issues a token and stores only its hash; looks an invitation up by token (an unknown and a tampered
token look the same); consumes it with one conditional UPDATE (single use under concurrency); declines,
revokes and expires it, writing the kind's audit event; checks a draft email still carries the link; and
gives every state of a link ONE answer (HTTP status, API code, reason, message), whatever the kind.

Expiry is one durable job kind for every kind of invitation (`EXPIRE_JOB`, due at `expires_at`, written in
the same transaction as the invitation) plus one periodic sweep (`expire_due`) that catches an invitation
whose job was lost. Both are idempotent. The job expires what is due by `job.as_of`, so ops' forced time
(`run_due_jobs --until`) expires what its due time would have.

An invitation may have more than one live link: the one on its row (`token_hash`, shown to the inviter
on the draft page and in the API response) and one per delivery of its email (`InvitationLink`, issued by
the outbox's renderer, `email_renderer`). A stored email or draft holds `LINK_PLACEHOLDER` instead of a
link (`scrub`); the renderer puts a fresh link in the message it sends (`personalize`), never in a row.
Every link of an invitation works exactly while the invitation is pending: the state and the single-use
accept live on the invitation, so its links are consumed or killed together.

Nothing is pending until the inviter sends it. The draft email page does not create an invitation: it
shows a link whose token travels signed in the page's form (`draft_new`, `draft_open`: the signed draft
names the inviter, its tenant, the expiry shown in the text and the kind's choices, and is good for
`DRAFT_MAX_AGE`). Only Done/Send stores the invitation, with that token's hash (`issue_from_draft`), so
the link shown in the draft starts working then, and an abandoned draft leaves no row, no link and no
job. A second Done of the same draft finds the invitation the first one stored and creates nothing.

What only one kind knows (who may accept, partnerships, resellers of record, R12/R15/R16, the draft's
wording) stays in that kind's services: `invitations.services` and `customers.services.invitations`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from partnercenter import clock, emails, events, jobs
from partnercenter.errors import Conflict, DomainError
from partnercenter.models import ScheduledJob, SentEmail
from partnercenter.tokens import token_hash, token_new

from .models import InvitationLink, TokenInvitation

EXPIRE_JOB = "invitations.expire"
MAX_TOKEN_LENGTH = 200
SWEEP_BATCH = 1000
# What a stored email or draft holds in place of the link (see the module doc).
LINK_PLACEHOLDER = "[personalized invitation link]"

# The states a link can be in, as people read them ("used" is an accepted invitation).
PENDING = "pending"
UNKNOWN = "unknown"
EXPIRED = "expired"
USED = "used"
REVOKED = "revoked"
DECLINED = "declined"

# Refusal reasons of this module besides the link states (callers branch on these, never on the text).
REASON_NOT_PENDING = "invitation.not_pending"
REASON_DRAFT_FOREIGN_LINK = "invitation.draft_foreign_link"
REASON_DRAFT_LINK_MISSING = "invitation.draft_link_missing"
REASON_DRAFT_INVALID = "invitation.draft_invalid"
REASON_DRAFT_STALE = "invitation.draft_stale"
CODE_NOT_PENDING = 4091
CODE_BAD_DRAFT = 4001


@dataclass(frozen=True)
class Answer:
    status: int
    code: int
    reason: str
    message: str | Promise


# One answer per state, for partnership and customer invitation links alike (pages and API).
ANSWERS: dict[str, Answer] = {
    UNKNOWN: Answer(
        404,
        4040,
        "invitation.unknown",
        _("This invitation link is not valid. Check that you copied the whole link."),
    ),
    EXPIRED: Answer(410, 4100, "invitation.expired", _("This invitation has expired. Ask for a new one.")),
    USED: Answer(409, 4101, "invitation.used", _("This invitation has already been used.")),
    REVOKED: Answer(410, 4102, "invitation.revoked", _("This invitation was revoked.")),
    DECLINED: Answer(
        409, 4103, "invitation.declined", _("This invitation was declined and can no longer be used.")
    ),
}
STATE_BY_REASON = {answer.reason: state for state, answer in ANSWERS.items()}


class LinkError(DomainError):
    """A link that cannot be used (any more): its state and that state's one answer."""

    def __init__(self, state: str) -> None:
        answer = ANSWERS[state]
        super().__init__(answer.message, code=answer.code, status=answer.status, reason=answer.reason)
        self.state = state


def expiry_days() -> int:
    return int(getattr(settings, "INVITATION_EXPIRY_DAYS", 30) or 30)


# --- issuing and reading links -------------------------------------------------------------------------


def issue(
    model: type[TokenInvitation],
    *,
    user,
    payload: dict | None = None,
    token: str = "",
    expires_at: dt.datetime | None = None,
    **fields,
):
    """Create a pending invitation of `model` with a fresh link (or the given draft's `token` and
    `expires_at`); returns (invitation, clear token).

    Only the token's hash is stored. The expiry job is written in the same transaction (call this inside
    the kind's atomic service), and the kind's "created" event is recorded.
    """
    now = clock.now()
    if token:
        hashed = token_hash(token)
    else:
        token, hashed = token_new()
    invitation = model.objects.create(
        token_hash=hashed,
        created_at=now,
        created_by=user,
        expires_at=expires_at or now + dt.timedelta(days=expiry_days()),
        **fields,
    )
    tenant = invitation.inviter.tenant
    jobs.job_schedule(kind=EXPIRE_JOB, obj=invitation, due_at=invitation.expires_at, tenant=tenant)
    events.record(
        model.EVENTS["created"],
        tenant=tenant,
        actor=user,
        obj=invitation,
        payload={**(payload or {}), "expiresAt": invitation.expires_at.isoformat()},
    )
    return invitation, token


# --- drafts: a link that works only once the inviter sends it -------------------------------------------

DRAFT_MAX_AGE = dt.timedelta(days=1)


@dataclass(frozen=True)
class Draft:
    """An unsent invitation: its link's token, the expiry its text announces and the kind's choices
    (`fields`, JSON values). `signed` is what the draft page's form carries; nothing else keeps it."""

    token: str
    expires_at: dt.datetime
    fields: dict
    signed: str


def _draft_salt(model: type[TokenInvitation]) -> str:
    return f"invitations.draft:{model._meta.label_lower}"


def draft_new(model: type[TokenInvitation], *, user, fields: dict | None = None) -> Draft:
    """A new draft for `user`'s tenant: a fresh token, signed, stored nowhere (its link does not work yet)."""
    now = clock.now()
    token, _hashed = token_new()
    expires_at = now + dt.timedelta(days=expiry_days())
    data = {
        "t": token,
        "u": user.pk,
        "n": str(user.tenant_id),
        "c": now.isoformat(),
        "x": expires_at.isoformat(),
        "f": fields or {},
    }
    signed = signing.dumps(data, salt=_draft_salt(model), compress=True)
    return Draft(token=token, expires_at=expires_at, fields=data["f"], signed=signed)


def _bad_draft(reason: str) -> DomainError:
    if reason == REASON_DRAFT_STALE:
        message = _("This draft is too old to send. Start a new invitation.")
    else:
        message = _("This draft cannot be used. Start a new invitation.")
    return DomainError(message, code=CODE_BAD_DRAFT, reason=reason)


def draft_open(model: type[TokenInvitation], signed: str, *, user) -> Draft:
    """The draft a form brought back, if it is intact, this user's (same user, same tenant) and recent."""
    try:
        data = signing.loads(signed or "", salt=_draft_salt(model))
        created = dt.datetime.fromisoformat(data["c"])
        expires_at = dt.datetime.fromisoformat(data["x"])
        token, owner, tenant, fields = data["t"], data["u"], data["n"], data["f"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise _bad_draft(REASON_DRAFT_INVALID)
    if owner != user.pk or tenant != str(user.tenant_id) or not isinstance(fields, dict):
        raise _bad_draft(REASON_DRAFT_INVALID)
    now = clock.now()
    if now - created > DRAFT_MAX_AGE or expires_at <= now:
        raise _bad_draft(REASON_DRAFT_STALE)
    return Draft(token=str(token), expires_at=expires_at, fields=fields, signed=signed)


def issue_from_draft(
    model: type[TokenInvitation], draft: Draft, *, user, payload: dict | None = None, **fields
):
    """Done/Send: store the draft's invitation (pending; its link works from now on). Returns (invitation,
    created); a draft already sent returns the invitation it made and False (a double click sends once).
    Call inside the kind's atomic service, after checking that `user` may invite."""
    hashed = token_hash(draft.token)
    existing = model.objects.filter(token_hash=hashed).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            invitation, _token = issue(
                model, user=user, payload=payload, token=draft.token, expires_at=draft.expires_at, **fields
            )
    except IntegrityError:
        existing = model.objects.filter(token_hash=hashed).first()
        if existing is None:
            raise
        return existing, False
    return invitation, True


def check_draft_text(model: type[TokenInvitation], *, token: str, body: str) -> str:
    """The draft's text must still hold its link, unchanged. Returns the link."""
    url = model.link_url(token)
    if url not in (body or ""):
        raise DomainError(
            _("The invitation link must stay in the message, unchanged: %(url)s") % {"url": url},
            code=CODE_BAD_DRAFT,
            reason=REASON_DRAFT_LINK_MISSING,
        )
    return url


def _extra_links(invitation: TokenInvitation):
    return InvitationLink.objects.filter(
        object_type=type(invitation)._meta.label_lower, object_id=invitation.pk
    )


def replace_token(invitation: TokenInvitation) -> str:
    """A new link for the same invitation; every previous link stops working (it then reads as unknown)."""
    token, hashed = token_new()
    type(invitation).objects.filter(pk=invitation.pk).update(token_hash=hashed)
    _extra_links(invitation).delete()
    invitation.token_hash = hashed
    return token


def link_add(invitation: TokenInvitation) -> str:
    """One more live link for the same invitation (the previous ones keep working); returns its token.
    Used by each delivery of the invitation's email, so that no stored email needs to hold a link."""
    token, hashed = token_new()
    InvitationLink.objects.create(
        object_type=type(invitation)._meta.label_lower,
        object_id=invitation.pk,
        token_hash=hashed,
        created_at=clock.now(),
    )
    return token


def token_matches(invitation: TokenInvitation, token: str) -> bool:
    """Is `token` one of this invitation's links (whatever its state)?"""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return False
    hashed = token_hash(token)
    return hashed == invitation.token_hash or _extra_links(invitation).filter(token_hash=hashed).exists()


def state_of(invitation: TokenInvitation | None, now: dt.datetime | None = None) -> str:
    """The link's state: pending, unknown, expired (also when overdue but not yet marked), used, revoked,
    declined."""
    if invitation is None:
        return UNKNOWN
    status = invitation.effective_status(now or clock.now())
    return USED if status == TokenInvitation.Status.ACCEPTED else str(status)


def lookup(model: type[TokenInvitation], token: str) -> tuple[TokenInvitation | None, str]:
    """(invitation or None, state) for a link. Reads only: opening a link changes nothing."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None, UNKNOWN
    hashed = token_hash(token)
    qs = model.objects.select_related(*model.LINK_SELECT_RELATED)
    invitation = qs.filter(token_hash=hashed).first()
    if invitation is None:
        extra = InvitationLink.objects.filter(object_type=model._meta.label_lower, token_hash=hashed)
        invitation = qs.filter(pk__in=extra.values("object_id")).first()
    return invitation, state_of(invitation)


def error_for(invitation: TokenInvitation | None, now: dt.datetime | None = None) -> LinkError | None:
    """Why a link cannot be used, or None while it is pending and not expired."""
    state = state_of(invitation, now)
    return None if state == PENDING else LinkError(state)


def open_invitation(model: type[TokenInvitation], token: str) -> TokenInvitation:
    """The pending invitation behind a link, or the link's LinkError."""
    invitation, state = lookup(model, token)
    if state != PENDING:
        raise LinkError(state)
    return invitation


def require_pending(invitation: TokenInvitation) -> None:
    """For the inviter's own actions on an invitation (finishing or sending its draft, a new link): it
    must still be pending and not expired."""
    error = error_for(invitation)
    if error is not None:
        raise Conflict(error.message, code=CODE_NOT_PENDING, reason=REASON_NOT_PENDING)


# --- leaving pending ------------------------------------------------------------------------------------


def consume(invitation: TokenInvitation, *, user, payload: dict | None = None, **fields) -> None:
    """Accept: one conditional UPDATE, so of two concurrent accepts only one matches a pending row; the
    other gets the link's answer (used). Also stamps who and when, sets the kind's `fields`, cancels the
    expiry job and records the kind's "accepted" event. Call inside the kind's atomic service."""
    model = type(invitation)
    now = clock.now()
    claimed = model.objects.filter(pk=invitation.pk, status=model.Status.PENDING, expires_at__gt=now).update(
        status=model.Status.ACCEPTED, finished_at=now, finished_by=user, **fields
    )
    if claimed != 1:
        fresh = model.objects.filter(pk=invitation.pk).first()
        raise error_for(fresh, now) or LinkError(USED)
    jobs.job_cancel(kind=EXPIRE_JOB, obj=invitation)
    events.record(
        model.EVENTS["accepted"],
        tenant=invitation.inviter.tenant,
        actor=user,
        obj=invitation,
        payload=payload,
    )


def _locked(invitation: TokenInvitation) -> TokenInvitation:
    model = type(invitation)
    return model.objects.select_for_update().select_related(*model.LINK_SELECT_RELATED).get(pk=invitation.pk)


def decline(invitation: TokenInvitation, *, user, payload: dict | None = None, **fields) -> TokenInvitation:
    """The invitee declines: a link that is no longer pending answers with its state."""
    invitation = _locked(invitation)
    error = error_for(invitation)
    if error is not None:
        raise error
    return _finish(invitation, "decline", "declined", user=user, payload=payload, fields=fields)


def revoke(invitation: TokenInvitation, *, user) -> TokenInvitation:
    """The inviter (or ops) revokes a pending invitation: its link stops working at once."""
    invitation = _locked(invitation)
    if invitation.status != invitation.Status.PENDING:
        raise Conflict(
            _("Only a pending invitation can be revoked; this one is %(status)s.")
            % {"status": invitation.get_status_display()},
            code=CODE_NOT_PENDING,
            reason=REASON_NOT_PENDING,
        )
    return _finish(invitation, "revoke", "revoked", user=user)


def _finish(invitation, transition: str, event: str, *, user, payload=None, fields=None, actor_label=""):
    getattr(invitation, transition)()
    invitation.finished_at = clock.now()
    invitation.finished_by = user
    for name, value in (fields or {}).items():
        setattr(invitation, name, value)
    invitation.save(update_fields=["status", "finished_at", "finished_by", *(fields or {})])
    jobs.job_cancel(kind=EXPIRE_JOB, obj=invitation)
    events.record(
        type(invitation).EVENTS[event],
        tenant=invitation.inviter.tenant,
        actor=user,
        actor_label=actor_label,
        obj=invitation,
        payload=payload,
    )
    return invitation


@transaction.atomic
def expire(model: type[TokenInvitation], invitation_id, *, as_of: dt.datetime, actor_label: str) -> bool:
    """Mark one pending invitation expired if it is due by `as_of`. Idempotent: False when there is
    nothing to do (gone, no longer pending, not due yet, or locked by another run right now)."""
    invitation = (
        model.objects.select_for_update(skip_locked=True)
        .select_related(*model.LINK_SELECT_RELATED)
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.status != model.Status.PENDING or invitation.expires_at > as_of:
        return False
    _finish(invitation, "expire", "expired", user=None, actor_label=actor_label)
    return True


# --- expiry: the one job kind and the one sweep for every kind ----------------------------------------


def invitation_models() -> list[type[TokenInvitation]]:
    """Every installed kind of token invitation (found, not named: upper apps add kinds)."""
    return [m for m in apps.get_models() if issubclass(m, TokenInvitation)]


@jobs.handler(EXPIRE_JOB)
def expire_job(job: ScheduledJob) -> str:
    """The job due at an invitation's expiry. The row is found from the job's object; the invitation
    expires when its expiry is due by `job.as_of` (later than now when ops force time)."""
    try:
        model = apps.get_model(job.object_type)
    except (LookupError, ValueError):
        model = None
    if model is None or not issubclass(model, TokenInvitation):
        return "not an invitation"
    try:
        pk = int(job.object_id)
    except (TypeError, ValueError):
        return "no invitation"
    if expire(model, pk, as_of=job.as_of, actor_label=f"job:{EXPIRE_JOB}#{job.pk}"):
        return "expired"
    early = model.objects.filter(pk=pk, status=model.Status.PENDING, expires_at__gt=job.as_of).first()
    if early is not None:
        # Run before its time (ops' "Run now"): the invitation keeps a job due at its expiry.
        jobs.job_schedule(kind=EXPIRE_JOB, obj=early, due_at=early.expires_at, tenant=early.inviter.tenant)
        return "not due yet: rescheduled"
    return "nothing to do"


def expire_due(*, until: dt.datetime | None = None, actor_label: str = "job:invitations.expire_due") -> int:
    """The periodic sweep: expire every overdue pending invitation of every kind (a safety net for a lost
    or failed job). Returns how many changed."""
    until = until or clock.now()
    changed = 0
    for model in invitation_models():
        ids = list(
            model.objects.filter(status=model.Status.PENDING, expires_at__lte=until)
            .order_by("expires_at", "pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        changed += sum(expire(model, pk, as_of=until, actor_label=actor_label) for pk in ids)
    return changed


# --- the draft email ------------------------------------------------------------------------------------


def check_draft(invitation: TokenInvitation, *, token: str, body: str) -> str:
    """An edited invitation email may change anything but the link: it must stay in the text, unchanged,
    and be this invitation's link. Returns the link."""
    if not token_matches(invitation, token):
        raise DomainError(
            _("This draft's link does not belong to this invitation. Create a new link."),
            code=CODE_BAD_DRAFT,
            reason=REASON_DRAFT_FOREIGN_LINK,
        )
    return check_draft_text(type(invitation), token=token, body=body)


# --- links at rest: placeholders in stored text, fresh links at delivery -------------------------------


def scrub(text: str, *, invitation: TokenInvitation, token: str) -> str:
    """`text` as it may be stored: the invitation's link (and the bare token, should someone have pasted
    it) replaced by `LINK_PLACEHOLDER`."""
    if not token:
        return text or ""
    text = (text or "").replace(type(invitation).link_url(token), LINK_PLACEHOLDER)
    return text.replace(token, LINK_PLACEHOLDER)


def personalize(text: str, *, url: str) -> str:
    return (text or "").replace(LINK_PLACEHOLDER, url)


def email_renderer(model: type[TokenInvitation]) -> emails.Renderer:
    """The outbox renderer for a kind's invitation emails (register it with `emails.renderer(kind)`): each
    delivery attempt issues a fresh link for the invitation the email is about and puts it in place of the
    placeholder in what is sent. An invitation that is no longer pending is not emailed at all."""

    def render(email: SentEmail) -> tuple[str, str]:
        invitation = None
        if email.object_type == model._meta.label_lower and str(email.object_id).isdigit():
            invitation = (
                model.objects.select_related(*model.LINK_SELECT_RELATED)
                .filter(pk=int(email.object_id))
                .first()
            )
        if invitation is None:
            raise emails.Undeliverable("The invitation this email is about no longer exists.")
        error = error_for(invitation)
        if error is not None:
            raise emails.Undeliverable(f"The invitation is {error.state}; its link would not work.")
        with transaction.atomic():
            url = model.link_url(link_add(invitation))
        return personalize(email.subject, url=url), personalize(email.body, url=url)

    return render
