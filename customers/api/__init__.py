"""REST API (SPEC §6) for customers, customer invitations, orders, subscriptions, users, licenses and
offers, in the real Partner Center API's shapes where it has them, one module per sub-domain."""
