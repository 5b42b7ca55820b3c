"""REST API (SPEC §6) for customers, customer invitations, orders, subscriptions, users, licenses and
offers, in the real Partner Center API's shapes where it has them. Another tenant's ids answer 404."""

from __future__ import annotations

import json

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from partnercenter.api import ERROR_BODY, TenantAPIView, page_body, page_slice
from partnercenter.errors import Conflict, DomainError, Forbidden, NotFound
from tenants.models import PartnerProfile, Program
from tenants.selectors import partner_profile_for
from tenants.services import has_program, is_direct_bill

from . import selectors, services
from .models import CustomerAccount, CustomerUser, Offer, Order, ResellerRelationship, Subscription
from .services.accounts import invitation_url, relationship_request_url

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
        raise Forbidden(_("This API is for partner tenants."))
    return profile


def _access(request, customer_id):
    return selectors.customer_access(profile=_profile(request), customer_id=customer_id)


def _valid(serializer_class, data):
    ser = serializer_class(data=data)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


# --- bodies -----------------------------------------------------------------------------------------


def relationship_body(rel: ResellerRelationship) -> dict:
    return {
        "id": str(rel.partner.tenant_id),
        "name": rel.partner.legal_name,
        "mpnId": rel.partner.mpn_id,
        "relationshipType": "IsIndirectResellerOf" if rel.kind == "indirect" else "IsDirectResellerOf",
        "indirectProvider": (
            {"id": str(rel.provider.tenant_id), "name": rel.provider.legal_name, "mpnId": rel.provider.mpn_id}
            if rel.provider
            else None
        ),
        "delegatedAdminPrivileges": rel.delegated_admin,
        "state": "Active" if rel.status == "active" else "Inactive",
        "since": rel.established_at,
        "attributes": {"objectType": "CustomerRelationship"},
    }


def customer_body(
    account: CustomerAccount, rels: list[ResellerRelationship], profile: PartnerProfile
) -> dict:
    mine = [r for r in rels if r.status == "active"]
    kinds = sorted({r.kind for r in mine if r.partner_id == profile.pk or r.provider_id == profile.pk})
    reseller = next((r.partner for r in mine if r.provider_id == profile.pk), None)
    return {
        "id": str(account.tenant_id),
        "companyProfile": {
            "tenantId": str(account.tenant_id),
            "domain": account.tenant.default_domain,
            "companyName": account.company_name,
            "attributes": {"objectType": "CustomerCompanyProfile"},
        },
        "billingProfile": {
            "companyName": account.company_name,
            "email": account.contact_email,
            "defaultAddress": {"country": account.country, "city": account.city},
            "attributes": {"objectType": "CustomerBillingProfile"},
        },
        "relationshipToPartner": "reseller",
        "relationships": kinds,
        "associatedPartnerId": str(reseller.tenant_id) if reseller else None,
        "allowDelegatedAccess": any(r.delegated_admin for r in mine if r.partner_id == profile.pk),
        "isStoreForBusiness": account.store_for_business,
        "attributes": {"objectType": "Customer"},
    }


def subscription_body(sub: Subscription) -> dict:
    return {
        "id": str(sub.pk),
        "offerId": sub.offer_id,
        "offerName": sub.offer.name,
        "friendlyName": sub.friendly_name,
        "quantity": sub.quantity,
        "unitType": "Licenses" if sub.offer.is_license_based else "Usage-based",
        "status": sub.status,
        "autoRenewEnabled": sub.auto_renew,
        "billingCycle": sub.billing_cycle,
        "creationDate": sub.created_at,
        "effectiveStartDate": sub.term_start,
        "commitmentEndDate": sub.term_end,
        "partnerId": sub.partner_on_record.mpn_id,
        "orderId": str(sub.order_id),
        "assignedLicenses": getattr(sub, "assigned", None),
        "attributes": {"objectType": "Subscription"},
    }


def order_body(order: Order) -> dict:
    return {
        "id": str(order.pk),
        "referenceCustomerId": str(order.customer.tenant_id),
        "billingCycle": order.billing_cycle,
        "lineItems": order.line_items,
        "status": order.status,
        "creationDate": order.created_at,
        "attributes": {"objectType": "Order"},
    }


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


def offer_body(o: Offer) -> dict:
    return {
        "id": o.pk,
        "name": o.name,
        "description": o.description,
        "category": {"id": o.category.lower().replace(" ", "-"), "name": o.category},
        "billing": o.billing,
        "unitPrice": str(o.unit_price),
        "currencyCode": o.currency,
        "termDuration": f"P{o.term_months}M" if o.term_months % 12 else f"P{o.term_months // 12}Y",
        "minimumQuantity": o.min_quantity,
        "maximumQuantity": o.max_quantity,
        "attributes": {"objectType": "Offer"},
    }


# --- schema components --------------------------------------------------------------------------------

Obj = OpenApiTypes.OBJECT
Collection = inline_serializer(
    "CustomerCollection",
    {
        "totalCount": serializers.IntegerField(),
        "items": serializers.ListField(child=serializers.DictField()),
        "continuationToken": serializers.CharField(required=False),
    },
)


class CustomerCreateSerializer(serializers.Serializer):
    companyProfile = inline_serializer("NewCustomerCompanyProfile", {"domain": serializers.CharField()})
    billingProfile = inline_serializer(
        "NewCustomerBillingProfile",
        {
            "companyName": serializers.CharField(max_length=200),
            "email": serializers.EmailField(required=False, allow_blank=True),
            "firstName": serializers.CharField(required=False, allow_blank=True, max_length=100),
            "lastName": serializers.CharField(required=False, allow_blank=True, max_length=100),
            "defaultAddress": inline_serializer(
                "NewCustomerAddress",
                {
                    "country": serializers.CharField(required=False, allow_blank=True, max_length=100),
                    "city": serializers.CharField(required=False, allow_blank=True, max_length=100),
                },
                required=False,
            ),
        },
    )
    associatedPartnerId = serializers.UUIDField(help_text="The partnered indirect reseller's tenant id (R13)")


class CustomerPatchSerializer(serializers.Serializer):
    relationshipToPartner = serializers.ChoiceField(
        choices=["none"], help_text="`none` removes your relationship"
    )


class CustomerInvitationCreateSerializer(serializers.Serializer):
    providerId = serializers.CharField(
        help_text="The indirect provider's tenant id (or its partner profile id)"
    )
    includeDelegatedAdmin = serializers.BooleanField(default=True)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)


class LineItemSerializer(serializers.Serializer):
    lineItemNumber = serializers.IntegerField(required=False)
    offerId = serializers.CharField(max_length=40)
    quantity = serializers.IntegerField(min_value=1, max_value=100000)
    partnerIdOnRecord = serializers.CharField(required=False, allow_blank=True, max_length=20)


class OrderCreateSerializer(serializers.Serializer):
    referenceCustomerId = serializers.CharField(required=False)
    billingCycle = serializers.ChoiceField(choices=["monthly", "annual"], default="monthly")
    lineItems = LineItemSerializer(many=True)


class SubscriptionPatchSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(required=False, min_value=1, max_value=100000)
    status = serializers.ChoiceField(required=False, choices=["active", "suspended"])
    autoRenewEnabled = serializers.BooleanField(required=False)


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


# --- customers ----------------------------------------------------------------------------------------

FILTER_FIELDS = {"CompanyName", "Domain", "IndirectReseller"}


def _parse_filter(raw: str) -> dict:
    if not raw:
        return {}
    try:
        spec = json.loads(raw)
    except ValueError:
        raise DomainError(_("filter is not valid JSON."), code=400, status=400)
    if not isinstance(spec, dict):
        raise DomainError(_("filter is a JSON object."), code=400, status=400)
    field, value, op = spec.get("Field"), spec.get("Value"), str(spec.get("Operator", "starts_with")).lower()
    if field not in FILTER_FIELDS:
        raise DomainError(
            _("filter Field is one of %(f)s.") % {"f": ", ".join(sorted(FILTER_FIELDS))}, code=400, status=400
        )
    if op != "starts_with" or not isinstance(value, str) or not value.strip():
        raise DomainError(_("filter needs Operator starts_with and a text Value."), code=400, status=400)
    value = value.strip()[:200]
    if field == "CompanyName":
        return {"company_prefix": value}
    if field == "Domain":
        return {"domain_prefix": value}
    try:
        return {"reseller_tenant_id": str(selectors.uuid_or_404(value))}
    except NotFound:
        raise DomainError(
            _("IndirectReseller filter Value is the reseller's tenant id."), code=400, status=400
        )


class CustomersView(TenantAPIView, APIView):
    @extend_schema(
        summary="List your customers",
        operation_id="customers_list",
        parameters=[
            *PAGING,
            OpenApiParameter(
                "filter",
                str,
                description='JSON, e.g. {"Field":"CompanyName","Value":"Wing","Operator":"starts_with"}; '
                "fields CompanyName, Domain, IndirectReseller",
            ),
        ],
        responses={200: Collection, 400: ERROR_BODY, 403: ERROR_BODY},
    )
    def get(self, request):
        profile = _profile(request)
        qs = selectors.customers_for_partner(
            profile=profile, **_parse_filter(request.query_params.get("filter", ""))
        )
        items, total, token = page_slice(request, selectors.with_list_details(qs, profile=profile))
        body = [customer_body(c, c.my_relationships, profile) for c in items]
        return Response(page_body(request, body, total, token))

    @extend_schema(
        summary="Create a customer tenant for a partnered reseller (indirect provider, R13)",
        operation_id="customers_create",
        request=CustomerCreateSerializer,
        responses={201: Obj, 400: ERROR_BODY, 403: ERROR_BODY, 409: ERROR_BODY},
    )
    def post(self, request):
        profile = _profile(request)
        data = _valid(CustomerCreateSerializer, request.data)
        reseller = PartnerProfile.objects.filter(tenant_id=data["associatedPartnerId"]).first()
        if reseller is None:
            if not has_program(profile, Program.INDIRECT_PROVIDER):
                raise Forbidden(
                    _("Indirect resellers cannot create Azure AD tenants for new customers."), rule="R13"
                )
            raise DomainError(_("associatedPartnerId is not one of your indirect resellers."), rule="R13")
        billing = data["billingProfile"]
        address = billing.get("defaultAddress") or {}
        domain = data["companyProfile"]["domain"].strip().lower()
        prefix = domain.removesuffix(".onmicrosoft.com")
        account, admin, password = services.customer_create_for_reseller(
            provider=profile,
            user=request.user,
            reseller=reseller,
            company_name=billing["companyName"],
            domain_prefix=prefix,
            contact_email=billing.get("email", ""),
            first_name=billing.get("firstName", ""),
            last_name=billing.get("lastName", ""),
            country=address.get("country", ""),
            city=address.get("city", ""),
        )
        rels = list(account.relationships.select_related("partner", "provider"))
        body = customer_body(account, rels, profile)
        body["userCredentials"] = {"userName": admin.email, "password": password}
        return Response(body, status=status.HTTP_201_CREATED)


class CustomerView(TenantAPIView, APIView):
    @extend_schema(
        summary="Get a customer",
        operation_id="customers_get",
        parameters=[CUSTOMER_ID],
        responses={200: Obj, 404: ERROR_BODY},
    )
    def get(self, request, customer_id):
        access = _access(request, customer_id)
        return Response(customer_body(access.customer, access.relationships, access.profile))

    @extend_schema(
        summary="Remove your reseller relationship (relationshipToPartner: none)",
        operation_id="customers_update",
        parameters=[CUSTOMER_ID],
        request=CustomerPatchSerializer,
        responses={200: Obj, 404: ERROR_BODY, 409: ERROR_BODY},
    )
    def patch(self, request, customer_id):
        access = _access(request, customer_id)
        _valid(CustomerPatchSerializer, request.data)
        if not request.user.is_global_admin:
            raise Forbidden(_("Only a global admin can remove a reseller relationship."))
        own = [r for r in access.relationships if r.partner_id == access.profile.pk]
        if not own:
            raise Conflict(_("You are not this customer's reseller of record."))
        with transaction.atomic():
            for rel in own:
                services.relationship_remove(
                    relationship=rel, user=request.user, reason="relationshipToPartner: none"
                )
        body = customer_body(access.customer, [], access.profile)
        body["relationshipToPartner"] = "none"
        return Response(body)


class CustomerRelationshipsView(TenantAPIView, APIView):
    @extend_schema(
        summary="The customer's resellers and providers",
        operation_id="customers_relationships_list",
        parameters=[CUSTOMER_ID],
        responses={200: Collection},
    )
    def get(self, request, customer_id):
        access = _access(request, customer_id)
        rels = (
            ResellerRelationship.objects.filter(customer=access.customer, status="active")
            .select_related("partner__tenant", "provider__tenant")
            .order_by("established_at", "pk")
        )
        items = [relationship_body(r) for r in rels]
        return Response(
            {"totalCount": len(items), "items": items, "attributes": {"objectType": "Collection"}}
        )


class RelationshipRequestView(TenantAPIView, APIView):
    @extend_schema(
        summary="Your direct reseller relationship request link",
        operation_id="customers_relationshiprequests_get",
        responses={
            200: inline_serializer("RelationshipRequest", {"url": serializers.URLField()}),
            403: ERROR_BODY,
        },
    )
    def get(self, request):
        profile = _profile(request)
        if not is_direct_bill(profile):
            raise Forbidden(_("Only a direct-bill partner has a direct reseller relationship link."))
        return Response(
            {
                "url": relationship_request_url(partner=profile, delegated_admin=True),
                "attributes": {"objectType": "CustomerRelationshipRequest"},
            }
        )


# --- customer invitations -----------------------------------------------------------------------------


def _provider_by_id(value: str) -> PartnerProfile:
    value = (value or "").strip()
    qs = PartnerProfile.objects.select_related("tenant")
    provider = None
    if value.isdigit():
        provider = qs.filter(pk=int(value)).first()
    else:
        try:
            provider = qs.filter(tenant_id=selectors.uuid_or_404(value)).first()
        except NotFound:
            provider = None
    if provider is None:
        raise DomainError(_("providerId is not one of your indirect providers."), rule="R11")
    return provider


def customer_invitation_body(inv) -> dict:
    return {
        "id": str(inv.pk),
        "status": inv.status,
        "includeDelegatedAdmin": inv.include_delegated_admin,
        "provider": {"id": str(inv.provider.tenant_id), "name": inv.provider.legal_name},
        "emailTo": inv.email_to,
        "createdAt": inv.created_at,
        "expiresAt": inv.expires_at,
        "customerId": str(inv.customer.tenant_id) if inv.customer else None,
        "attributes": {"objectType": "CustomerInvitation"},
    }


class CustomerInvitationsView(TenantAPIView, APIView):
    @extend_schema(
        summary="Your customer invitations",
        operation_id="customerinvitations_list",
        parameters=PAGING,
        responses={200: Collection},
    )
    def get(self, request):
        qs = selectors.invitations_sent(reseller=_profile(request)).select_related(
            "provider__tenant", "customer"
        )
        items, total, token = page_slice(request, qs)
        return Response(page_body(request, [customer_invitation_body(i) for i in items], total, token))

    @extend_schema(
        summary="Invite new customers with an indirect provider (reseller, R11)",
        request=CustomerInvitationCreateSerializer,
        responses={
            201: inline_serializer(
                "CustomerInvitation",
                {
                    "id": serializers.CharField(),
                    "url": serializers.URLField(),
                    "status": serializers.CharField(),
                    "expiresAt": serializers.DateTimeField(),
                    "emailDraft": inline_serializer(
                        "EmailDraft", {"subject": serializers.CharField(), "body": serializers.CharField()}
                    ),
                },
            ),
            400: ERROR_BODY,
            403: ERROR_BODY,
        },
    )
    def post(self, request):
        profile = _profile(request)
        data = _valid(CustomerInvitationCreateSerializer, request.data)
        invitation, token = services.customer_invitation_create(
            reseller=profile,
            user=request.user,
            provider=_provider_by_id(data["providerId"]),
            include_delegated_admin=data["includeDelegatedAdmin"],
        )
        from .services.accounts import draft_text

        subject, body = draft_text(invitation, token)
        return Response(
            {
                "id": str(invitation.pk),
                "url": invitation_url(token),
                "status": invitation.status,
                "includeDelegatedAdmin": invitation.include_delegated_admin,
                "provider": {
                    "id": str(invitation.provider.tenant_id),
                    "name": invitation.provider.legal_name,
                },
                "expiresAt": invitation.expires_at,
                "emailDraft": {"subject": subject, "body": body},
                "attributes": {"objectType": "CustomerInvitation"},
            },
            status=status.HTTP_201_CREATED,
        )


class CustomerInvitationRevokeView(TenantAPIView, APIView):
    @extend_schema(
        summary="Revoke a pending customer invitation",
        request=None,
        parameters=[OpenApiParameter("invitation_id", int, OpenApiParameter.PATH)],
        responses={200: Obj, 404: ERROR_BODY, 409: ERROR_BODY},
    )
    def post(self, request, invitation_id):
        inv = selectors.invitation_of(reseller=_profile(request), invitation_id=invitation_id)
        inv = services.customer_invitation_revoke(invitation=inv, user=request.user)
        inv = selectors.invitation_of(reseller=inv.reseller, invitation_id=inv.pk)
        return Response(customer_invitation_body(inv))


class CustomerInvitationAcceptView(TenantAPIView, APIView):
    @extend_schema(
        summary="Authorize the reseller and provider (the customer's global admin, R12)",
        request=TokenSerializer,
        responses={200: Obj, 403: ERROR_BODY, 404: ERROR_BODY, 409: ERROR_BODY, 410: ERROR_BODY},
    )
    def post(self, request):
        data = _valid(TokenSerializer, request.data)
        rel = services.customer_invitation_accept(token=data["token"], user=request.user)
        rel = ResellerRelationship.objects.select_related("partner__tenant", "provider__tenant").get(
            pk=rel.pk
        )
        body = relationship_body(rel)
        body["customerId"] = str(request.user.tenant_id)
        return Response(body)


# --- orders and subscriptions -------------------------------------------------------------------------


class OrdersView(TenantAPIView, APIView):
    @extend_schema(
        summary="The customer's orders",
        operation_id="customers_orders_list",
        parameters=[CUSTOMER_ID, *PAGING],
        responses={200: Collection},
    )
    def get(self, request, customer_id):
        access = _access(request, customer_id)
        items, total, token = page_slice(
            request, selectors.orders_for(access=access).select_related("customer")
        )
        return Response(page_body(request, [order_body(o) for o in items], total, token))

    @extend_schema(
        summary="Place an order (direct bill, or provider with partnerIdOnRecord; R14, R18)",
        parameters=[
            CUSTOMER_ID,
            OpenApiParameter(
                "MS-RequestId",
                str,
                OpenApiParameter.HEADER,
                description="Idempotency key: the same id again returns the same order",
            ),
        ],
        request=OrderCreateSerializer,
        responses={201: Obj, 400: ERROR_BODY, 403: ERROR_BODY, 404: ERROR_BODY},
    )
    def post(self, request, customer_id):
        access = _access(request, customer_id)
        data = _valid(OrderCreateSerializer, request.data)
        lines = [dict(item) for item in data["lineItems"]]
        order = services.order_create(
            access=access,
            user=request.user,
            line_items=lines,
            billing_cycle=data["billingCycle"],
            request_id=request.headers.get("MS-RequestId"),
        )
        order = Order.objects.select_related("customer").get(pk=order.pk)
        return Response(order_body(order), status=status.HTTP_201_CREATED)


class SubscriptionsView(TenantAPIView, APIView):
    @extend_schema(
        summary="The customer's subscriptions",
        operation_id="customers_subscriptions_list",
        parameters=[CUSTOMER_ID, *PAGING],
        responses={200: Collection},
    )
    def get(self, request, customer_id):
        access = _access(request, customer_id)
        items, total, token = page_slice(request, selectors.subscriptions_for(access=access))
        return Response(page_body(request, [subscription_body(s) for s in items], total, token))


SUBSCRIPTION_ID = OpenApiParameter("subscription_id", str, OpenApiParameter.PATH)


class SubscriptionView(TenantAPIView, APIView):
    @extend_schema(
        summary="Get a subscription",
        operation_id="customers_subscriptions_get",
        parameters=[CUSTOMER_ID, SUBSCRIPTION_ID],
        responses={200: Obj, 404: ERROR_BODY},
    )
    def get(self, request, customer_id, subscription_id):
        access = _access(request, customer_id)
        return Response(
            subscription_body(selectors.subscription_for(access=access, subscription_id=subscription_id))
        )

    @extend_schema(
        summary="Change quantity, suspend/reactivate, auto-renew",
        parameters=[CUSTOMER_ID, SUBSCRIPTION_ID],
        request=SubscriptionPatchSerializer,
        responses={200: Obj, 400: ERROR_BODY, 404: ERROR_BODY, 409: ERROR_BODY},
    )
    def patch(self, request, customer_id, subscription_id):
        access = _access(request, customer_id)
        sub = selectors.subscription_for(access=access, subscription_id=subscription_id)
        data = _valid(SubscriptionPatchSerializer, request.data)
        services.subscription_update(
            access=access,
            user=request.user,
            subscription=sub,
            quantity=data.get("quantity"),
            status=data.get("status"),
            auto_renew=data.get("autoRenewEnabled"),
        )
        return Response(subscription_body(selectors.subscription_for(access=access, subscription_id=sub.pk)))


# --- users and licenses -------------------------------------------------------------------------------

USER_ID = OpenApiParameter("user_id", str, OpenApiParameter.PATH)


def _require_admin(access) -> None:
    from .services.directory import require_admin_rights

    require_admin_rights(access)


class UsersView(TenantAPIView, APIView):
    @extend_schema(
        summary="The customer's users (reseller with admin rights, R12)",
        operation_id="customers_users_list",
        parameters=[CUSTOMER_ID, *PAGING],
        responses={200: Collection, 403: ERROR_BODY, 404: ERROR_BODY},
    )
    def get(self, request, customer_id):
        access = _access(request, customer_id)
        _require_admin(access)
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
        _require_admin(access)
        return Response(user_body(selectors.user_for(access=access, user_id=user_id)))

    @extend_schema(
        summary="Delete a customer user (its licenses are freed)",
        parameters=[CUSTOMER_ID, USER_ID],
        responses={204: None, 403: ERROR_BODY, 404: ERROR_BODY, 409: ERROR_BODY},
    )
    def delete(self, request, customer_id, user_id):
        access = _access(request, customer_id)
        _require_admin(access)
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
        _require_admin(access)
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
        _require_admin(access)
        cu = selectors.user_for(access=access, user_id=user_id)
        data = _valid(LicenseUpdateSerializer, request.data)
        subs = list(selectors.subscriptions_for(access=access))
        admin_rel_ids = {r.pk for r in access.admin_relationships}
        with transaction.atomic():
            for item in data["licensesToAssign"]:
                sub = self._pick(subs, admin_rel_ids, item)
                services.license_assign(access=access, user=request.user, customer_user=cu, subscription=sub)
            for sku in data["licensesToRemove"]:
                for a in list(cu.licenses.select_related("subscription")):
                    if a.subscription.offer_id == sku:
                        services.license_remove(
                            access=access, user=request.user, customer_user=cu, subscription=a.subscription
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

    @staticmethod
    def _pick(subs, admin_rel_ids, item) -> Subscription:
        if item.get("subscriptionId"):
            sub = next((s for s in subs if s.pk == item["subscriptionId"]), None)
            if sub is None:
                raise NotFound()
            return sub
        sku = item.get("skuId")
        if not sku:
            raise DomainError(
                _("Each license to assign names a skuId or a subscriptionId."), code=400, status=400
            )
        candidates = [
            s
            for s in subs
            if s.offer_id == sku and s.status == "active" and s.relationship_id in admin_rel_ids
        ]
        if not candidates:
            raise DomainError(
                _("The customer has no active subscription of %(sku)s you manage.") % {"sku": sku},
                code=400,
                status=400,
            )
        free = [s for s in candidates if s.assigned < s.quantity]
        return (free or candidates)[0]


# --- offers -------------------------------------------------------------------------------------------


class OffersView(TenantAPIView, APIView):
    @extend_schema(summary="The product catalog", parameters=PAGING, responses={200: Collection})
    def get(self, request):
        items, total, token = page_slice(request, selectors.offers_catalog())
        return Response(page_body(request, [offer_body(o) for o in items], total, token))
