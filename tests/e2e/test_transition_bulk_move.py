"""In Chromium: tick customers on the tracker, send the invitations, and watch the batch page follow the
background work by itself (static script polling the batch's API; no console error, so no CSP violation)."""

from __future__ import annotations

import re

import pytest

from customers.catalog import offers_seed
from partnercenter import jobs
from tests.transition.helpers import direct_customer, setup
from transition.models import MoveBatch

pytestmark = pytest.mark.e2e


def test_bulk_move_from_the_tracker_with_a_self_updating_progress_page(
    page,
    sign_in,
    transactional_db,
    monkeypatch,
):
    # No broker hint: the batch waits for the sweep this test runs, so the page sees it unfinished first.
    monkeypatch.setattr(jobs, "publish", lambda job_id: False)
    offers_seed()  # the catalog comes from a data migration; a flushed database gets it again
    reseller, user, provider = setup()
    for name in ("Alpha", "Bravo"):
        direct_customer(reseller, name=name)
    direct_customer(reseller, name="Echo", store_for_business=True)

    sign_in(user.email)
    page.goto("/transition/")
    page.get_by_role("link", name="Customer migration").wait_for()
    page.get_by_label("Select Alpha").check()
    page.get_by_label("Select Echo").check()
    page.get_by_label("Indirect provider").select_option(label=f"{provider.legal_name} ({provider.mpn_id})")
    page.get_by_role("button", name="Send invitations").click()
    page.wait_for_url(re.compile(r"/transition/batches/"))
    assert page.locator("[data-field=progress]").get_attribute("value") == "0"
    batch = MoveBatch.objects.get()
    assert batch.total == 2 and batch.state == "queued"

    jobs.sweep_all()  # the worker's part

    # The script notices the batch is done and reloads: the customer it skipped is listed with the reason.
    page.get_by_test_id("batch-problems").wait_for(timeout=20_000)
    assert page.locator("[data-field=progress]").get_attribute("value") == "2"
    row = page.locator("[data-testid=batch-problems] tbody tr")
    assert row.count() == 1
    assert "Echo" in row.inner_text() and "Store for Business" in row.inner_text()
