"""No live secret at rest (CONVENTIONS "Tokens"): no stored email, event, job, log line or admin page holds
a usable invitation link, for partnership and customer invitations alike; what is delivered works, and so
does what a resend delivers."""

import logging
import re

import pytest
from django.core import mail
from django.db import models
from django.test import Client
from django.urls import reverse

from customers.models import CustomerInvitation
from customers.services import customer_invitation_accept
from invitations import links, services
from invitations.models import PartnerInvitation
from partnercenter import emails
from partnercenter.log_filters import RedactLinkTokens
from partnercenter.models import Event, ScheduledJob, SentEmail
from tenants.models import User
from tests.customers.factories import make_customer, make_partnered, make_reseller

pytestmark = pytest.mark.django_db

TOKENISH = re.compile(r"[A-Za-z0-9_-]{32,}")
PARTNER_LINK = re.compile(r"https://portal\.test/invitations/partner/([A-Za-z0-9_-]+)/")
CUSTOMER_LINK = re.compile(r"https://portal\.test/customers/invitations/([A-Za-z0-9_-]+)/")


def usable(text: str) -> list[str]:
    """Every token-shaped string in `text` that opens a pending invitation of either kind."""
    return [
        t
        for t in TOKENISH.findall(text or "")
        if any(
            links.lookup(model, t)[1] == links.PENDING for model in (PartnerInvitation, CustomerInvitation)
        )
    ]


def stored_text() -> str:
    """Every text column of the outbox, the audit trail and the jobs, and the invitations' own rows."""
    chunks = []
    for model in (SentEmail, Event, ScheduledJob, PartnerInvitation, CustomerInvitation):
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        for row in model.objects.values(*names):
            chunks += [str(v) for v in row.values()]
    return "\n".join(chunks)


@pytest.fixture
def ops():
    client = Client()
    client.force_login(User.objects.create_superuser("ops-rest@example.com", "x-password-123"))
    return client


def admin_pages(ops) -> str:
    pages = []
    for model in (SentEmail, Event, ScheduledJob, PartnerInvitation, CustomerInvitation):
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(ops.get(reverse("admin:{}_{}_changelist".format(*info))).content.decode())
        for pk in model.objects.values_list("pk", flat=True):
            response = ops.get(reverse("admin:{}_{}_change".format(*info), args=[pk]))
            assert response.status_code == 200
            pages.append(response.content.decode())
    return "\n".join(pages)


def delivered_token(pattern, message) -> str:
    found = pattern.findall(message.body)
    assert len(set(found)) == 1, message.body  # one link, wherever the text holds it
    return found[0]


def test_no_usable_link_at_rest_and_every_delivered_link_works(ops, django_capture_on_commit_callbacks):
    # A provider emails a partnership invitation from its draft (R10) to a reseller it is not partnered with.
    reseller, reseller_user, provider, provider_user = make_partnered()
    invitee, invitee_user = make_reseller()
    invitation, draft_token = services.invitation_create(provider=provider, user=provider_user)
    subject, body = services.email_draft(invitation=invitation, token=draft_token)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(
            provider=provider,
            invitation_id=invitation.pk,
            user=provider_user,
            token=draft_token,
            to=invitee.primary_contact_email,
            subject=subject + " " + links.LINK_PLACEHOLDER,
            body=body + "\nOr paste the code " + draft_token,
        )
    # A reseller emails a customer invitation from its draft, through the Done page (R11).
    client = Client()
    client.force_login(reseller_user)
    draft = client.post(reverse("customers:invite"), {"provider": provider.tenant_id})
    customer_draft_token = CUSTOMER_LINK.search(draft.content.decode()).group(1)
    url = CustomerInvitation.link_url(customer_draft_token)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("customers:invite_done"),
            {
                "subject": "Join us",
                "body": f"Hi\n{url}\nBye",
                "draft": draft.context["form"].initial["draft"],
                "email_to": "it@c.example",
            },
        )
    customer_inv = CustomerInvitation.objects.get()
    assert response.status_code == 302

    # The drafts' links still work (the inviter may have copied them) ...
    assert links.lookup(PartnerInvitation, draft_token)[1] == links.PENDING
    assert links.lookup(CustomerInvitation, customer_draft_token)[1] == links.PENDING
    # ... but nothing stored, and no admin page, holds a usable link.
    assert usable(stored_text()) == []
    assert usable(admin_pages(ops)) == []
    assert draft_token not in stored_text() and customer_draft_token not in stored_text()
    assert SentEmail.objects.get(kind="partner_invitation").body.count(links.LINK_PLACEHOLDER) == 2
    assert SentEmail.objects.get(kind="customer_invitation").body == f"Hi\n{links.LINK_PLACEHOLDER}\nBye"

    # What was delivered carries links of its own, and they work.
    partner_msg, customer_msg = mail.outbox
    partner_token = delivered_token(PARTNER_LINK, partner_msg)
    assert partner_token != draft_token and partner_token in partner_msg.subject
    customer_token = delivered_token(CUSTOMER_LINK, customer_msg)
    assert customer_token != customer_draft_token
    assert links.lookup(PartnerInvitation, partner_token) == (invitation, links.PENDING)
    assert links.lookup(CustomerInvitation, customer_token) == (customer_inv, links.PENDING)

    # Ops resend: a fresh link, working too; the stored rows still hold none.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ops.post(
            reverse("admin:partnercenter_sentemail_changelist"),
            {
                "action": "resend_emails",
                "_selected_action": list(SentEmail.objects.values_list("pk", flat=True)),
            },
        )
    resent = {m.to[0]: m for m in mail.outbox}
    assert set(resent) == {invitee.primary_contact_email, "it@c.example"}
    resent_partner = delivered_token(PARTNER_LINK, resent[invitee.primary_contact_email])
    resent_customer = delivered_token(CUSTOMER_LINK, resent["it@c.example"])
    assert resent_partner not in (partner_token, draft_token)
    assert usable(stored_text()) == [] and usable(admin_pages(ops)) == []

    # Accepting by any link uses the invitation: every link of it then reads as used.
    services.invitation_accept(token=resent_partner, user=invitee_user)
    for token in (draft_token, partner_token, resent_partner):
        assert links.lookup(PartnerInvitation, token)[1] == links.USED
    _tenant, customer_admin = make_customer()
    customer_invitation_accept(token=resent_customer, user=customer_admin)
    for token in (customer_draft_token, customer_token, resent_customer):
        assert links.lookup(CustomerInvitation, token)[1] == links.USED


def test_an_invitation_no_longer_pending_is_not_emailed(django_capture_on_commit_callbacks):
    reseller, _ru, provider, provider_user = make_partnered()
    invitation, token = services.invitation_create(provider=provider, user=provider_user)
    subject, body = services.email_draft(invitation=invitation, token=token)
    with django_capture_on_commit_callbacks(execute=True):
        email = services.invitation_send(
            provider=provider,
            invitation_id=invitation.pk,
            user=provider_user,
            token=token,
            to="someone@elsewhere.example",
            subject=subject,
            body=body,
        )
    services.invitation_revoke(provider=provider, invitation_id=invitation.pk, user=provider_user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert emails.email_resend(email=email)
    email.refresh_from_db()
    assert mail.outbox == [] and email.status == SentEmail.Status.CANCELLED and "revoked" in email.error


def test_a_new_link_ends_every_earlier_link(django_capture_on_commit_callbacks):
    _r, _ru, provider, provider_user = make_partnered()
    invitation, token = services.invitation_create(provider=provider, user=provider_user)
    extra = links.link_add(invitation)
    assert links.token_matches(invitation, extra)
    fresh = services.invitation_new_link(provider=provider, invitation_id=invitation.pk, user=provider_user)
    assert links.lookup(PartnerInvitation, token)[1] == links.UNKNOWN
    assert links.lookup(PartnerInvitation, extra)[1] == links.UNKNOWN
    assert links.lookup(PartnerInvitation, fresh)[1] == links.PENDING


def test_log_lines_never_hold_a_link_token():
    token = "XJNx3Nh8-xJWXEZPaZy36E_80ZfDtrEFS6q3pDK5gpE"
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Forbidden: %s",
        (f"/customers/invitations/{token}/",),
        None,
    )
    assert RedactLinkTokens().filter(record)
    assert token not in record.getMessage() and "/customers/invitations/[redacted]/" in record.getMessage()


def test_the_configured_handlers_mask_link_tokens():
    """The root console handler (django.request propagates to it) and runserver's request lines."""
    for name in ("", "django.server"):
        ours = [h for h in logging.getLogger(name).handlers if type(h) is logging.StreamHandler]
        assert ours and all(any(isinstance(f, RedactLinkTokens) for f in h.filters) for h in ours)
