"""A customer's directory users and their licenses (R12: the reseller's delegated admin rights)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from partnercenter.api import ERROR_BODY, TenantAPIView, page_body, page_slice
from tenants.api import SelfLinksSerializer

from .. import selectors, services
from ..models import CustomerUser, LicenseAssignment
from ..services.directory import licenses_update
from .common import CUSTOMER_ID, PAGING, _access, _valid, attributes, collection_of, link


def user_body(u: CustomerUser, *, customer_id: str) -> dict:
    uid = str(u.pk)
    return {
        "usageLocation": u.usage_location,
        "id": uid,
        "userPrincipalName": u.user_principal_name,
        "firstName": u.first_name or None,
        "lastName": u.last_name or None,
        "displayName": u.display_name,
        # Cloud-only users: no on-premises directory sync, no immutable id, no federated domain.
        "immutableId": None,
        "phoneNumber": None,
        "lastDirectorySyncTime": None,
        "userDomainType": "none",
        "state": u.state,
        "softDeletionTime": None,
        "links": {"self": link(f"/customers/{customer_id}/users/{uid}")},
        "attributes": attributes("CustomerUser"),
    }


def license_body(a: LicenseAssignment) -> dict:
    offer = a.subscription.offer
    return {
        # The portal's SKUs have no separately deployable service plans.
        "servicePlans": [],
        "productSku": {
            "id": offer.pk,
            "name": offer.name,
            "skuPartNumber": None,
            "targetType": "User",
            # group1: licenses managed by Azure Active Directory (the only group the portal has).
            "licenseGroupId": "group1",
        },
        "attributes": attributes("License"),
        # Facts the real License has no field for (docs/api.md).
        "portal": {"subscriptionId": str(a.subscription_id), "assignedAt": a.assigned_at},
    }


class CustomerUserSerializer(serializers.Serializer):
    usageLocation = serializers.CharField()
    id = serializers.UUIDField()
    userPrincipalName = serializers.CharField()
    firstName = serializers.CharField(allow_null=True)
    lastName = serializers.CharField(allow_null=True)
    displayName = serializers.CharField()
    immutableId = serializers.CharField(allow_null=True)
    phoneNumber = serializers.CharField(allow_null=True)
    lastDirectorySyncTime = serializers.DateTimeField(allow_null=True)
    userDomainType = serializers.ChoiceField(choices=["none", "managed", "federated"])
    state = serializers.ChoiceField(choices=["active", "inactive"])
    softDeletionTime = serializers.DateTimeField(allow_null=True)
    links = SelfLinksSerializer()
    attributes = serializers.DictField()

    class Meta:
        ref_name = "CustomerUser"


class ProductSkuSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The SKU id: an offer id")
    name = serializers.CharField()
    skuPartNumber = serializers.CharField(allow_null=True)
    targetType = serializers.ChoiceField(choices=["User", "Tenant"])
    licenseGroupId = serializers.CharField()


class LicensePortalSerializer(serializers.Serializer):
    subscriptionId = serializers.UUIDField(help_text="The subscription the seat comes from")
    assignedAt = serializers.DateTimeField()


class LicenseSerializer(serializers.Serializer):
    servicePlans = serializers.ListField(child=serializers.DictField())
    productSku = ProductSkuSerializer()
    attributes = serializers.DictField()
    portal = LicensePortalSerializer(help_text="Portal facts the real License lacks (docs/api.md)")

    class Meta:
        ref_name = "License"


class LicenseWarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    servicePlans = serializers.ListField(child=serializers.CharField())


class LicenseAssignmentSerializer(serializers.Serializer):
    skuId = serializers.CharField(allow_null=True)
    excludedPlans = serializers.ListField(child=serializers.CharField(), allow_null=True)


class LicenseUpdateSerializer(serializers.Serializer):
    licensesToAssign = LicenseAssignmentSerializer(many=True)
    licensesToRemove = serializers.ListField(child=serializers.CharField())
    licenseWarnings = LicenseWarningSerializer(many=True)
    attributes = serializers.DictField()
    portal = inline_serializer(
        "LicenseUpdatePortal",
        {"licenses": LicenseSerializer(many=True, help_text="The user's licenses after the update")},
        help_text="Portal facts the real LicenseUpdate lacks (docs/api.md)",
    )

    class Meta:
        ref_name = "LicenseUpdate"


class UserCreateSerializer(serializers.Serializer):
    userPrincipalName = serializers.CharField(max_length=200)
    displayName = serializers.CharField(max_length=200)
    firstName = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=100)
    lastName = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=100)
    usageLocation = serializers.CharField(required=False, default="US", max_length=2)


class LicenseToAssignSerializer(serializers.Serializer):
    skuId = serializers.CharField(
        required=False, allow_null=True, max_length=40, help_text="The product SKU id: an offer id"
    )
    excludedPlans = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, allow_null=True
    )
    portal = inline_serializer(
        "LicenseToAssignPortal",
        {"subscriptionId": serializers.UUIDField(help_text="Take the seat from this subscription")},
        required=False,
        help_text="Instead of skuId: the subscription to take the seat from (an extension, docs/api.md)",
    )

    def validate_excludedPlans(self, value):
        if value:
            raise serializers.ValidationError(
                _("The portal's SKUs have no service plans to exclude; leave excludedPlans empty.")
            )
        return value


class LicenseUpdateInSerializer(serializers.Serializer):
    licensesToAssign = LicenseToAssignSerializer(many=True, required=False, allow_null=True)
    licensesToRemove = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        allow_null=True,
        help_text="The product SKU ids (offer ids) of the licenses to remove",
    )


USER_ID = OpenApiParameter("user_id", str, OpenApiParameter.PATH)


class UsersView(TenantAPIView, APIView):
    @extend_schema(
        summary="The customer's users (reseller with admin rights, R12)",
        operation_id="customers_users_list",
        parameters=[CUSTOMER_ID, *PAGING],
        responses={
            200: collection_of("CustomerUserCollection", CustomerUserSerializer),
            403: ERROR_BODY,
            404: ERROR_BODY,
        },
    )
    def get(self, request, customer_id):
        access = _access(request, customer_id)
        items, total, token = page_slice(request, selectors.users_for(access=access))
        cid = str(access.customer.tenant_id)
        return Response(page_body(request, [user_body(u, customer_id=cid) for u in items], total, token))

    @extend_schema(
        summary="Create a user in the customer's directory",
        parameters=[CUSTOMER_ID],
        request=UserCreateSerializer,
        responses={
            201: CustomerUserSerializer,
            400: ERROR_BODY,
            403: ERROR_BODY,
            404: ERROR_BODY,
            409: ERROR_BODY,
        },
    )
    def post(self, request, customer_id):
        access = _access(request, customer_id)
        data = _valid(UserCreateSerializer, request.data)
        created = services.customer_user_create(
            access=access,
            user=request.user,
            user_name=data["userPrincipalName"],
            display_name=data["displayName"],
            first_name=data.get("firstName") or "",
            last_name=data.get("lastName") or "",
            usage_location=data.get("usageLocation", "US"),
        )
        return Response(
            user_body(created, customer_id=str(access.customer.tenant_id)), status=status.HTTP_201_CREATED
        )


class UserView(TenantAPIView, APIView):
    @extend_schema(
        summary="Get a customer user",
        operation_id="customers_users_get",
        parameters=[CUSTOMER_ID, USER_ID],
        responses={200: CustomerUserSerializer, 403: ERROR_BODY, 404: ERROR_BODY},
    )
    def get(self, request, customer_id, user_id):
        access = _access(request, customer_id)
        user = selectors.user_for(access=access, user_id=user_id)
        return Response(user_body(user, customer_id=str(access.customer.tenant_id)))

    @extend_schema(
        summary="Delete a customer user (its licenses are freed)",
        parameters=[CUSTOMER_ID, USER_ID],
        responses={204: None, 403: ERROR_BODY, 404: ERROR_BODY, 409: ERROR_BODY},
    )
    def delete(self, request, customer_id, user_id):
        access = _access(request, customer_id)
        cu = selectors.user_for(access=access, user_id=user_id)
        services.customer_user_delete(access=access, user=request.user, customer_user=cu)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserLicensesView(TenantAPIView, APIView):
    @extend_schema(
        summary="A user's assigned licenses",
        operation_id="customers_users_licenses_list",
        parameters=[CUSTOMER_ID, USER_ID],
        responses={
            200: collection_of("LicenseCollection", LicenseSerializer),
            403: ERROR_BODY,
            404: ERROR_BODY,
        },
    )
    def get(self, request, customer_id, user_id):
        access = _access(request, customer_id)
        cu = selectors.user_for(access=access, user_id=user_id)
        items = [license_body(a) for a in cu.licenses.all()]
        return Response(
            {"totalCount": len(items), "items": items, "attributes": {"objectType": "Collection"}}
        )


class LicenseUpdatesView(TenantAPIView, APIView):
    @extend_schema(
        summary="Assign or remove licenses (seats never exceed the subscription quantity)",
        parameters=[CUSTOMER_ID, USER_ID],
        request=LicenseUpdateInSerializer,
        responses={
            201: LicenseUpdateSerializer,
            400: ERROR_BODY,
            403: ERROR_BODY,
            404: ERROR_BODY,
            409: ERROR_BODY,
        },
    )
    def post(self, request, customer_id, user_id):
        access = _access(request, customer_id)
        cu = selectors.user_for(access=access, user_id=user_id)
        data = _valid(LicenseUpdateInSerializer, request.data)
        to_assign = data.get("licensesToAssign") or []
        to_remove = data.get("licensesToRemove") or []
        licenses_update(
            access=access,
            user=request.user,
            customer_user=cu,
            assign=[
                {
                    "sku_id": item.get("skuId"),
                    "subscription_id": (item.get("portal") or {}).get("subscriptionId"),
                }
                for item in to_assign
            ],
            remove=[{"sku_id": sku} for sku in to_remove],
        )
        cu = selectors.user_for(access=access, user_id=cu.pk)
        held = list(cu.licenses.all())
        sku_of = {str(a.subscription_id): a.subscription.offer_id for a in held}
        return Response(
            {
                "licensesToAssign": [
                    {
                        "skuId": item.get("skuId")
                        or sku_of.get(str((item.get("portal") or {}).get("subscriptionId"))),
                        "excludedPlans": None,
                    }
                    for item in to_assign
                ],
                "licensesToRemove": list(to_remove),
                "licenseWarnings": [],
                "attributes": attributes("LicenseUpdate"),
                "portal": {"licenses": [license_body(a) for a in held]},
            },
            status=status.HTTP_201_CREATED,
        )
