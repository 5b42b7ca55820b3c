"""One house for invitation links: partnership and customer invitations share one token model, one lookup,
one answer per link state (page and API), one expiry job kind and one sweep."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client

from customers.models import CustomerInvitation
from customers.services import customer_invitation_accept, customer_invitation_create
from invitations import links, services
from invitations.models import PartnerInvitation, TokenInvitation
from invitations.tasks import expire_due_invitations
from partnercenter import clock, events, jobs
from partnercenter.errors import DomainError
from partnercenter.events import EventKind
from partnercenter.models import Event, ScheduledJob
from tests.customers.factories import make_customer, make_partnered

pytestmark = pytest.mark.django_db


@pytest.fixture
def kinds(provider, reseller, make_reseller):
    """For each kind: how to issue a link, its page path, its API accept path, and two users who may
    accept it (the second finds it used)."""
    c_reseller, c_ruser, c_provider, _puser = make_partnered()
    _t1, customer_a = make_customer()
    _t2, customer_b = make_customer()
    return {
        "partner": {
            "issue": lambda: services.invitation_create(provider=provider[0], user=provider[1]),
            "revoke": lambda inv: services.invitation_revoke(
                provider=provider[0], invitation_id=inv.pk, user=provider[1]
            ),
            "page": lambda token: f"/invitations/partner/{token}/",
            "api": "/v1/partnerinvitations/accept",
            "users": (reseller[1], make_reseller()[1]),
            "model": PartnerInvitation,
        },
        "customer": {
            "issue": lambda: customer_invitation_create(
                reseller=c_reseller, user=c_ruser, provider=c_provider
            ),
            "revoke": lambda inv: links.revoke(inv, user=c_ruser),
            "page": lambda token: f"/customers/invitations/{token}/",
            "api": "/v1/customerinvitations/accept",
            "users": (customer_a, customer_b),
            "model": CustomerInvitation,
        },
    }


def test_both_kinds_are_token_invitations_with_the_same_fields():
    shared = {"token_hash", "status", "created_at", "created_by", "expires_at", "finished_at", "finished_by"}
    for model in (PartnerInvitation, CustomerInvitation):
        assert issubclass(model, TokenInvitation)
        assert shared <= {f.name for f in model._meta.fields}
        assert model._meta.get_field("token_hash").unique
        assert {k.value for k in model.EVENTS.values()} <= set(EventKind.values)
    assert set(links.invitation_models()) == {PartnerInvitation, CustomerInvitation}


def _put_in_state(kind, state):
    """A link of `kind` in `state`: returns its token (and the clock to look at it with)."""
    if state == "unknown":
        return "x" * 43, clock.now()
    invitation, token = kind["issue"]()
    if state == "expired":
        return token, invitation.expires_at + dt.timedelta(seconds=1)
    if state == "used":
        kind["model"].objects.filter(pk=invitation.pk).update(status="accepted")
    elif state == "declined":
        links.decline(invitation, user=None)
    elif state == "revoked":
        kind["revoke"](invitation)
    return token, clock.now()


EXPECTED = {
    "unknown": (404, 4040, "invitation.unknown"),
    "expired": (410, 4100, "invitation.expired"),
    "used": (409, 4101, "invitation.used"),
    "revoked": (410, 4102, "invitation.revoked"),
    "declined": (409, 4103, "invitation.declined"),
}


@pytest.mark.parametrize("state", sorted(EXPECTED))
def test_each_link_state_answers_the_same_for_both_kinds(state, kinds, api_client_for):
    answers = {}
    for name, kind in kinds.items():
        token, moment = _put_in_state(kind, state)
        user = kind["users"][0]
        with clock.frozen_at(moment):
            api = api_client_for(user).post(kind["api"], {"token": token}, format="json")
            client = Client()
            client.force_login(user)
            page = client.get(kind["page"](token))
            posted = client.post(kind["page"](token), {"action": "accept"})
            anonymous = Client().get(kind["page"](token))
        html = page.content.decode()
        assert f'data-state="{state}"' in html and f'data-reason="{EXPECTED[state][2]}"' in html
        assert posted.status_code == anonymous.status_code == page.status_code
        answers[name] = (api.status_code, api.json(), page.status_code)
    status, code, _reason = EXPECTED[state]
    assert answers["partner"] == answers["customer"]
    assert answers["partner"][0] == answers["partner"][2] == status
    assert answers["partner"][1]["code"] == code


def test_each_state_has_its_own_message():
    messages = [str(answer.message) for answer in links.ANSWERS.values()]
    assert len(set(messages)) == len(messages) == 5
    assert len({answer.code for answer in links.ANSWERS.values()}) == 5


def _expired_events():
    return Event.objects.filter(
        kind__in=[EventKind.PARTNER_INVITATION_EXPIRED, EventKind.CUSTOMER_INVITATION_EXPIRED]
    )


def test_one_job_kind_for_both_kinds_and_forced_time_expires_them(kinds):
    partner, _ = kinds["partner"]["issue"]()
    customer, _ = kinds["customer"]["issue"]()
    for invitation in (partner, customer):
        job = ScheduledJob.objects.get(object_id=str(invitation.pk), object_type=invitation._meta.label_lower)
        assert job.kind == links.EXPIRE_JOB and job.due_at == invitation.expires_at
    expiry = max(partner.expires_at, customer.expires_at)
    call_command("run_due_jobs", "--until", (expiry - dt.timedelta(days=1)).isoformat())
    assert {partner.__class__.objects.get(pk=partner.pk).status, CustomerInvitation.objects.get().status} == {
        "pending"
    }
    # Ops' time travel: jobs due by then run now, and expire what is due by then (not "not due").
    call_command("run_due_jobs", "--until", (expiry + dt.timedelta(minutes=1)).isoformat())
    assert PartnerInvitation.objects.get(pk=partner.pk).status == "expired"
    assert CustomerInvitation.objects.get(pk=customer.pk).status == "expired"
    invitation_jobs = ScheduledJob.objects.filter(object_type__endswith="invitation")
    assert set(invitation_jobs.values_list("kind", "status")) == {(links.EXPIRE_JOB, "done")}
    assert sorted(_expired_events().values_list("kind", flat=True)) == [
        "customer_invitation.expired",
        "partner_invitation.expired",
    ]
    assert all(e.actor_label.startswith("job:invitations.expire#") for e in _expired_events())


def test_sweep_all_with_until_expires_both_kinds(kinds):
    partner, _ = kinds["partner"]["issue"]()
    customer, _ = kinds["customer"]["issue"]()
    jobs.sweep_all(until=max(partner.expires_at, customer.expires_at) + dt.timedelta(seconds=1))
    assert set(PartnerInvitation.objects.values_list("status", flat=True)) == {"expired"}
    assert set(CustomerInvitation.objects.values_list("status", flat=True)) == {"expired"}


def test_a_duplicate_job_run_is_a_no_op(kinds):
    customer, _ = kinds["customer"]["issue"]()
    job = ScheduledJob.objects.get(kind=links.EXPIRE_JOB, object_id=str(customer.pk))
    with clock.frozen_at(customer.expires_at + dt.timedelta(minutes=1)):
        assert jobs.job_run(job.pk) is True
        assert jobs.job_run(job.pk, force=True) is False  # the row is done: delivered twice, runs once
        job.refresh_from_db()
        job.as_of = clock.now()
        assert links.expire_job(job) == "nothing to do"  # the handler itself checks the state first
    assert CustomerInvitation.objects.get(pk=customer.pk).status == "expired"
    assert _expired_events().count() == 1


def test_a_job_run_before_its_time_keeps_the_invitation_due(kinds):
    partner, token = kinds["partner"]["issue"]()
    job = ScheduledJob.objects.get(kind=links.EXPIRE_JOB, object_id=str(partner.pk))
    assert jobs.job_run(job.pk, force=True) is True  # ops' "Run now", a month early
    job.refresh_from_db()
    assert job.result == "not due yet: rescheduled"
    assert PartnerInvitation.objects.get(pk=partner.pk).status == "pending"
    again = ScheduledJob.objects.get(kind=links.EXPIRE_JOB, object_id=str(partner.pk), status="pending")
    assert again.due_at == partner.expires_at
    jobs.sweep_all(until=partner.expires_at)
    assert PartnerInvitation.objects.get(pk=partner.pk).status == "expired"


def test_the_sweep_catches_an_invitation_whose_job_was_lost(kinds):
    partner, _ = kinds["partner"]["issue"]()
    customer, _ = kinds["customer"]["issue"]()
    ScheduledJob.objects.all().delete()  # lost (a restore, a bug): the beat sweep is the second net
    with clock.frozen_at(max(partner.expires_at, customer.expires_at) + dt.timedelta(hours=1)):
        assert expire_due_invitations.delay().get() == 2
        assert expire_due_invitations.delay().get() == 0
    assert PartnerInvitation.objects.get(pk=partner.pk).status == "expired"
    assert CustomerInvitation.objects.get(pk=customer.pk).status == "expired"
    assert _expired_events().count() == 2


def test_the_job_handler_ignores_what_is_not_an_invitation(kinds):
    job = ScheduledJob(kind=links.EXPIRE_JOB, object_type="tenants.tenant", object_id="1")
    job.as_of = clock.now()
    assert links.expire_job(job) == "not an invitation"
    job.object_type = "nope.nothing"
    assert links.expire_job(job) == "not an invitation"
    job.object_type, job.object_id = "invitations.partnerinvitation", "999999"
    assert links.expire_job(job) == "nothing to do"


def test_single_use_and_one_event_per_change_for_both_kinds(kinds):
    for kind in kinds.values():
        invitation, token = kind["issue"]()
        first, second = kind["users"]
        accept = (
            services.invitation_accept if kind["model"] is PartnerInvitation else customer_invitation_accept
        )
        accept(token=token, user=first)
        with pytest.raises(DomainError) as exc:
            accept(token=token, user=second)
        assert exc.value.reason == "invitation.used"
        fresh = kind["model"].objects.get(pk=invitation.pk)
        assert fresh.status == "accepted" and fresh.finished_by == first and fresh.finished_at
        history = [e.kind for e in events.for_object(invitation)]
        assert history == [kind["model"].EVENTS["created"].value, kind["model"].EVENTS["accepted"].value]
        assert (
            ScheduledJob.objects.get(
                object_id=str(invitation.pk), object_type=invitation._meta.label_lower
            ).status
            == "cancelled"
        )


def test_the_draft_check_is_shared_and_pages_branch_on_its_reason(provider, monkeypatch):
    """The link must stay in the text, for both kinds, and the error goes next to the text because of
    its reason, whatever the message says (it changes with the language)."""
    c_reseller, c_ruser, c_provider, _p = make_partnered()
    customer, c_token = customer_invitation_create(reseller=c_reseller, user=c_ruser, provider=c_provider)
    partner, p_token = services.invitation_create(provider=provider[0], user=provider[1])
    for invitation, token in ((customer, c_token), (partner, p_token)):
        with pytest.raises(DomainError) as exc:
            links.check_draft(invitation, token=token, body="no link here")
        assert exc.value.reason == links.REASON_DRAFT_LINK_MISSING
        with pytest.raises(DomainError) as exc:
            links.check_draft(invitation, token="y" * 43, body=type(invitation).link_url("y" * 43))
        assert exc.value.reason == links.REASON_DRAFT_FOREIGN_LINK
        assert links.check_draft(invitation, token=token, body=f"Hi {type(invitation).link_url(token)}")

    def refuse(model, *, token, body):
        raise DomainError("Ce texte ne dit pas de quoi il s'agit.", reason=links.REASON_DRAFT_LINK_MISSING)

    monkeypatch.setattr(links, "check_draft_text", refuse)
    client = Client()
    client.force_login(c_ruser)
    draft = client.post("/customers/invite/", {"provider": c_provider.tenant_id}).context["form"].initial
    response = client.post("/customers/invite/done/", draft)
    assert response.status_code == 400
    assert response.context["form"].errors["body"] == ["Ce texte ne dit pas de quoi il s'agit."]
    client.force_login(provider[1])
    draft = client.get("/indirect-resellers/request/").context["form"].initial
    response = client.post("/indirect-resellers/request/", {**draft, "action": "done"})
    assert response.status_code == 400
    assert response.context["form"].errors["body"] == ["Ce texte ne dit pas de quoi il s'agit."]


def test_revoke_is_shared(kinds):
    for kind in kinds.values():
        invitation, token = kind["issue"]()
        kind["revoke"](invitation)
        with pytest.raises(DomainError) as exc:
            kind["revoke"](invitation)
        assert (exc.value.status, exc.value.code, exc.value.reason) == (409, 4091, "invitation.not_pending")
        assert links.lookup(kind["model"], token)[1] == "revoked"
        assert (
            Event.objects.filter(kind=kind["model"].EVENTS["revoked"], object_id=str(invitation.pk)).count()
            == 1
        )
