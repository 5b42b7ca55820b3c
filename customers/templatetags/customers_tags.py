from django import template

from partnercenter.paging import capped_count

register = template.Library()


@register.inclusion_tag("customers/_overview_card_body.html")
def customers_card(user, profile):
    """The Overview card: a partner's customer count, or a customer tenant's partners."""
    from customers import selectors

    ctx = {"profile": profile, "user": user}
    if profile is not None:
        # Counted up to paging.COUNT_CAP: a distributor's 100,000 are "more than 1,000", not a COUNT each time.
        ctx["customer_count"], ctx["count_exact"] = capped_count(
            selectors.customers_for_partner(profile=profile)
        )
    elif user.is_authenticated and user.tenant_id and user.tenant.kind == "customer":
        ctx["relationship_count"] = (
            selectors.relationships_for_customer(customer_tenant=user.tenant).filter(status="active").count()
        )
        ctx["is_customer"] = True
    return ctx
