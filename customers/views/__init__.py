from .customers import (  # noqa: F401
    customer_create,
    customer_detail,
    customer_list,
    customer_row,
    customer_user_add,
    customer_user_remove,
    license_change,
    order_new,
    relationship_remove,
    subscription_action,
)
from .invitations import (  # noqa: F401
    invitation_landing,
    invitation_revoke,
    invitations_sent,
    invite,
    invite_done,
    my_partner_remove,
    my_partners,
    relationship_request,
)
