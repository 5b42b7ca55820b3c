"""Korean (the source's language) and English: pages follow the chosen language."""

import pytest
from django.urls import reverse

from tests.factories import make_direct_bill_partner

pytestmark = pytest.mark.django_db


def test_sign_in_page_in_korean(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert 'lang="ko"' in page
    assert "로그인" in page and "암호" in page


def test_profile_in_korean_after_choosing_the_language(client):
    _profile, user = make_direct_bill_partner()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "ko", "next": "/profile/"})
    page = client.get(reverse("profile")).content.decode()
    assert "프로그램 정보" in page and "CSP 직접 청구" in page and "파트너 프로필" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/profile/"})
    assert "Program info" in client.get(reverse("profile")).content.decode()
