"""Writes of scenarios: create (seed the whole cast through the registry), advance the clock, reset,
delete. Ops tooling (Django admin and `manage.py scenario`); see docs/scenarios.md."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from customers.models import CustomerAccount, ResellerRelationship
from partnercenter import clock, emails, jobs, registry
from partnercenter.errors import DomainError, InvalidInput
from partnercenter.models import Event, ScheduledJob, SentEmail
from tenants import demo as tenant_demo
from tenants.models import PartnerProfile, Tenant

from .models import NUMBER_MAX, SLUG_MAX, Scenario, slug_validator
from .selectors import scenario_names, scenario_tenants

log = logging.getLogger(__name__)

NS = uuid.UUID("0b9c5a52-8f1e-4f57-9a43-2d4c7e1f5a10")
BATCH = 2000
MAX_CUSTOMERS = 100_000
MAX_DAYS = 3650
WORDS = (
    "Adatum Alpine Bellows Coho Fourth Humongous Lamna Lucerne Margie Munson Nod Olympia Proseware "
    "Relecloud Southridge Trey Woodgrove"
).split()
TRADES = "Traders Toys Coffee Travel Bank Airlines Winery Insurance Studios Logistics Foods Labs".split()


def _slug_for(name: str, slug: str) -> str:
    slug = (slug or slugify(name)).strip().lower()[:SLUG_MAX].strip("-")
    try:
        slug_validator(slug)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], fields={"slug": exc.messages})
    return slug


def _free_number() -> int:
    used = set(Scenario.objects.values_list("number", flat=True))
    for number in range(1, NUMBER_MAX + 1):
        if number not in used:
            return number
    raise DomainError(_("No more scenarios can be created: delete one first."), reason="scenario.too_many")


def scenario_check(*, name: str, slug: str = "", customers: int = 0) -> tuple[str, str]:
    """The (name, key) a new scenario gets, or InvalidInput naming the field at fault."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        message = _("A scenario needs a name of at most 100 characters.")
        raise InvalidInput(message, fields={"name": [message]})
    slug = _slug_for(name, slug)
    if not 0 <= customers <= MAX_CUSTOMERS:
        message = _("A scenario has between 0 and %(n)s extra customers.") % {"n": f"{MAX_CUSTOMERS:,}"}
        raise InvalidInput(message, fields={"customers": [message]})
    if Scenario.objects.filter(slug=slug).exists() or Tenant.objects.filter(scenario_key=slug).exists():
        message = _("A scenario with this key already exists.")
        raise InvalidInput(message, fields={"slug": [message]})
    return name, slug


def scenario_create(*, name: str, slug: str = "", customers: int = 0) -> Scenario:
    """A new scenario: its row, then the whole demo cast seeded in it (with `customers` more customers
    of its Contoso), its clock at the real time."""
    with transaction.atomic():
        name, slug = scenario_check(name=name, slug=slug, customers=customers)
        scenario = Scenario.objects.create(
            name=name, slug=slug, number=_free_number(), customers=customers, created_at=clock.real_now()
        )
        _build(scenario)
    return scenario


def _build(scenario: Scenario) -> None:
    """Seed the cast in the scenario, with its clock, through every app's registered demo seeder."""
    with transaction.atomic(), clock.scenario_context(scenario.slug, scenario.offset):
        tenants: dict = {tenant_demo.NAMES_KEY: scenario_names(scenario)}
        for seeder in registry.demo_seeders():
            seeder.seed(tenants)
        if scenario.customers:
            _bulk_customers(scenario, tenants, scenario.customers)
        scenario.state = Scenario.State.READY
        scenario.built_at = clock.real_now()
        scenario.save(update_fields=["state", "built_at"])


def _bulk_customers(scenario: Scenario, tenants: dict, count: int) -> None:
    """`count` direct-bill customers of the scenario's Contoso, inserted in bulk (no events, emails or
    jobs: a book of business to work with, not a story)."""
    contoso = PartnerProfile.objects.get(tenant=tenants["contoso"])
    now = clock.now()
    for start in range(0, count, BATCH):
        indexes = range(start, min(start + BATCH, count))
        rows = [
            Tenant(
                id=uuid.uuid5(NS, f"{scenario.slug}/customer/{i}"),
                default_domain=f"customer{i:06d}-{scenario.slug}.onmicrosoft.com",
                display_name=f"{WORDS[i % len(WORDS)]} {TRADES[(i // len(WORDS)) % len(TRADES)]} {i:06d}",
                kind=Tenant.Kind.CUSTOMER,
                created_at=now,
                scenario_key=scenario.slug,
            )
            for i in indexes
        ]
        Tenant.objects.bulk_create(rows)
        accounts = CustomerAccount.objects.bulk_create(
            [
                CustomerAccount(
                    tenant_id=t.id,
                    company_name=t.display_name,
                    country="US",
                    city="Redmond",
                    contact_email=f"it@{t.default_domain}",
                    created_at=now,
                )
                for t in rows
            ]
        )
        if any(a.pk is None for a in accounts):  # a backend that returns no ids on bulk insert
            accounts = list(CustomerAccount.objects.filter(tenant_id__in=[t.id for t in rows]))
        ResellerRelationship.objects.bulk_create(
            [
                ResellerRelationship(
                    customer_id=a.pk,
                    partner=contoso,
                    kind="direct",
                    delegated_admin=True,
                    source=ResellerRelationship.Source.DIRECT_BILL,
                    established_at=now,
                )
                for a in accounts
            ]
        )


CHUNK = 5000


def _references() -> dict[type, list]:
    """For each model, the foreign keys of every model (many-to-many tables included) that point to it."""
    found: dict[type, list] = defaultdict(list)
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if field.many_to_one or field.one_to_one:
                target = field.remote_field.model._meta.concrete_model
                found[target].append((model, field))
    return found


def _chunks(values: list) -> list[list]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def _purge(root: type, pks: list) -> None:
    """Delete the `root` rows `pks` and every row that depends on them, as one sandbox teardown.

    The rows are deleted directly, without Django's delete signals: the business guards that refuse
    deleting history (R6: no rollback; an enrollment's audit trail) protect real partners, and a
    scenario's copy is discarded as a whole. A row of the scenario is one its tenants' rows reach through
    a foreign key that cascades, protects or restricts; a reference that is set null on delete (an
    event's actor) is set null. The database checks the foreign keys at commit (they are deferred), so
    the order of the deletes does not matter; anything left pointing at a deleted row fails the commit
    and changes nothing."""
    references = _references()
    doomed: dict[type, set] = defaultdict(set)
    nulled: list[tuple] = []
    todo = [(root._meta.concrete_model, list(pks))]
    while todo:
        model, new = todo.pop()
        new = [pk for pk in new if pk not in doomed[model]]
        if not new:
            continue
        doomed[model].update(new)
        for child, field in references.get(model, ()):
            on_delete = field.remote_field.on_delete
            for chunk in _chunks(new):
                rows = child._base_manager.filter(**{f"{field.attname}__in": chunk})
                if field.target_field != model._meta.pk:  # a key on another field: its values
                    values = model._base_manager.filter(pk__in=chunk).values_list(field.target_field.attname)
                    rows = child._base_manager.filter(**{f"{field.attname}__in": values})
                if on_delete in (models.SET_NULL, models.SET_DEFAULT):
                    nulled.append((child, field, rows))
                else:
                    found = list(rows.values_list("pk", flat=True))
                    if found:
                        todo.append((child._meta.concrete_model, found))
    for _child, field, rows in nulled:
        value = None if field.remote_field.on_delete is models.SET_NULL else field.get_default()
        rows.update(**{field.name: value})
    for model, keys in doomed.items():
        for chunk in _chunks(list(keys)):
            model._base_manager.filter(pk__in=chunk)._raw_delete(model._base_manager.db)


def _delete_data(scenario: Scenario) -> None:
    tenants = scenario_tenants(scenario)
    ScheduledJob.objects.filter(scenario_key=scenario.slug).delete()
    SentEmail.objects.filter(tenant__in=tenants).delete()
    Event.objects.filter(tenant__in=tenants).delete()
    _purge(Tenant, list(tenants.values_list("pk", flat=True)))


def scenario_reset(*, scenario: Scenario) -> Scenario:
    """Rebuild the scenario: delete all its data, put its clock back to the real time, seed again."""
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        _delete_data(scenario)
        scenario.offset = dt.timedelta(0)
        scenario.state = Scenario.State.BUILDING
        scenario.advanced_at = None
        scenario.save(update_fields=["offset", "state", "advanced_at"])
        _build(scenario)
    return scenario


def scenario_delete(*, scenario: Scenario) -> None:
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        _delete_data(scenario)
        scenario.delete()


def scenario_advance(*, scenario: Scenario, days: int = 0, business_days: int = 0) -> int:
    """Move the scenario's clock forward by `business_days` business days (weekends skipped) or by
    `days` days, and run every job of the scenario that falls due by its new time, in due order, each
    as of its due time; then deliver the scenario's emails that are due. Other scenarios and the real
    clock are untouched. Returns how many jobs ran."""
    if days and business_days:
        raise InvalidInput(_("Advance by days or by business days, not both."))
    if not 0 <= days <= MAX_DAYS or not 0 <= business_days <= MAX_DAYS:
        raise InvalidInput(_("A scenario advances by 0 to %(n)s days at a time.") % {"n": MAX_DAYS})
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        start = scenario.now
        target = (
            clock.add_business_days(start, business_days) if business_days else start + dt.timedelta(days)
        )
        old_offset = scenario.offset
        # The clock moves first: the scenario's users see the new time even while its jobs run, and
        # jobs an interrupted run left behind are due by the scenario's clock (beat's sweep runs them).
        scenario.offset = old_offset + (target - start)
        scenario.advanced_at = clock.real_now()
        scenario.save(update_fields=["offset", "advanced_at"])
    ran = jobs.advance_scenario(key=scenario.slug, offset=old_offset, until=target)
    _deliver_emails(scenario)
    log.info("scenario %s advanced to %s: %s job(s) ran", scenario.slug, target.isoformat(), ran)
    return ran


def _deliver_emails(scenario: Scenario) -> int:
    """Deliver the scenario's waiting emails due by its clock (they are stamped in its time)."""
    scenario.refresh_from_db(fields=["offset"])
    delivered = 0
    with clock.scenario_context(scenario.slug, scenario.offset):
        waiting = SentEmail.objects.filter(
            tenant__scenario_key=scenario.slug,
            status__in=emails.WAITING,
            next_attempt_at__lte=clock.now(),
        ).values_list("pk", flat=True)
        for email_id in list(waiting):
            delivered += bool(emails.deliver(email_id))
    return delivered
