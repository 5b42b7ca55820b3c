import pytest
from rest_framework.test import APIClient

from tenants.services import api_token_create


@pytest.fixture(autouse=True)
def _reset_lockouts(db):
    """django-axes keeps failures in the database and its cache; every test starts unlocked."""
    from axes.models import AccessAttempt, AccessFailureLog

    AccessAttempt.objects.all().delete()
    AccessFailureLog.objects.all().delete()
    yield


@pytest.fixture
def api_client_for():
    """api_client_for(user) -> an APIClient authenticated with a fresh Bearer token of that user."""

    def make(user):
        _token, key = api_token_create(user=user, name="test")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return make
