"""`seed_scale` builds SPEC §11's shape at any size, again without duplicates, beside the demo cast."""

import pytest
from django.core.management import call_command

from customers import selectors
from customers.models import CustomerAccount, CustomerUser, ResellerRelationship, Subscription
from tenants.models import PartnerProfile, Partnership, Tenant

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Tenant.objects.count(),
        CustomerAccount.objects.count(),
        ResellerRelationship.objects.count(),
        Subscription.objects.count(),
        CustomerUser.objects.count(),
        Partnership.objects.count(),
    )


def test_seed_scale_builds_the_book_and_is_idempotent():
    call_command("seed_demo", verbosity=0)
    demo = _counts()
    args = [
        "--resellers",
        "4",
        "--customers",
        "20",
        "--subscriptions-per-customer",
        "2",
        "--users-per-customer",
        "2",
    ]
    call_command("seed_scale", *args, verbosity=0)
    provider = PartnerProfile.objects.get(mpn_id="9600001")
    contoso = PartnerProfile.objects.get(mpn_id="9500001")
    assert selectors.customers_for_partner(profile=provider).count() == 20
    assert selectors.customers_for_partner(profile=contoso).count() == 20  # direct bill + its indirect share
    assert Partnership.objects.filter(provider=provider).count() == 4
    assert Subscription.objects.filter(relationship__provider=provider).count() == 40
    assert CustomerUser.objects.filter(customer__tenant__default_domain__startswith="scale").count() == 40
    after = _counts()
    call_command("seed_scale", *args, verbosity=0)
    assert _counts() == after
    # The demo cast is as it was: only scale rows were added.
    assert Tenant.objects.exclude(default_domain__contains="scale").count() == demo[0]
