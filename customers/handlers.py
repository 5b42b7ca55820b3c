"""Durable job handlers (partnercenter.jobs): subscription term end. (Customer invitations expire through
the one invitation expiry job of `invitations.links`.)"""

from partnercenter import jobs

from .services.orders import RENEWAL_JOB, subscription_renew_or_expire


@jobs.handler(RENEWAL_JOB)
def subscription_term_end(job) -> str:
    return subscription_renew_or_expire(subscription_id=job.object_id)
