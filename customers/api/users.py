"""A customer's directory users and their licenses (R12: the reseller's delegated admin rights)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from partnercenter.api import ERROR_BODY, TenantAPIView, page_body, page_slice

from .. import selectors, services
from ..models import CustomerUser
from ..services.directory import licenses_update
from .common import CUSTOMER_ID, PAGING, Collection, Obj, _access, _valid


def user_body(u: CustomerUser) -> dict:
    return {
        "id": str(u.pk),
        "userPrincipalName": u.user_principal_name,
        "displayName": u.display_name,
        "firstName": u.first_name,
        "lastName": u.last_name,
        "usageLocation": u.usage_location,
        "state": u.state,
        "attributes": {"objectType": "CustomerUser"},
    }


def license_body(a) -> dict:
    return {
        "skuId": a.subscription.offer_id,
        "skuName": a.subscription.offer.name,
        "subscriptionId": str(a.subscription_id),
        "assignedAt": a.assigned_at,
        "attributes": {"objectType": "License"},
    }


class UserCreateSerializer(serializers.Serializer):
    userPrincipalName = serializers.CharField(max_length=200)
    displayName = serializers.CharField(max_length=200)
    firstName = serializers.CharField(required=False, allow_blank=True, max_length=100)
    lastName = serializers.CharField(required=False, allow_blank=True, max_length=100)
    usageLocation = serializers.CharField(required=False, default="US", max_length=2)


class LicenseToAssignSerializer(serializers.Serializer):
    skuId = serializers.CharField(required=False, max_length=40, help_text="An offer id")
    subscriptionId = serializers.UUIDField(required=False)


class LicenseUpdateSerializer(serializers.Serializer):
    licensesToAssign = LicenseToAssignSerializer(many=True, required=False, default=list)
    licensesToRemove = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list
    )


USER_ID = OpenApiParameter("user_id", str, OpenApiParameter.PATH)


class UsersView(TenantAPIView, APIView):
    @extend_schema(
        summary="The customer's users (reseller with admin rights, R12)",
        operation_id="customers_users_list",
        parameters=[CUSTOMER_ID, *PAGING],
        responses={200: Collection, 403: ERROR_BODY, 404: ERROR_BODY},
    )
    def get(self, request, customer_id):
        access = _access(request, customer_id)
        items, total, token = page_slice(request, selectors.users_for(access=access))
        return Response(page_body(request, [user_body(u) for u in items], total, token))

    @extend_schema(
        summary="Create a user in the customer's directory",
        parameters=[CUSTOMER_ID],
        request=UserCreateSerializer,
        responses={201: Obj, 400: ERROR_BODY, 403: ERROR_BODY, 404: ERROR_BODY, 409: ERROR_BODY},
    )
    def post(self, request, customer_id):
        access = _access(request, customer_id)
        data = _valid(UserCreateSerializer, request.data)
        created = services.customer_user_create(
            access=access,
            user=request.user,
            user_name=data["userPrincipalName"],
            display_name=data["displayName"],
            first_name=data.get("firstName", ""),
            last_name=data.get("lastName", ""),
            usage_location=data.get("usageLocation", "US"),
        )
        return Response(user_body(created), status=status.HTTP_201_CREATED)


class UserView(TenantAPIView, APIView):
    @extend_schema(
        summary="Get a customer user",
        operation_id="customers_users_get",
        parameters=[CUSTOMER_ID, USER_ID],
        responses={200: Obj, 403: ERROR_BODY, 404: ERROR_BODY},
    )
    def get(self, request, customer_id, user_id):
        access = _access(request, customer_id)
        return Response(user_body(selectors.user_for(access=access, user_id=user_id)))

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
        responses={200: Collection, 403: ERROR_BODY, 404: ERROR_BODY},
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
        request=LicenseUpdateSerializer,
        responses={201: Obj, 400: ERROR_BODY, 403: ERROR_BODY, 404: ERROR_BODY, 409: ERROR_BODY},
    )
    def post(self, request, customer_id, user_id):
        access = _access(request, customer_id)
        cu = selectors.user_for(access=access, user_id=user_id)
        data = _valid(LicenseUpdateSerializer, request.data)
        licenses_update(
            access=access,
            user=request.user,
            customer_user=cu,
            assign=[
                {"sku_id": item.get("skuId"), "subscription_id": item.get("subscriptionId")}
                for item in data["licensesToAssign"]
            ],
            remove=[{"sku_id": sku} for sku in data["licensesToRemove"]],
        )
        cu = selectors.user_for(access=access, user_id=cu.pk)
        return Response(
            {
                "licensesAssigned": [license_body(a) for a in cu.licenses.all()],
                "licenseWarnings": [],
                "attributes": {"objectType": "LicenseUpdate"},
            },
            status=status.HTTP_201_CREATED,
        )
