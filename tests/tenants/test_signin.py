"""Sign in / sign out, and the django-axes lockout after 5 wrong passwords."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, make_direct_bill_partner

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def partner_user():
    _profile, user = make_direct_bill_partner()
    return user


def sign_in(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_sign_in_page_has_labelled_fields(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    page = text(response)
    assert '<label for="id_username">Email</label>' in page
    assert '<label for="id_password">Password</label>' in page


def test_sign_in_with_email_and_password_lands_on_overview(client, partner_user):
    response = sign_in(client, partner_user.email, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("overview")
    page = text(client.get(reverse("overview")))
    assert partner_user.email in page and "Sign out" in page


def test_sign_in_ignores_email_case(client, partner_user):
    response = sign_in(client, partner_user.email.upper(), PASSWORD)
    assert response.status_code == 302


def test_sign_in_returns_to_next(client, partner_user):
    response = client.post(
        reverse("login") + "?next=/profile/",
        {"username": partner_user.email, "password": PASSWORD, "next": "/profile/"},
    )
    assert response["Location"] == "/profile/"


def test_wrong_password_shows_a_readable_error(client, partner_user):
    response = sign_in(client, partner_user.email, "wrong")
    assert response.status_code == 200
    assert "That email and password don&#x27;t match an account." in text(response)
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post_and_ends_the_session(client, partner_user):
    client.force_login(partner_user)
    confirm_page = client.get(reverse("logout"))
    assert confirm_page.status_code == 200 and "Sign out" in text(confirm_page)
    assert "_auth_user_id" in client.session
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("overview")).status_code == 302


def test_five_wrong_passwords_lock_sign_in_even_with_the_right_password(client, partner_user):
    for _attempt in range(4):
        response = sign_in(client, partner_user.email, "wrong-password")
        assert response.status_code == 200
        assert "That email and password" in text(response)
    fifth = sign_in(client, partner_user.email, "wrong-password")
    assert fifth.status_code == 429
    assert "Sign-in locked" in text(fifth)

    response = sign_in(client, partner_user.email, PASSWORD)
    assert response.status_code == 429
    page = text(response)
    assert "Too many failed sign-in attempts." in page and "even with the right password" in page
    assert "Traceback" not in page
    assert "_auth_user_id" not in client.session


def test_lockout_counts_wrong_passwords_whatever_the_case_of_the_email(client, partner_user):
    for attempt in range(5):
        email = partner_user.email.upper() if attempt % 2 else partner_user.email
        sign_in(client, email, "wrong-password")
    response = sign_in(client, partner_user.email, PASSWORD)
    assert response.status_code == 429
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {partner_user.email}


def test_four_wrong_passwords_then_the_right_one_signs_in(client, partner_user):
    for _attempt in range(4):
        sign_in(client, partner_user.email, "wrong-password")
    response = sign_in(client, partner_user.email, PASSWORD)
    assert response.status_code == 302


def test_ops_staff_land_on_the_admin_site(client):
    from tests.factories import UserFactory

    ops = UserFactory(tenant=None, role="", is_staff=True, is_superuser=True)
    response = sign_in(client, ops.email, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
