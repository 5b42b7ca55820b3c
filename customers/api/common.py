"""Shared pieces of the customers API: path parameters, paging, the acting partner, access checks, and the
building blocks of the real Partner Center shapes (links, collections, request keys)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers

from partnercenter.errors import Forbidden
from tenants.api import LinkSerializer
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


def camel_keys(value):
    """Request keys as the real API reads them: its SDKs send PascalCase (`CompanyProfile`,
    `LicensesToAssign`) and the service reads keys case-insensitively, so the first letter of every key is
    lowered (`CompanyProfile` -> `companyProfile`). Values are left as they are."""
    if isinstance(value, dict):
        return {(k[:1].lower() + k[1:] if isinstance(k, str) else k): camel_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel_keys(v) for v in value]
    return value


def _valid(serializer_class, data):
    ser = serializer_class(data=camel_keys(data))
    ser.is_valid(raise_exception=True)
    return ser.validated_data


def link(uri: str, method: str = "GET") -> dict:
    """A real Link object. Paths are relative to the API root, as in the reference's examples
    (`/customers/{id}`, without `/v1`)."""
    return {"uri": uri, "method": method, "headers": []}


def attributes(object_type: str) -> dict:
    return {"objectType": object_type}


Obj = OpenApiTypes.OBJECT


def collection_of(name: str, item) -> serializers.Serializer:
    """The schema of a paged Partner Center collection (`partnercenter.api.page_body`) of `item`."""
    return inline_serializer(
        name,
        {
            "totalCount": serializers.IntegerField(),
            "totalCountIsLowerBound": serializers.BooleanField(required=False),
            "items": item(many=True) if isinstance(item, type) else item.__class__(many=True),
            "continuationToken": serializers.CharField(required=False),
            "links": inline_serializer(
                f"{name}Links", {"next": LinkSerializer(required=False)}, required=False
            ),
            "attributes": serializers.DictField(),
        },
    )


Collection = inline_serializer(
    "CustomerCollection",
    {
        "totalCount": serializers.IntegerField(),
        "items": serializers.ListField(child=serializers.DictField()),
        "continuationToken": serializers.CharField(required=False),
    },
)
