"""The ops changelists of customer accounts and scheduled jobs cost the same number of queries whatever
the number of rows, and render rows the way Django's admin does (checkbox, link) without its per-row
template and URL resolution."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from customers.models import CustomerAccount
from partnercenter import clock
from partnercenter.models import ScheduledJob
from tenants.models import Tenant
from tests.factories import PartnerProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

CUSTOMERS = reverse("admin:customers_customeraccount_changelist")
JOBS = reverse("admin:partnercenter_scheduledjob_changelist")


@pytest.fixture
def ops(client):
    user = UserFactory(email="ops@portal.example", tenant=None, role="", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def _customers(n: int, *, start: int = 0) -> list[CustomerAccount]:
    """`n` customer accounts, every other one created by a partner, every third one Store for Business."""
    partner = PartnerProfileFactory()
    tenants = Tenant.objects.bulk_create(
        [
            Tenant(
                default_domain=f"scale{i}.onmicrosoft.com",
                display_name=f"Scale & <Co> {i}",
                kind=Tenant.Kind.CUSTOMER,
            )
            for i in range(start, start + n)
        ]
    )
    return CustomerAccount.objects.bulk_create(
        [
            CustomerAccount(
                tenant=tenant,
                company_name=tenant.display_name,
                store_for_business=i % 3 == 0,
                created_by_partner=partner if i % 2 else None,
            )
            for i, tenant in enumerate(tenants)
        ]
    )


def _jobs(n: int) -> None:
    """`n` jobs of every state: due, later, retrying, failed, done; about a customer, with its tenant."""
    now = clock.now()
    accounts = _customers(n, start=10_000 + ScheduledJob.objects.count())
    statuses = [ScheduledJob.Status.PENDING, ScheduledJob.Status.FAILED, ScheduledJob.Status.DONE]
    ScheduledJob.objects.bulk_create(
        [
            ScheduledJob(
                kind="customers.scale_test" if i % 2 else "partnercenter.scale_test",
                tenant=account.tenant,
                object_type="customers.customeraccount",
                object_id=str(account.pk),
                due_at=now + dt.timedelta(minutes=-30 if i % 4 == 0 else i),
                status=statuses[i % 3],
                attempts=i % 2,
                last_error="boom" if i % 3 == 1 else "",
                result="done it" if i % 3 == 2 else "",
                created_at=now,
            )
            for i, account in enumerate(accounts)
        ]
    )


def _queries(client, url: str, params: dict) -> tuple[int, int]:
    """(queries, rows) of one changelist request."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.context["cl"].result_list)


CUSTOMER_VIEWS = [
    {},
    {"store_for_business__exact": "0"},
    {"o": "2"},
    {"o": "-5"},
    {"q": "Scale"},
]
JOB_VIEWS = [
    {},
    {"status__exact": "pending"},
    {"due": "now"},
    {"due": "stuck"},
    {"kind": "customers.scale_test"},
    {"o": "-4"},
    {"q": "scale_test"},
]


@pytest.mark.parametrize("params", CUSTOMER_VIEWS)
def test_customer_list_costs_the_same_queries_with_3_and_30_customers(ops, params):
    _customers(3)
    small, small_rows = _queries(ops, CUSTOMERS, params)
    _customers(27, start=3)
    large, large_rows = _queries(ops, CUSTOMERS, params)
    assert large_rows > small_rows > 0
    assert large == small


@pytest.mark.parametrize("params", JOB_VIEWS)
def test_job_list_costs_the_same_queries_with_3_and_30_jobs(ops, params):
    _jobs(3)
    small, small_rows = _queries(ops, JOBS, params)
    _jobs(27)
    large, large_rows = _queries(ops, JOBS, params)
    assert large_rows > small_rows > 0
    assert large == small


def test_customer_list_shows_every_column_and_filter(ops):
    _customers(1, start=7)
    page = ops.get(CUSTOMERS).content.decode()
    for column in ["company_name", "tenant", "store_for_business", "created_by_partner", "created_at"]:
        assert f"column-{column}" in page
    assert "Scale &amp; &lt;Co&gt; 7" in page
    assert 'data-filter-title="Microsoft Store for Business customer"' in page


def test_job_list_shows_every_column_and_filter(ops):
    _jobs(4)
    page = ops.get(JOBS).content.decode()
    for column in ["job_name", "about", "tenant", "when", "status", "attempts", "outcome"]:
        assert f"column-{column}" in page
    assert "Customer account " in page and "due now" in page and "boom" in page
    for title in ["status", "due", "job"]:
        assert f'data-filter-title="{title}"' in page


def test_a_page_lists_50_rows_and_links_to_the_next(ops):
    _customers(55)
    response = ops.get(CUSTOMERS)
    assert len(response.context["cl"].result_list) == 50
    assert "?p=2" in response.content.decode()
    assert len(ops.get(CUSTOMERS, {"p": "2"}).context["cl"].result_list) == 5


@pytest.mark.parametrize("model", [CustomerAccount, ScheduledJob])
def test_rows_render_django_s_own_checkbox_and_link(ops, model):
    """The checkbox written directly and the link built from one URL per page are the same HTML as
    Django's CheckboxInput widget and its reverse() per row."""
    _jobs(3)
    model_admin = admin.site._registry[model]
    cl = ops.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")).context["cl"]
    assert cl.result_list
    for obj in cl.result_list:
        for language in ["en", "ko"]:
            with translation.override(language):
                ours = model_admin.action_checkbox(obj)
                assert ours == admin.ModelAdmin.action_checkbox(model_admin, obj)
        assert "작업에 대한 객체를 선택합니다." in ours
        assert cl.url_for_result(obj) == ChangeList.url_for_result(cl, obj)
