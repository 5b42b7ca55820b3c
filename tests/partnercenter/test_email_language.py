"""Emails are written in the recipient's language, whoever or whatever caused them."""

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from enrollment import services
from partnercenter import emails
from partnercenter.models import SentEmail
from tests.enrollment.helpers import submit
from tests.factories import UserFactory, make_direct_bill_partner

pytestmark = pytest.mark.django_db

APPROVED_EN = "Your indirect reseller enrollment is approved"
APPROVED_KO = "간접 재판매인 등록이 승인되었습니다"


@pytest.fixture
def manual_policy(settings):
    settings.ENROLLMENT_APPROVAL_POLICY = "manual"


def test_recipient_language_is_the_users_choice_else_the_default(settings):
    UserFactory(email="kim@contoso.example", language="ko")
    UserFactory(email="lee@contoso.example", language="")
    assert emails.recipient_language("Kim@Contoso.example") == "ko"
    assert emails.recipient_language("lee@contoso.example") == settings.LANGUAGE_CODE
    assert emails.recipient_language("nobody@contoso.example") == settings.LANGUAGE_CODE


def test_the_text_is_rendered_in_the_recipients_language_not_the_senders(django_capture_on_commit_callbacks):
    UserFactory(email="kim@contoso.example", language="ko")
    seen = []

    def body():
        seen.append(translation.get_language())
        return gettext("Partner Center")

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        emails.email_send(
            kind="test.notice", to="kim@contoso.example", subject=gettext_lazy(APPROVED_EN), body=body
        )
    assert seen == ["ko"]
    email = SentEmail.objects.get()
    assert (email.subject, email.body) == (APPROVED_KO, "파트너 센터")
    assert mail.outbox[0].subject == APPROVED_KO


def test_an_address_without_a_chosen_language_gets_the_default(django_capture_on_commit_callbacks):
    with translation.override("ko"):
        emails.email_send(
            kind="test.notice", to="someone@contoso.example", subject=gettext_lazy(APPROVED_EN), body="x"
        )
    assert SentEmail.objects.get().subject == APPROVED_EN


def test_a_renderer_runs_in_the_recipients_language(monkeypatch, django_capture_on_commit_callbacks):
    UserFactory(email="kim@contoso.example", language="ko")

    def render(email):
        return gettext(APPROVED_EN), translation.get_language()

    monkeypatch.setitem(emails._RENDERERS, "test.rendered", render)

    with django_capture_on_commit_callbacks(execute=True):
        emails.email_send(kind="test.rendered", to="kim@contoso.example", subject="s", body="b")
    assert (mail.outbox[0].subject, mail.outbox[0].body) == (APPROVED_KO, "ko")


def test_a_korean_contact_gets_the_approval_in_korean_when_english_ops_approve(
    manual_policy, django_capture_on_commit_callbacks
):
    profile, user = make_direct_bill_partner(offboarding=True)
    enrollment = submit(profile, user, django_capture_on_commit_callbacks)
    UserFactory(email=enrollment.primary_contact_email, tenant=profile.tenant, language="ko")
    ops = UserFactory(tenant=None, role="", is_staff=True, language="en")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.enrollment_approve(enrollment_id=enrollment.pk, actor=ops)
    sent = mail.outbox[-1]
    assert sent.to == [enrollment.primary_contact_email]
    assert sent.subject == APPROVED_KO
    assert "파트너 센터" in sent.body and "Partner Center" not in sent.body


def test_an_english_contact_gets_it_in_english_when_korean_ops_approve(
    manual_policy, django_capture_on_commit_callbacks
):
    profile, user = make_direct_bill_partner(offboarding=True)
    enrollment = submit(profile, user, django_capture_on_commit_callbacks)
    UserFactory(email=enrollment.primary_contact_email, tenant=profile.tenant, language="en")
    with translation.override("ko"), django_capture_on_commit_callbacks(execute=True):
        services.enrollment_approve(enrollment_id=enrollment.pk, actor=None, actor_label="ops")
    assert mail.outbox[-1].subject == APPROVED_EN


def test_a_body_and_a_template_together_are_refused():
    with pytest.raises(TypeError):
        emails.email_send(kind="x", to="a@b.example", subject="s", body="b", template="t.txt")
    assert not SentEmail.objects.exists()
