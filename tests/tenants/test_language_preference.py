"""Each user's language: chosen with the switcher, kept on the user, used on every page after sign-in."""

import pytest
from django.urls import reverse

from tenants.language import user_language_set
from tenants.models import User
from tests.factories import PASSWORD, make_direct_bill_partner

pytestmark = pytest.mark.django_db


def test_a_new_user_has_chosen_no_language():
    _profile, user = make_direct_bill_partner()
    assert user.language == ""


def test_the_switcher_keeps_a_signed_in_users_choice(client):
    _profile, user = make_direct_bill_partner()
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "ko", "next": "/profile/"})
    assert response.status_code == 302 and response["Location"] == "/profile/"
    user.refresh_from_db()
    assert user.language == "ko"


def test_the_choice_follows_the_user_to_another_browser(client):
    """A browser that asks for English (and has no language cookie) still shows Korean pages."""
    _profile, user = make_direct_bill_partner()
    user_language_set(user=user, language="ko")
    client.force_login(user)
    page = client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="ko"' in page and "프로그램 정보" in page


def test_the_choice_wins_over_a_stale_language_cookie(client, settings):
    _profile, user = make_direct_bill_partner()
    user_language_set(user=user, language="ko")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    response = client.get(reverse("profile"))
    assert response["Content-Language"] == "ko" and "프로그램 정보" in response.content.decode()


def test_without_a_choice_the_browser_decides(client):
    _profile, user = make_direct_bill_partner()
    client.force_login(user)
    assert "프로그램 정보" in client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "Program info" in client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_signing_in_does_not_store_the_browsers_language(client):
    _profile, user = make_direct_bill_partner()
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="ko")
    assert client.session.get("_auth_user_id") == str(user.pk)
    user.refresh_from_db()
    assert user.language == ""


def test_a_visitor_switching_languages_changes_no_user(client):
    make_direct_bill_partner()
    response = client.post(reverse("set_language"), {"language": "ko", "next": "/"})
    assert response.status_code == 302
    assert not User.objects.exclude(language="").exists()


def test_an_unknown_language_is_not_kept(client):
    _profile, user = make_direct_bill_partner()
    user_language_set(user=user, language="en")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
    assert user_language_set(user=user, language="fr") is False


def test_switching_back_to_english_is_kept(client):
    _profile, user = make_direct_bill_partner()
    user_language_set(user=user, language="ko")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/profile/"})
    user.refresh_from_db()
    assert user.language == "en"
    assert "Program info" in client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()


def test_ops_admin_pages_follow_the_choice_too(client):
    ops = User.objects.create_superuser("ops@partnercenter.example", PASSWORD)
    user_language_set(user=ops, language="ko")
    client.force_login(ops)
    response = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "ko"


def test_the_api_answers_a_bearer_tokens_user_in_the_chosen_language(client):
    from tenants.services import api_token_create

    _profile, user = make_direct_bill_partner()
    token = api_token_create(user=user, name="t")[1]
    missing = "/v1/customers/00000000-0000-0000-0000-000000000000"
    english = client.get(missing, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert english.status_code == 404 and english.json()["description"] == "Not found."
    User.objects.filter(pk=user.pk).update(language="ko")
    korean = client.get(missing, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")
    assert korean.status_code == 404 and korean.json()["description"] == "찾을 수 없습니다."
    from django.utils import translation

    assert korean.headers["Content-Language"] == "ko"
    assert translation.get_language() != "ko"  # the thread's language is put back after the answer
