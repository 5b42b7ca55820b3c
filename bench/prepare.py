"""Run inside Django (the harness's settings and database): sign-ins, API keys, the ids and page tokens
the load test asks for, and the durable-job drain measurement. Prints one JSON object."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from customers import selectors  # noqa: E402
from customers.management.commands.seed_scale import customer_domain  # noqa: E402
from customers.models import CustomerAccount  # noqa: E402
from partnercenter import clock, jobs, paging  # noqa: E402
from partnercenter.models import ScheduledJob  # noqa: E402
from tenants.models import PartnerProfile, User  # noqa: E402
from tenants.services import api_token_create  # noqa: E402

NOOP = "bench.noop"


@jobs.handler(NOOP)
def _noop(job):
    return None


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _deep_token(qs, path: str, from_end: int = 30) -> str | None:
    """The token a reader holds after paging almost to the end (computed once here with an offset)."""
    keys = paging.sort_keys(qs)
    n = qs.count()
    from_end = min(from_end, n // 2)
    if from_end < 1:
        return None
    row = qs.order_by(*keys)[n - from_end]
    return paging.sign(path, "next", [paging._value(row, k) for k in keys])


def _drain(n: int) -> dict:
    ScheduledJob.objects.filter(kind=NOOP).delete()
    now = clock.now()
    ScheduledJob.objects.bulk_create(
        # Due over the last n seconds, as jobs that fell due through the day would be.
        [ScheduledJob(kind=NOOP, due_at=now - dt.timedelta(seconds=i), created_at=now) for i in range(n)],
        batch_size=5000,
    )
    started = time.perf_counter()
    ran = jobs.sweep()
    seconds = time.perf_counter() - started
    return {"jobs": n, "ran": ran, "seconds": round(seconds, 3), "jobs_per_s": round(ran / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--jobs", type=int, default=0)
    args = parser.parse_args()
    provider = PartnerProfile.objects.get(mpn_id="9600001")
    reseller = PartnerProfile.objects.get(mpn_id="9500001")
    provider_admin = User.objects.get(email="admin@provider1.scale.example")
    reseller_admin = User.objects.get(email="admin@contoso.scale.example")
    ops = User.objects.get(email="ops@scale.example")
    customer = CustomerAccount.objects.get(tenant__default_domain=customer_domain(args.size // 2))
    out = {
        "size": args.size,
        "provider_session": _session(provider_admin),
        "reseller_session": _session(reseller_admin),
        "ops_session": _session(ops),
        "csrf": get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS),
        "provider_token": api_token_create(user=provider_admin, name="bench")[1],
        "customer_id": str(customer.tenant_id),
        # A search that finds a handful of customers (name or domain contain these digits).
        "search": f"{args.size // 2:06d}"[:5],
        "deep_cursor": _deep_token(selectors.customers_for_partner(profile=reseller), "/customers/"),
        "deep_api_token": _deep_token(selectors.customers_for_partner(profile=provider), "/v1/customers"),
        "customers": selectors.customers_for_partner(profile=reseller).count(),
    }
    if args.jobs:
        out["drain"] = _drain(args.jobs)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
