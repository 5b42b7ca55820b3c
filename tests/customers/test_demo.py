"""The demo story (SPEC §8): seeded customers, and Contoso → invite Tailspin with Fabrikam → Fabrikam orders."""

import pytest

from customers import demo
from customers.models import CustomerAccount, ResellerRelationship, Subscription
from customers.selectors import customer_access
from customers.services import customer_invitation_accept, customer_invitation_create, order_create
from partnercenter.errors import DomainError
from tenants import demo as tenants_demo
from tenants.models import PartnerProfile, Partnership, Program, User
from tenants.services import program_join

pytestmark = pytest.mark.django_db


def _counts():
    return (
        CustomerAccount.objects.count(),
        ResellerRelationship.objects.count(),
        Subscription.objects.count(),
    )


def test_seed_is_idempotent_and_tells_the_story():
    tenants = tenants_demo.seed()
    demo.seed(tenants)
    first = _counts()
    demo.seed(tenants)
    assert _counts() == first == (3, 2, 2)
    wingtip = CustomerAccount.objects.get(tenant=tenants["wingtip"])
    litware = CustomerAccount.objects.get(tenant=tenants["litware"])
    assert not wingtip.store_for_business and litware.store_for_business
    assert not ResellerRelationship.objects.filter(customer__tenant=tenants["tailspin"]).exists()

    contoso = PartnerProfile.objects.get(tenant=tenants["contoso"])
    fabrikam = PartnerProfile.objects.get(tenant=tenants["fabrikam"])
    contoso_admin = User.objects.get(email="admin@contoso.example")
    fabrikam_admin = User.objects.get(email="admin@fabrikam.example")
    # What enrollment and the partnership invitation do in the walkthrough:
    program_join(profile=contoso, program=Program.INDIRECT_RESELLER, actor_label="test")
    program_join(profile=fabrikam, program=Program.INDIRECT_PROVIDER, actor_label="test")
    Partnership.objects.create(provider=fabrikam, reseller=contoso)

    _inv, token = customer_invitation_create(reseller=contoso, user=contoso_admin, provider=fabrikam)
    tailspin_admin = User.objects.get(email="admin@tailspin.example")
    customer_invitation_accept(token=token, user=tailspin_admin)
    access = customer_access(profile=fabrikam, customer_id=tenants["tailspin"].id)
    order_create(
        access=access,
        user=fabrikam_admin,
        line_items=[{"offerId": "CFQ7TTC0LH18:0001", "quantity": 10, "partnerIdOnRecord": contoso.mpn_id}],
    )
    assert Subscription.objects.filter(customer__tenant=tenants["tailspin"]).count() == 1

    # R16: Litware (Store for Business) cannot accept Contoso's indirect invitation.
    _inv2, token2 = customer_invitation_create(reseller=contoso, user=contoso_admin, provider=fabrikam)
    with pytest.raises(DomainError) as exc:
        customer_invitation_accept(token=token2, user=User.objects.get(email="admin@litware.example"))
    assert exc.value.rule == "R16"
    demo.seed(tenants)
    assert Subscription.objects.count() == 3
