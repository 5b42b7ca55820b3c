"""Two concurrent accepts of one invitation make exactly one partnership (run on PostgreSQL in CI:
`DATABASE_URL=postgres://... pytest tests/invitations/test_concurrency.py`)."""

import threading

import pytest
from django.db import connection, connections

from invitations import services
from invitations.models import PartnerInvitation
from partnercenter.errors import DomainError
from tenants.models import Partnership, Program
from tests.factories import make_partner

pytestmark = pytest.mark.django_db(transaction=True)


def _race(token, users):
    barrier = threading.Barrier(len(users))
    results: list = []
    lock = threading.Lock()

    def accept(user):
        try:
            barrier.wait(timeout=10)
            outcome = services.invitation_accept(token=token, user=user)
        except DomainError as exc:
            outcome = exc
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=accept, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.mark.parametrize("same_reseller", [True, False], ids=["same-reseller", "two-resellers"])
def test_two_concurrent_accepts_make_one_partnership(same_reseller):
    provider, provider_admin = make_partner(Program.INDIRECT_PROVIDER)
    _, admin_a = make_partner(Program.DIRECT_BILL, Program.INDIRECT_RESELLER)
    _, admin_b = make_partner(Program.DIRECT_BILL, Program.INDIRECT_RESELLER)
    invitation, token = services.invitation_create(provider=provider, user=provider_admin)
    results = _race(token, [admin_a, admin_a] if same_reseller else [admin_a, admin_b])
    assert len(results) == 2
    won = [r for r in results if isinstance(r, Partnership)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].status == 409
    assert Partnership.objects.filter(provider=provider).count() == 1
    fresh = PartnerInvitation.objects.get(pk=invitation.pk)
    assert fresh.status == "accepted" and fresh.partnership_id == won[0].pk
    print(f"database: {connection.vendor}")
