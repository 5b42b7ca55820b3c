"""The Webhooks page in the partner's settings: register, send a test event, see deliveries, redeliver.
Thin: each action is one service call; refusals come back as messages or form errors."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from partnercenter.errors import DomainError, InvalidInput
from tenants.permissions import partner_required

from . import catalog, selectors, services, signing
from .forms import RegistrationForm


@require_GET
def certificate(request):
    """The certificate that verifies every delivery's signature (public, like Partner Center's)."""
    response = HttpResponse(signing.certificate_pem(), content_type="application/x-pem-file")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _add_errors(form, exc: InvalidInput) -> None:
    mapping = {"WebhookUrl": "url", "WebhookEvents": "events"}
    if not exc.fields:
        form.add_error(None, exc.text)
    for field, msgs in exc.fields.items():
        for msg in msgs:
            form.add_error(mapping.get(field), msg)


@partner_required
def webhooks_settings(request):
    registration = selectors.registration_for(request.user)  # refuses sales agents and billing admins
    initial = (
        {"url": registration.url, "events": registration.events}
        if registration
        else {"events": catalog.EVENT_NAMES}
    )
    form = RegistrationForm(initial=initial)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "save":
                form = RegistrationForm(request.POST)
                if form.is_valid():
                    service = services.registration_update if registration else services.registration_create
                    service(
                        user=request.user, url=form.cleaned_data["url"], events_=form.cleaned_data["events"]
                    )
                    messages.success(request, _("Webhook registration saved."))
                    return redirect("webhooks:settings")
            elif action == "delete":
                services.registration_delete(user=request.user)
                messages.success(request, _("Webhook registration deleted. No more events are sent."))
                return redirect("webhooks:settings")
            elif action == "test":
                correlation_id = services.validation_event_send(user=request.user)
                messages.success(
                    request,
                    _("Test event sent (correlation id %(id)s). Its delivery shows below.")
                    % {"id": correlation_id},
                )
                return redirect("webhooks:settings")
            elif action == "redeliver":
                try:
                    delivery_id = int(request.POST.get("delivery", ""))
                except ValueError:
                    delivery_id = 0
                services.delivery_redeliver(user=request.user, delivery_id=delivery_id)
                messages.success(request, _("The event goes out again, with the same id."))
                return redirect("webhooks:settings")
        except InvalidInput as exc:
            _add_errors(form, exc)
        except DomainError as exc:
            messages.error(request, exc.text)
            return redirect("webhooks:settings")
    deliveries, next_before = [], None
    if registration is not None:
        try:
            before = int(request.GET["before"]) if request.GET.get("before") else None
        except ValueError:
            before = None
        deliveries, next_before = selectors.deliveries_for(registration, before=before)
    return render(
        request,
        "webhooks/settings.html",
        {
            "form": form,
            "registration": registration,
            "deliveries": deliveries,
            "next_before": next_before,
            "certificate_url": signing.certificate_url(),
        },
    )
