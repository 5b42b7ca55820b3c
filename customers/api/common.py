"""Shared pieces of the customers API: path parameters, paging, the acting partner, access checks."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers

from partnercenter.errors import Forbidden
from tenants.models import PartnerProfile
from tenants.selectors import partner_profile_for

from .. import selectors

CUSTOMER_ID = OpenApiParameter(
    "customer_id", str, OpenApiParameter.PATH, description="The customer's tenant id"
)


PAGING = [
    OpenApiParameter("size", int, description="Page size (default 25, at most 500)"),
    OpenApiParameter(
        "continuationToken", str, description="From the previous page (or MS-ContinuationToken)"
    ),
]


def _profile(request) -> PartnerProfile:
    profile = partner_profile_for(request.user)
    if profile is None:
        raise Forbidden(_("This API is for partner tenants."), reason="partner.required")
    return profile


def _access(request, customer_id):
    return selectors.customer_access(profile=_profile(request), customer_id=customer_id, user=request.user)


def _valid(serializer_class, data):
    ser = serializer_class(data=data)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


Obj = OpenApiTypes.OBJECT


Collection = inline_serializer(
    "CustomerCollection",
    {
        "totalCount": serializers.IntegerField(),
        "items": serializers.ListField(child=serializers.DictField()),
        "continuationToken": serializers.CharField(required=False),
    },
)
