"""Writes for customers: keyword-only, typed, atomic; a refusal is a DomainError naming its rule."""

from .accounts import (  # noqa: F401
    customer_account_ensure,
    customer_create_direct,
    customer_create_for_reseller,
    direct_relationship_accept,
    relationship_remove,
)
from .directory import customer_user_create, customer_user_delete, license_assign, license_remove  # noqa: F401
from .invitations import (  # noqa: F401
    customer_invitation_accept,
    customer_invitation_create,
    customer_invitation_decline,
    customer_invitation_finish_draft,
    customer_invitation_revoke,
    invitation_url,
    lookup_invitation,
    partnered_provider,
)
from .invoices import (  # noqa: F401
    billing_refusal,
    invoice_build,
    invoice_for,
    invoice_lines,
    invoices_build_month,
    invoices_for,
    invoicing_job_ensure,
)
from .orders import order_create, subscription_renew_or_expire, subscription_update  # noqa: F401
