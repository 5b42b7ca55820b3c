"""Durable job handlers (partnercenter.jobs): subscription term end and customer invitation expiry."""

from partnercenter import jobs

from .services.accounts import EXPIRE_JOB, customer_invitation_expire_due
from .services.orders import RENEWAL_JOB, subscription_renew_or_expire


@jobs.handler(RENEWAL_JOB)
def subscription_term_end(job) -> str:
    return subscription_renew_or_expire(subscription_id=job.object_id)


@jobs.handler(EXPIRE_JOB)
def customer_invitation_expire(job) -> str:
    return customer_invitation_expire_due(invitation_id=int(job.object_id))
