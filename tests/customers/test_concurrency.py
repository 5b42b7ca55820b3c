"""Two concurrent accepts of one customer invitation make exactly one reseller relationship. Meant for
PostgreSQL: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/customers_dev pytest tests/customers/test_concurrency.py`
(SQLite serializes writers, so there it checks the same outcome without real overlap)."""

import threading

import pytest
from django.db import connection, connections

from customers.models import CustomerInvitation, ResellerRelationship
from customers.services import customer_invitation_accept, customer_invitation_create
from partnercenter.errors import DomainError
from tests.customers.factories import make_customer, make_partnered

pytestmark = pytest.mark.django_db(transaction=True)


def _race(token, users):
    barrier = threading.Barrier(len(users))
    results: list = []
    lock = threading.Lock()

    def accept(user):
        try:
            barrier.wait(timeout=10)
            outcome = customer_invitation_accept(token=token, user=user)
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


@pytest.mark.parametrize("same_customer", [True, False], ids=["same-customer", "two-customers"])
def test_concurrent_double_accept_makes_one_relationship(same_customer):
    reseller, ruser, provider, _p = make_partnered()
    invitation, token = customer_invitation_create(reseller=reseller, user=ruser, provider=provider)
    _t1, admin_a = make_customer()
    _t2, admin_b = make_customer()
    results = _race(token, [admin_a, admin_a] if same_customer else [admin_a, admin_b])
    assert len(results) == 2
    won = [r for r in results if isinstance(r, ResellerRelationship)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].status == 409
    assert ResellerRelationship.objects.filter(partner=reseller).count() == 1
    fresh = CustomerInvitation.objects.get(pk=invitation.pk)
    assert fresh.status == "accepted" and fresh.customer_id == won[0].customer_id
    print(f"database: {connection.vendor}")
