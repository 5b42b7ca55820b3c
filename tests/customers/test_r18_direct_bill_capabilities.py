"""R18: what a direct-bill partner can do that an indirect reseller cannot: manage Azure reservations,
purchase software, bill customers directly (monthly invoices)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from customers import demo
from customers.models import Invoice, InvoiceLineItem, Offer, Order, Subscription
from customers.selectors import customer_access
from customers.services import invoice_build, order_create, subscription_update
from customers.services.invoices import INVOICE_JOB, invoices_build_month, invoicing_job_ensure
from partnercenter import clock, jobs
from partnercenter.errors import DomainError
from partnercenter.models import ScheduledJob
from tenants import demo as tenants_demo
from tenants.models import PartnerProfile, Program, Role
from tests.customers.factories import make_customer, make_partnered, order, relate
from tests.factories import UserFactory, make_direct_bill_partner, make_partner

pytestmark = pytest.mark.django_db

RESERVATION_1Y = "DZH318Z0BQ3Q:0001"
RESERVATION_3Y = "DZH318Z0BQ3Q:0002"
SQL_SERVER = "DG7GMGF0FKZV:0002"
WINDOWS_SERVER = "DG7GMGF0DVSV:0003"
BUSINESS_STANDARD = "CFQ7TTC0LDPB:0001"  # 12.50 a month
NOV_10 = dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.UTC)
NOVEMBER = dt.date(2026, 11, 1)


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _counts():
    return Order.objects.count(), Subscription.objects.count()


@pytest.fixture
def indirect_world():
    """A reseller (also direct bill) and its provider with one indirect customer."""
    reseller, ruser, provider, puser = make_partnered()
    t, _ = make_customer(name="Tailspin Toys")
    relate(t, reseller, kind="indirect", provider=provider)
    return {"reseller": reseller, "ruser": ruser, "provider": provider, "puser": puser, "customer": t}


@pytest.fixture
def direct_world():
    partner, user = make_direct_bill_partner()
    t, _ = make_customer(name="Wingtip Toys")
    with clock.frozen_at(dt.datetime(2026, 10, 1, tzinfo=dt.UTC)):  # a customer since before November
        relate(t, partner, kind="direct")
    return {"partner": partner, "user": user, "customer": t}


# -- Azure reservations and software: direct bill only -------------------------------------------------


def test_r18_catalog_has_reservations_and_software_for_direct_bill_only():
    r1, r3 = Offer.objects.get(pk=RESERVATION_1Y), Offer.objects.get(pk=RESERVATION_3Y)
    assert (r1.product_type, r1.term_months, r1.direct_bill_only) == ("azure_reservation", 12, True)
    assert (r3.product_type, r3.term_months, r3.direct_bill_only) == ("azure_reservation", 36, True)
    for pk in (SQL_SERVER, WINDOWS_SERVER):
        assert Offer.objects.get(pk=pk).product_type == "software"
        assert Offer.objects.get(pk=pk).direct_bill_only
    m365 = Offer.objects.get(pk=BUSINESS_STANDARD)
    assert (m365.product_type, m365.direct_bill_only) == ("subscription", False)
    # Neither is a seat a license is assigned from.
    assert not r1.is_license_based and not Offer.objects.get(pk=SQL_SERVER).is_license_based


def test_r18_direct_bill_partner_buys_a_reservation_with_its_term(direct_world):
    w = direct_world
    with clock.frozen_at(NOV_10):
        o = order(w["partner"], w["user"], w["customer"], offer_id=RESERVATION_3Y, quantity=2)
    sub = Subscription.objects.get(order=o)
    assert o.status == "completed" and sub.quantity == 2
    assert sub.term_end == dt.datetime(2029, 11, 10, 9, 0, tzinfo=dt.UTC)  # three years
    assert ScheduledJob.objects.filter(kind="customers.subscription_term_end", object_id=str(sub.pk)).exists()


def test_r18_direct_bill_partner_purchases_software_once_without_a_subscription(direct_world):
    w = direct_world
    o = order(w["partner"], w["user"], w["customer"], offer_id=SQL_SERVER, quantity=4)
    assert o.status == "completed"
    assert o.line_items == [
        {
            "lineItemNumber": 0,
            "offerId": SQL_SERVER,
            "quantity": 4,
            "partnerIdOnRecord": "",
            "subscriptionId": None,
        }
    ]
    assert not Subscription.objects.filter(order=o).exists()  # nothing to renew


def test_r18_provider_cannot_order_a_reservation_for_a_resellers_customer(indirect_world):
    w = indirect_world
    before = _counts()
    with pytest.raises(DomainError) as exc:
        order(w["provider"], w["puser"], w["customer"], offer_id=RESERVATION_1Y, pior=w["reseller"].mpn_id)
    assert exc.value.reason == "orders.direct_bill_only_offer" and exc.value.status == 403
    assert exc.value.rule == "R18"
    text = str(exc.value.message)
    assert "Azure reservations" in text and "direct-bill" in text and "R18" not in text
    assert _counts() == before
    # An ordinary offer still goes through the provider.
    order(w["provider"], w["puser"], w["customer"], offer_id=BUSINESS_STANDARD, pior=w["reseller"].mpn_id)
    assert _counts() != before


def test_r18_indirect_reseller_cannot_buy_software_for_its_indirect_customer(indirect_world):
    w = indirect_world
    before = _counts()
    with pytest.raises(DomainError) as exc:
        order(w["reseller"], w["ruser"], w["customer"], offer_id=WINDOWS_SERVER, quantity=1)
    assert exc.value.reason == "orders.direct_bill_only_offer"
    assert "Software is purchased only by a direct-bill partner" in str(exc.value.message)
    assert _counts() == before
    # Without such an offer the usual refusal stands (R14: the provider orders).
    with pytest.raises(DomainError) as exc:
        order(w["reseller"], w["ruser"], w["customer"], offer_id=BUSINESS_STANDARD)
    assert exc.value.reason == "orders.direct_bill_not_allowed"


def test_r18_moved_customer_gets_no_reservation_through_direct_bill(indirect_world):
    """R15: once moved to the indirect model, a former direct-bill customer buys through the provider, and
    the provider cannot sell it a reservation either."""
    w = indirect_world
    relate(w["customer"], w["reseller"], kind="direct")
    with pytest.raises(DomainError) as exc:
        order(w["reseller"], w["ruser"], w["customer"], offer_id=RESERVATION_1Y)
    assert exc.value.reason == "orders.direct_bill_only_offer"


def test_r18_order_page_disables_reservations_and_software_for_the_provider(indirect_world):
    w = indirect_world
    c = _client(w["puser"])
    url = f"/customers/{w['customer'].id}/orders/new/"
    html = c.get(url).content.decode()
    assert f'<option value="{RESERVATION_1Y}" disabled' in html
    assert f'<option value="{SQL_SERVER}" disabled' in html
    assert f'<option value="{BUSINESS_STANDARD}" disabled' not in html
    assert 'data-testid="direct-bill-only-note"' in html
    before = _counts()
    # A hand-made POST of a disabled option: refused with the reason, nothing bought.
    resp = c.post(
        url,
        {
            "offer": RESERVATION_1Y,
            "quantity": 1,
            "billing_cycle": "monthly",
            "partner_id_on_record": w["reseller"].mpn_id,
        },
    )
    assert resp.status_code == 403
    assert "Azure reservations are managed only by a direct-bill partner" in resp.content.decode()
    assert _counts() == before


def test_r18_order_page_offers_reservations_and_software_to_the_direct_bill_partner(direct_world):
    w = direct_world
    c = _client(w["user"])
    url = f"/customers/{w['customer'].id}/orders/new/"
    html = c.get(url).content.decode()
    assert f'<option value="{RESERVATION_3Y}" data-product-type="azure_reservation"' in html
    assert "3-year term" in html and "one-time purchase" in html
    resp = c.post(url, {"offer": SQL_SERVER, "quantity": 2, "billing_cycle": "monthly"})
    assert resp.status_code == 302
    assert Order.objects.filter(customer__tenant=w["customer"], line_items__0__offerId=SQL_SERVER).exists()


def test_r18_order_api_refuses_the_provider_and_serves_the_direct_bill_partner(
    indirect_world, direct_world, api_client_for
):
    w = indirect_world
    before = _counts()
    resp = api_client_for(w["puser"]).post(
        f"/v1/customers/{w['customer'].id}/orders",
        {"lineItems": [{"offerId": SQL_SERVER, "quantity": 1, "partnerIdOnRecord": w["reseller"].mpn_id}]},
        format="json",
    )
    assert resp.status_code == 403
    body = resp.json()
    assert (
        body["code"] == 403 and "Software is purchased only by a direct-bill partner" in body["description"]
    )
    assert _counts() == before
    d = direct_world
    resp = api_client_for(d["user"]).post(
        f"/v1/customers/{d['customer'].id}/orders",
        {"lineItems": [{"offerId": RESERVATION_1Y, "quantity": 3}]},
        format="json",
    )
    assert resp.status_code == 201
    assert Subscription.objects.get(customer__tenant=d["customer"]).offer_id == RESERVATION_1Y


# -- bill customers directly: monthly invoices ---------------------------------------------------------


def _november_book(w):
    """In November: Business Standard × 10 monthly, a 1-year reservation × 2 paid annually, SQL Server × 3."""
    with clock.frozen_at(NOV_10):
        access = customer_access(profile=w["partner"], customer_id=w["customer"].id)
        order_create(
            access=access, user=w["user"], line_items=[{"offerId": BUSINESS_STANDARD, "quantity": 10}]
        )
        order_create(
            access=access,
            user=w["user"],
            line_items=[{"offerId": RESERVATION_1Y, "quantity": 2}],
            billing_cycle="annual",
        )
        order_create(access=access, user=w["user"], line_items=[{"offerId": SQL_SERVER, "quantity": 3}])


def test_r18_monthly_invoice_amounts(direct_world):
    w = direct_world
    _november_book(w)
    with clock.frozen_at(dt.datetime(2026, 12, 1, 0, 5, tzinfo=dt.UTC)):
        invoice = invoice_build(partner=w["partner"], customer=w["customer"].customer_account, month=NOVEMBER)
    lines = {line.offer_id: line for line in invoice.line_items.all()}
    assert lines[BUSINESS_STANDARD].amount == Decimal("125.00")  # 12.50 × 10
    assert lines[BUSINESS_STANDARD].charge_type == "recurring"
    assert lines[RESERVATION_1Y].amount == Decimal("1060.08")  # 44.17 × 12 months × 2, paid for the year
    assert lines[RESERVATION_1Y].charge_type == "term"
    assert lines[SQL_SERVER].amount == Decimal("11835.00")  # 3945.00 × 3, once
    assert lines[SQL_SERVER].charge_type == "one_time" and lines[SQL_SERVER].subscription is None
    assert invoice.total_charges == Decimal("13020.08")
    assert invoice.state == "issued" and invoice.number.startswith("D")
    assert (invoice.period_start, invoice.period_end) == (NOVEMBER, dt.date(2026, 11, 30))

    # December: the monthly subscription again; the annual reservation and the software are not.
    with clock.frozen_at(dt.datetime(2027, 1, 1, 1, tzinfo=dt.UTC)):
        december = invoice_build(
            partner=w["partner"], customer=w["customer"].customer_account, month=dt.date(2026, 12, 1)
        )
    assert [(line.offer_id, line.amount) for line in december.line_items.all()] == [
        (BUSINESS_STANDARD, Decimal("125.00"))
    ]


def test_r18_invoices_are_built_once_per_month_idempotently(direct_world):
    w = direct_world
    _november_book(w)
    account = w["customer"].customer_account
    # While November runs the invoice is open and follows the book.
    with clock.frozen_at(dt.datetime(2026, 11, 20, tzinfo=dt.UTC)):
        open_invoice = invoice_build(partner=w["partner"], customer=account, month=NOVEMBER)
        assert open_invoice.state == "open" and open_invoice.total_charges == Decimal("13020.08")
        sub = Subscription.objects.get(customer=account, offer_id=BUSINESS_STANDARD)
        access = customer_access(profile=w["partner"], customer_id=w["customer"].id)
        subscription_update(access=access, user=w["user"], subscription=sub, quantity=12)
        again = invoice_build(partner=w["partner"], customer=account, month=NOVEMBER)
        assert again.pk == open_invoice.pk and again.total_charges == Decimal("13045.08")
    with clock.frozen_at(dt.datetime(2026, 12, 1, 0, 5, tzinfo=dt.UTC)):
        issued = invoice_build(partner=w["partner"], customer=account, month=NOVEMBER)
        assert issued.pk == open_invoice.pk and issued.state == "issued"
        lines = list(issued.line_items.values_list("pk", "amount"))
        # Issued: later changes and later builds leave it as it is.
        subscription_update(access=access, user=w["user"], subscription=sub, quantity=1)
        assert invoices_build_month(month=NOVEMBER) == 1
        issued.refresh_from_db()
        assert issued.total_charges == Decimal("13045.08")
        assert list(issued.line_items.values_list("pk", "amount")) == lines
    assert Invoice.objects.filter(partner=w["partner"], period_start=NOVEMBER).count() == 1


def test_r18_no_invoice_for_indirect_customers_or_an_empty_month(indirect_world, direct_world):
    w = indirect_world
    with clock.frozen_at(NOV_10):
        order(w["provider"], w["puser"], w["customer"], offer_id=BUSINESS_STANDARD, pior=w["reseller"].mpn_id)
    with clock.frozen_at(dt.datetime(2026, 12, 2, tzinfo=dt.UTC)):
        assert invoices_build_month(month=NOVEMBER) == 0  # direct_world's customer bought nothing
    assert not Invoice.objects.exists()


def test_r18_a_month_that_has_not_started_is_refused(direct_world):
    with clock.frozen_at(NOV_10):
        with pytest.raises(DomainError) as exc:
            invoices_build_month(month=dt.date(2026, 12, 1))
    assert exc.value.reason == "invoices.month_not_started"


def test_r18_monthly_job_issues_last_months_invoices_and_schedules_the_next(direct_world):
    w = direct_world
    _november_book(w)
    with clock.frozen_at(NOV_10):
        job = invoicing_job_ensure()
        assert invoicing_job_ensure().pk == job.pk  # once
    assert job.kind == INVOICE_JOB and job.due_at == dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    with clock.frozen_at(dt.datetime(2026, 12, 1, 0, 1, tzinfo=dt.UTC)):
        assert jobs.sweep() == 1
        assert jobs.sweep() == 0  # the next run waits for January
    invoice = Invoice.objects.get(partner=w["partner"])
    assert invoice.period_start == NOVEMBER and invoice.state == "issued"
    nxt = ScheduledJob.objects.get(kind=INVOICE_JOB, status="pending")
    assert nxt.due_at == dt.datetime(2027, 1, 1, tzinfo=dt.UTC)


def test_r18_build_invoices_command(direct_world, capsys):
    w = direct_world
    _november_book(w)
    with clock.frozen_at(dt.datetime(2026, 12, 3, tzinfo=dt.UTC)):
        call_command("build_invoices", "--month", "2026-11")
        call_command("build_invoices", "--month", "2026-11")
    assert Invoice.objects.filter(partner=w["partner"], state="issued").count() == 1
    assert "1 invoice(s) for 2026-11" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("build_invoices", "--month", "November")


def _invoice_for(w):
    _november_book(w)
    with clock.frozen_at(dt.datetime(2026, 12, 1, 0, 5, tzinfo=dt.UTC)):
        return invoice_build(partner=w["partner"], customer=w["customer"].customer_account, month=NOVEMBER)


def test_r18_billing_pages_for_the_direct_bill_partner(direct_world):
    w = direct_world
    invoice = _invoice_for(w)
    c = _client(w["user"])
    html = c.get("/customers/billing/").content.decode()
    assert invoice.number in html and "Wingtip Toys" in html and "13,020.08 USD" in html
    detail = c.get(f"/customers/billing/{invoice.number}/")
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "SQL Server Standard 2022" in body and "11,835.00 USD" in body and "One-time purchase" in body
    # The Billing entry in the left navigation.
    assert 'href="/customers/billing/"' in c.get("/").content.decode()
    # A billing admin sees invoices too (SPEC §10); a sales agent does not.
    billing_admin = UserFactory(tenant=w["partner"].tenant, role=Role.BILLING_ADMIN)
    assert _client(billing_admin).get(f"/customers/billing/{invoice.number}/").status_code == 200
    sales = UserFactory(tenant=w["partner"].tenant, role=Role.SALES_AGENT)
    assert _client(sales).get("/customers/billing/").status_code == 403


def test_r18_invoices_are_scoped_to_their_partner(direct_world, api_client_for):
    w = direct_world
    invoice = _invoice_for(w)
    other, other_user = make_direct_bill_partner()
    assert _client(other_user).get(f"/customers/billing/{invoice.number}/").status_code == 404
    assert invoice.number not in _client(other_user).get("/customers/billing/").content.decode()
    api = api_client_for(other_user)
    assert api.get(f"/v1/invoices/{invoice.number}").status_code == 404
    assert api.get(f"/v1/invoices/{invoice.number}/lineitems").status_code == 404
    assert api.get("/v1/invoices").json()["totalCount"] == 0


def test_r18_indirect_reseller_cannot_bill_its_customers(api_client_for):
    reseller, user = make_partner(Program.INDIRECT_RESELLER)
    resp = _client(user).get("/customers/billing/")
    assert resp.status_code == 403
    text = resp.content.decode()
    assert "your indirect provider bills them" in text and "R18" not in text
    assert 'href="/customers/billing/"' not in _client(user).get("/").content.decode()
    api = api_client_for(user)
    resp = api.get("/v1/invoices")
    assert resp.status_code == 403 and "your indirect provider bills them" in resp.json()["description"]


def test_r18_invoice_api_shapes(direct_world, api_client_for):
    w = direct_world
    invoice = _invoice_for(w)
    api = api_client_for(w["user"])
    listing = api.get("/v1/invoices").json()
    assert listing["totalCount"] == 1 and listing["attributes"] == {"objectType": "Collection"}
    item = listing["items"][0]
    for key in (
        "id",
        "invoiceDate",
        "billingPeriodStartDate",
        "billingPeriodEndDate",
        "totalCharges",
        "paidAmount",
        "currencyCode",
        "currencySymbol",
        "invoiceDetails",
        "documentType",
        "invoiceType",
        "links",
        "attributes",
    ):
        assert key in item
    assert item["id"] == invoice.number and item["totalCharges"] == 13020.08 and item["paidAmount"] == 0
    assert item["billingPeriodStartDate"].startswith("2026-11-01")
    assert item["billingPeriodEndDate"].startswith("2026-11-30")
    assert item["attributes"] == {"objectType": "Invoice"}
    one = api.get(f"/v1/invoices/{invoice.number}").json()
    assert {d["billingProvider"] for d in one["invoiceDetails"]} == {"office", "one_time"}
    lines = api.get(f"/v1/invoices/{invoice.number}/lineitems").json()
    assert lines["totalCount"] == 3
    by_offer = {line["offerId"]: line for line in lines["items"]}
    sql = by_offer[SQL_SERVER]
    assert sql["attributes"] == {"objectType": "OneTimeInvoiceLineItem"} and sql["subscriptionId"] is None
    m365 = by_offer[BUSINESS_STANDARD]
    assert m365["attributes"] == {"objectType": "LicenseBasedLineItem"}
    for key in (
        "customerId",
        "customerName",
        "subscriptionId",
        "chargeStartDate",
        "chargeEndDate",
        "unitPrice",
        "quantity",
        "amount",
        "subtotal",
        "tax",
        "totalForCustomer",
        "currency",
        "invoiceNumber",
    ):
        assert key in m365
    assert m365["unitPrice"] == 12.5 and m365["quantity"] == 10 and m365["amount"] == 125.0
    office = api.get(
        f"/v1/invoices/{invoice.number}/lineitems?provider=office&invoicelineitemtype=billinglineitems"
    ).json()
    assert [line["offerId"] for line in office["items"]] == [BUSINESS_STANDARD]
    bad = api.get(f"/v1/invoices/{invoice.number}/lineitems?provider=azure")
    assert bad.status_code == 400 and {"code", "description", "data"} <= set(bad.json())


def test_r18_invoice_list_queries_do_not_grow_with_its_length(direct_world):
    w = direct_world
    c = _client(w["user"])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/customers/billing/").status_code == 200
        return len(ctx)

    customers = []
    for _n in range(3):
        t, _ = make_customer()
        relate(t, w["partner"], kind="direct")
        customers.append(t)
        order(w["partner"], w["user"], t, offer_id=BUSINESS_STANDARD)
    invoices_build_month(month=clock.now().date().replace(day=1))
    queries()  # the first request of a session does one-off work (session, language)
    few = queries()
    for _n in range(12):
        t, _ = make_customer()
        relate(t, w["partner"], kind="direct")
        order(w["partner"], w["user"], t, offer_id=BUSINESS_STANDARD)
    invoices_build_month(month=clock.now().date().replace(day=1))
    assert Invoice.objects.filter(partner=w["partner"]).count() == 15
    assert queries() == few


def test_r18_demo_bills_contosos_direct_customers():
    tenants = tenants_demo.seed()
    demo.seed(tenants)
    demo.seed(tenants)
    contoso = PartnerProfile.objects.get(tenant=tenants["contoso"])
    invoices = Invoice.objects.filter(partner=contoso)
    assert sorted(i.customer.company_name for i in invoices) == sorted(
        [tenants["wingtip"].customer_account.company_name, tenants["litware"].customer_account.company_name]
    )
    assert all(i.total_charges > 0 and i.state == "open" for i in invoices)
    assert InvoiceLineItem.objects.filter(invoice__in=invoices).count() == 2
    assert ScheduledJob.objects.filter(kind=INVOICE_JOB, status="pending").count() == 1
