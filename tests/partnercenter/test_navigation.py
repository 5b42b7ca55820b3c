"""The left navigation depends on the partner's programs (R8: Indirect providers only once enrolled)."""

import pytest

from partnercenter.navigation import NavContext, nav_for
from partnercenter.registry import nav_entries
from tenants.models import Program, ProgramMembership

pytestmark = pytest.mark.urls("tests.partnercenter.nav_urls")


def ctx(*programs, partner=True, restricted=()):
    memberships = {
        p: ProgramMembership(program=p, status="restricted" if p in restricted else "active")
        for p in programs
    }
    return NavContext(user=None, profile=object() if partner else None, programs=memberships)


def names(context, path="/"):
    return [item["name"] for item in nav_for(context, path)]


def test_direct_bill_partner_before_enrolling():
    assert names(ctx(Program.DIRECT_BILL)) == [
        "overview",
        "profile",
        "enrollment:enroll",
        "invitations:find_provider",
        "customers:list",
        "enrollment:incentives",
        "api_keys",
    ]


def test_indirect_providers_appears_only_once_enrolled_r8():
    before = names(ctx(Program.DIRECT_BILL))
    after = names(ctx(Program.DIRECT_BILL, Program.INDIRECT_RESELLER))
    assert "invitations:indirect_providers" not in before
    assert "invitations:indirect_providers" in after
    assert "enrollment:enroll" not in after


def test_restricted_reseller_membership_does_not_show_indirect_providers():
    restricted = ctx(Program.DIRECT_BILL, Program.INDIRECT_RESELLER, restricted=[Program.INDIRECT_RESELLER])
    assert "invitations:indirect_providers" not in names(restricted)


def test_provider_sees_indirect_resellers():
    result = names(ctx(Program.INDIRECT_PROVIDER))
    assert "invitations:indirect_resellers" in result
    assert "invitations:find_provider" not in result and "enrollment:enroll" not in result


def test_customer_tenant_sees_its_partner_relationships():
    assert names(ctx(partner=False)) == ["overview", "customers:my_partners", "api_keys"]


@pytest.mark.parametrize(
    ("path", "active"),
    [
        ("/", "overview"),
        ("/profile/", "profile"),
        ("/profile/edit/", "profile"),
        ("/enrollment/", "enrollment:enroll"),
        ("/enrollment/incentives/", "enrollment:incentives"),
        ("/customers/123/", "customers:list"),
        ("/unknown/", None),
    ],
)
def test_exactly_one_entry_is_active(path, active):
    items = nav_for(ctx(Program.DIRECT_BILL), path)
    actives = [item["name"] for item in items if item["active"]]
    assert actives == ([active] if active else [])


@pytest.mark.urls("partnercenter.urls")
def test_entries_whose_page_is_not_installed_are_left_out(monkeypatch):
    from partnercenter import registry

    monkeypatch.setitem(
        registry._registry.nav,
        "no_such:page",
        registry.NavEntry("Nowhere", "no_such:page", "x", lambda c: True),
    )
    assert "no_such:page" not in names(ctx(Program.DIRECT_BILL))


def test_a_broken_predicate_hides_only_its_entry(monkeypatch):
    def broken(c):
        raise AttributeError("bug")

    from partnercenter import registry

    entries = registry._registry.nav
    monkeypatch.setattr(
        registry._registry,
        "nav",
        {
            "profile": registry.NavEntry("Broken", "profile", "x", broken, order=5),
            "overview": entries["overview"],
        },
    )
    assert names(ctx(Program.DIRECT_BILL)) == ["overview"]


def test_each_app_contributes_its_own_entries():
    """The shell names no app: every entry comes from an app's AppConfig.ready()."""
    by_app = {
        entry.url_name.partition(":")[0] if ":" in entry.url_name else "tenants" for entry in nav_entries()
    }
    assert by_app == {"tenants", "enrollment", "invitations", "customers", "webhooks", "transition"}
