""" "Why can't I?": the page and `GET /v1/permissions/explain`. Both only render what the actions registered
in `partnercenter.explain` answer; the answer comes from the refusal code the services run."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from partnercenter import explain
from partnercenter.api import ERROR_BODY, TenantAPIView
from partnercenter.errors import DomainError

from .permissions import tenant_required

# Every query parameter an action may take (API names); pages pass the same names.
PARAMS = ("customerId", "subscriptionId", "relationshipId", "providerId", "kind")


def _params(query) -> dict[str, str]:
    return {name: query.get(name, "") for name in PARAMS if query.get(name)}


@tenant_required
def why_page(request):
    """Every action without parameters explained for the signed-in user; with `?action=` (and its
    parameters, as the API takes them) that one action. A refused question answers as the action would."""
    name = request.GET.get("action", "")
    error = None
    if name:
        try:
            items = [explain.explain(name, request.user, _params(request.GET))]
        except DomainError as exc:
            if exc.status == 404:
                raise
            items, error = [], exc.text
    else:
        items = [explain.explain(a.name, request.user, {}) for a in explain.actions() if not a.params]
    return render(
        request,
        "tenants/why.html",
        {
            "items": items,
            "error": error,
            "single": bool(name),
            "needs_object": [a for a in explain.actions() if a.params],
        },
    )


EXPLANATION = inline_serializer(
    "PermissionExplanation",
    {
        "action": serializers.CharField(),
        "actionName": serializers.CharField(),
        "allowed": serializers.BooleanField(),
        "reason": serializers.CharField(allow_null=True),
        "refusals": serializers.ListField(child=serializers.DictField()),
        "rules": serializers.ListField(child=serializers.CharField()),
        "facts": serializers.ListField(child=serializers.DictField()),
        "whatWouldChange": serializers.ListField(child=serializers.CharField()),
        "attributes": serializers.DictField(),
    },
)


class PermissionsExplainView(TenantAPIView, APIView):
    @extend_schema(
        summary="Why can't I? Explain whether the caller may take an action, and why",
        description=(
            "Answers from the same checks that refuse the action: `allowed`, the refusal `reason` code the "
            "action would answer with, the rules that apply in plain words, the facts that decided, and "
            "what would change the answer. Actions: enroll, accept_agreement, accept_partnership, "
            "invite_resellers, invite_customers, create_tenant (kind=direct|indirect), order_for_customer "
            "(customerId), change_quantity (customerId, subscriptionId), manage_users (customerId), "
            "remove_relationship (relationshipId)."
        ),
        parameters=[
            OpenApiParameter("action", str, required=True),
            *[OpenApiParameter(name, str) for name in PARAMS],
        ],
        responses={200: EXPLANATION, 400: ERROR_BODY, 404: ERROR_BODY},
    )
    def get(self, request):
        name = request.query_params.get("action", "")
        if not name.strip():
            raise DomainError(
                _("action is required. Known actions: %(names)s.")
                % {"names": ", ".join(a.name for a in explain.actions())},
                code=400,
                status=400,
                reason="input.invalid",
            )
        return Response(explain.explain(name, request.user, _params(request.query_params)).as_body())
