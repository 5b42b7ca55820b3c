"""Invitation state machine, sending once after commit, expiry jobs, partnership removal (R10)."""

import datetime as dt

import pytest
from django.core import mail
from django_fsm import TransitionNotAllowed

from invitations import links, services
from invitations.models import PartnerInvitation, invitation_url
from partnercenter import clock, jobs
from partnercenter.errors import DomainError
from partnercenter.models import Event, ScheduledJob, SentEmail
from tenants.models import Partnership, Program, Role
from tests.factories import UserFactory, make_partner

pytestmark = pytest.mark.django_db


def _send(provider, invitation, token, to="reseller@example.net", body=None):
    subject, default_body = services.email_draft(invitation=invitation, token=token)
    return services.invitation_send(
        provider=provider[0],
        invitation_id=invitation.pk,
        user=provider[1],
        token=token,
        to=to,
        subject=subject,
        body=default_body if body is None else body,
    )


def test_state_field_is_protected(new_invitation):
    invitation, _ = new_invitation()
    with pytest.raises(AttributeError):
        invitation.status = "accepted"


def test_transitions_only_from_pending(new_invitation):
    invitation, _ = new_invitation()
    invitation.revoke()
    with pytest.raises(TransitionNotAllowed):
        invitation.decline()
    with pytest.raises(TransitionNotAllowed):
        invitation.expire()


def test_create_records_event_and_schedules_expiry_job(provider, new_invitation):
    invitation, _ = new_invitation()
    assert Event.objects.filter(kind="partner_invitation.created", object_id=str(invitation.pk)).exists()
    job = ScheduledJob.objects.get(kind=links.EXPIRE_JOB, object_id=str(invitation.pk))
    assert job.due_at == invitation.expires_at


def test_only_an_indirect_provider_admin_can_invite(reseller, provider):
    with pytest.raises(DomainError) as exc:
        services.invitation_create(provider=reseller[0], user=reseller[1])
    assert exc.value.status == 403
    sales = UserFactory(tenant=provider[0].tenant, role=Role.SALES_AGENT)
    with pytest.raises(DomainError):
        services.invitation_create(provider=provider[0], user=sales)
    agent = UserFactory(tenant=provider[0].tenant, role=Role.ADMIN_AGENT)
    invitation, _ = services.invitation_create(provider=provider[0], user=agent)
    assert invitation.status == "pending"


def test_send_records_one_email_delivered_after_commit(
    provider, new_invitation, django_capture_on_commit_callbacks
):
    invitation, token = new_invitation()
    with django_capture_on_commit_callbacks(execute=True):
        _send(provider, invitation, token)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["reseller@example.net"]
    assert invitation_url(token) not in mail.outbox[0].body  # a fresh link, made at delivery
    assert "https://portal.test/invitations/partner/" in mail.outbox[0].body
    email = SentEmail.objects.get(kind="partner_invitation")
    assert email.status == "sent" and email.dedupe_key == f"partner-invitation:{invitation.pk}"
    fresh = PartnerInvitation.objects.get(pk=invitation.pk)
    assert fresh.email == "reseller@example.net" and fresh.sent_at is not None
    # sending again is refused and sends nothing
    with pytest.raises(DomainError):
        _send(provider, invitation, token)
    assert SentEmail.objects.filter(kind="partner_invitation").count() == 1
    assert len(mail.outbox) == 1


def test_no_email_before_commit(provider, new_invitation, django_capture_on_commit_callbacks):
    invitation, token = new_invitation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _send(provider, invitation, token)
    assert mail.outbox == []
    assert callbacks


def test_the_link_must_stay_in_the_body(provider, new_invitation):
    invitation, token = new_invitation()
    with pytest.raises(DomainError) as exc:
        _send(provider, invitation, token, body="Hello, please accept.")
    assert "must stay" in str(exc.value.message)
    # a link from another invitation does not count
    other, other_token = new_invitation()
    with pytest.raises(DomainError):
        _send(provider, invitation, other_token, body=f"Join us: {invitation_url(other_token)}")
    assert not SentEmail.objects.exists()
    assert PartnerInvitation.objects.get(pk=invitation.pk).sent_at is None


def test_a_provider_cannot_invite_itself(provider, new_invitation):
    invitation, token = new_invitation()
    for own in (provider[1].email, provider[0].primary_contact_email):
        with pytest.raises(DomainError) as exc:
            _send(provider, invitation, token, to=own)
        assert exc.value.rule == "R10"
    assert not SentEmail.objects.exists()


def test_bad_recipient_is_a_form_error(provider, new_invitation):
    invitation, token = new_invitation()
    with pytest.raises(DomainError):
        _send(provider, invitation, token, to="not an email")


def test_accept_creates_partnership_events_and_notifies_provider(
    provider, reseller, new_invitation, django_capture_on_commit_callbacks
):
    invitation, token = new_invitation()
    with django_capture_on_commit_callbacks(execute=True):
        partnership = services.invitation_accept(token=token, user=reseller[1])
    assert partnership.provider == provider[0] and partnership.reseller == reseller[0]
    fresh = PartnerInvitation.objects.get(pk=invitation.pk)
    assert fresh.status == "accepted" and fresh.partnership == partnership and fresh.reseller == reseller[0]
    assert fresh.finished_by == reseller[1]
    assert Event.objects.filter(kind="partnership.accepted", tenant=reseller[0].tenant).count() == 1
    assert Event.objects.filter(kind="partner_invitation.accepted", tenant=provider[0].tenant).count() == 1
    assert ScheduledJob.objects.get(object_id=str(invitation.pk)).status == "cancelled"
    assert [m.to for m in mail.outbox] == [[provider[0].primary_contact_email]]


def test_an_already_partnered_reseller_cannot_accept_a_second_invitation(provider, reseller, new_invitation):
    _first, token1 = new_invitation()
    second, token2 = new_invitation()
    services.invitation_accept(token=token1, user=reseller[1])
    with pytest.raises(DomainError) as exc:
        services.invitation_accept(token=token2, user=reseller[1])
    assert exc.value.status == 409
    assert PartnerInvitation.objects.get(pk=second.pk).status == "pending"
    assert Partnership.objects.count() == 1


def test_decline(provider, reseller, new_invitation):
    invitation, token = new_invitation()
    services.invitation_decline(token=token, user=reseller[1])
    fresh = PartnerInvitation.objects.get(pk=invitation.pk)
    assert fresh.status == "declined"
    assert Event.objects.filter(kind="partner_invitation.declined").count() == 1
    with pytest.raises(DomainError):
        services.invitation_decline(token=token, user=reseller[1])


def test_revoke_only_pending_and_only_own(provider, new_invitation):
    invitation, _ = new_invitation()
    other = make_partner(Program.INDIRECT_PROVIDER)
    with pytest.raises(DomainError) as exc:
        services.invitation_revoke(provider=other[0], invitation_id=invitation.pk, user=other[1])
    assert exc.value.status == 404
    sales = UserFactory(tenant=provider[0].tenant, role=Role.SALES_AGENT)
    with pytest.raises(DomainError) as exc:
        services.invitation_revoke(provider=provider[0], invitation_id=invitation.pk, user=sales)
    assert exc.value.status == 403
    services.invitation_revoke(provider=provider[0], invitation_id=invitation.pk, user=provider[1])
    with pytest.raises(DomainError) as exc:
        services.invitation_revoke(provider=provider[0], invitation_id=invitation.pk, user=provider[1])
    assert exc.value.status == 409
    assert Event.objects.filter(kind="partner_invitation.revoked").count() == 1


def test_expiry_job_runs_once_when_due(provider, new_invitation):
    invitation, _ = new_invitation()
    job = ScheduledJob.objects.get(kind=links.EXPIRE_JOB, object_id=str(invitation.pk))
    assert jobs.job_run(job.pk) is False  # not due yet
    assert PartnerInvitation.objects.get(pk=invitation.pk).status == "pending"
    with clock.frozen_at(invitation.expires_at + dt.timedelta(minutes=1)):
        assert jobs.sweep() == 1
        assert jobs.sweep() == 0
        assert services.invitation_expire(invitation_id=invitation.pk, actor_label="ops") is False
    assert PartnerInvitation.objects.get(pk=invitation.pk).status == "expired"
    assert Event.objects.filter(kind="partner_invitation.expired").count() == 1


def test_periodic_sweep_task_is_idempotent(new_invitation):
    from invitations.tasks import expire_due_invitations

    a, _ = new_invitation()
    b, _ = new_invitation()
    with clock.frozen_at(a.expires_at + dt.timedelta(days=1)):
        assert expire_due_invitations.delay().get() == 2
        assert expire_due_invitations.delay().get() == 0
    assert set(PartnerInvitation.objects.values_list("status", flat=True)) == {"expired"}


def test_beat_runs_the_expiry_sweep():
    from partnercenter.celery import app

    app.finalize()
    schedule = app.conf.beat_schedule
    assert any(entry["task"] == "invitations.expire_due" for entry in schedule.values())


def test_partnership_remove_keeps_everything_else(provider, reseller, new_invitation):
    _, token = new_invitation()
    partnership = services.invitation_accept(token=token, user=reseller[1])
    agent = UserFactory(tenant=provider[0].tenant, role=Role.ADMIN_AGENT)
    with pytest.raises(DomainError):
        services.partnership_remove(provider=provider[0], partnership_id=partnership.pk, user=agent)
    other = make_partner(Program.INDIRECT_PROVIDER)
    with pytest.raises(DomainError) as exc:
        services.partnership_remove(provider=other[0], partnership_id=partnership.pk, user=other[1])
    assert exc.value.status == 404
    services.partnership_remove(provider=provider[0], partnership_id=partnership.pk, user=provider[1])
    fresh = Partnership.objects.get(pk=partnership.pk)
    assert fresh.status == "removed" and fresh.removed_by == provider[1] and fresh.removed_at
    assert Event.objects.filter(kind="partnership.removed").count() == 1
    with pytest.raises(DomainError):
        services.partnership_remove(provider=provider[0], partnership_id=partnership.pk, user=provider[1])
    # R6: the reseller is still an indirect reseller
    assert reseller[0].programs.filter(program=Program.INDIRECT_RESELLER, status="active").exists()
    # the pair can partner again with a new invitation
    _, token2 = new_invitation()
    services.invitation_accept(token=token2, user=reseller[1])
    assert Partnership.objects.filter(status="active").count() == 1


def test_ops_time_travel_runs_the_expiry_job(new_invitation, reseller, provider):
    from django.core.management import call_command

    invitation, token = new_invitation()
    other, _ = new_invitation()
    services.invitation_revoke(provider=other.provider, invitation_id=other.pk, user=provider[1])
    call_command("run_due_jobs", "--until", (invitation.expires_at - dt.timedelta(days=1)).isoformat())
    assert PartnerInvitation.objects.get(pk=invitation.pk).status == "pending"
    call_command("run_due_jobs", "--until", (invitation.expires_at + dt.timedelta(minutes=1)).isoformat())
    assert PartnerInvitation.objects.get(pk=invitation.pk).status == "expired"
    with pytest.raises(DomainError) as exc:
        services.invitation_accept(token=token, user=reseller[1])
    assert exc.value.code == services.CODE_EXPIRED
    # a revoked invitation's job was cancelled: it stays revoked
    assert ScheduledJob.objects.get(object_id=str(other.pk)).status == "cancelled"
    assert PartnerInvitation.objects.get(pk=other.pk).status == "revoked"
