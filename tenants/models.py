"""Tenants (Azure AD directories), their users and roles, partner profiles, programs, partnerships."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnercenter import countries

mpn_id_validator = RegexValidator(
    r"^[0-9]{6,7}$", _("An MPN ID (Partner ID) is 6 or 7 digits."), code="invalid_mpn_id"
)
domain_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.onmicrosoft\.com$",
    _("A default domain looks like name.onmicrosoft.com (lowercase letters, digits and hyphens)."),
    code="invalid_domain",
)


class Tenant(models.Model):
    class Kind(models.TextChoices):
        PARTNER = "partner", _("Partner")
        CUSTOMER = "customer", _("Customer")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    default_domain = models.CharField(
        _("default domain"), max_length=120, unique=True, validators=[domain_validator]
    )
    display_name = models.CharField(_("display name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The scenario sandbox the tenant belongs to (docs/scenarios.md); empty: a real tenant.
    scenario_key = models.CharField(_("scenario"), max_length=40, null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.default_domain})"

    def save(self, *args, **kwargs):
        self.default_domain = (self.default_domain or "").strip().lower()
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    GLOBAL_ADMIN = "global_admin", _("Global admin")
    ADMIN_AGENT = "admin_agent", _("Admin agent")
    SALES_AGENT = "sales_agent", _("Sales agent")
    BILLING_ADMIN = "billing_admin", _("Billing admin")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in by email. Each portal user belongs to one tenant with one role;
    ops staff (Django admin) may have no tenant."""

    email = models.EmailField(_("email"), unique=True)
    display_name = models.CharField(_("name"), max_length=150, blank=True)
    tenant = models.ForeignKey(
        Tenant,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("tenant"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    is_staff = models.BooleanField(_("ops staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # The language the user chose with the language switcher ('' = not chosen: the browser decides).
    # Pages are shown in it on every request after sign-in, and emails to the user's address use it.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(tenant__isnull=True) | ~Q(role=""), name="tenant_user_has_role"
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_global_admin(self) -> bool:
        return self.tenant_id is not None and self.role == Role.GLOBAL_ADMIN

    @property
    def name(self) -> str:
        return self.display_name or self.email


class Region(models.TextChoices):
    NORTH_AMERICA = "north_america", _("North America")
    EUROPE = "europe", _("Europe")
    ASIA_PACIFIC = "asia_pacific", _("Asia Pacific")
    LATIN_AMERICA = "latin_america", _("Latin America")
    MIDDLE_EAST_AFRICA = "middle_east_africa", _("Middle East and Africa")


class PartnerProfile(models.Model):
    tenant = models.OneToOneField(
        Tenant, on_delete=models.CASCADE, related_name="partner_profile", verbose_name=_("tenant")
    )
    legal_name = models.CharField(_("legal business name"), max_length=200)
    mpn_id = models.CharField(_("MPN ID"), max_length=7, unique=True, validators=[mpn_id_validator])
    primary_contact_email = models.EmailField(_("primary contact email"))
    mpn_account_email = models.EmailField(_("MPN account email"))
    country = models.CharField(_("country/region"), max_length=100)
    region = models.CharField(_("region"), max_length=30, choices=Region.choices, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    details_confirmed_at = models.DateTimeField(_("details confirmed current on"), null=True, blank=True)
    details_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("details confirmed by"),
    )
    # R3: an ops-staff flag; only flagged direct-bill partners may enroll with their existing tenant.
    identified_for_offboarding = models.BooleanField(
        _("identified for direct bill offboarding"), default=False
    )
    identified_for_offboarding_at = models.DateTimeField(_("identified on"), null=True, blank=True)
    # What an indirect provider offers its resellers (R9), shown in the Find a provider directory.
    description = models.TextField(_("about"), blank=True)
    offers_training = models.BooleanField(_("technical training and assistance"), default=False)
    offers_marketing = models.BooleanField(_("marketing help"), default=False)
    offers_financing = models.BooleanField(_("financing and credit terms"), default=False)

    class Meta:
        ordering = ["legal_name"]
        verbose_name = _("partner profile")
        verbose_name_plural = _("partner profiles")
        # A distributor's 5,000 resellers are listed by name (its reseller list, filter choices): read
        # from an index instead of sorted on every request.
        indexes = [models.Index(fields=["legal_name", "id"], name="partnerprofile_name_idx")]

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.mpn_id})"

    @property
    def details_confirmed(self) -> bool:
        return self.details_confirmed_at is not None

    @property
    def location(self) -> str:
        return ", ".join(p for p in [self.city, countries.name(self.country)] if p)


class Program(models.TextChoices):
    DIRECT_BILL = "direct_bill", _("CSP direct bill")
    INDIRECT_RESELLER = "indirect_reseller", _("CSP indirect reseller")
    INDIRECT_PROVIDER = "indirect_provider", _("CSP indirect provider")


class ProgramMembership(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        RESTRICTED = "restricted", _("Restricted")

    partner = models.ForeignKey(
        PartnerProfile, on_delete=models.CASCADE, related_name="programs", verbose_name=_("partner")
    )
    program = models.CharField(_("program"), max_length=30, choices=Program.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        ordering = ["program"]
        verbose_name = _("program membership")
        verbose_name_plural = _("program memberships")
        constraints = [
            models.UniqueConstraint(fields=["partner", "program"], name="one_membership_per_program"),
        ]

    def __str__(self) -> str:
        return f"{self.partner.legal_name}: {self.get_program_display()} ({self.get_status_display()})"


class Partnership(models.Model):
    """An indirect provider ↔ indirect reseller link (R10)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REMOVED = "removed", _("Removed")

    provider = models.ForeignKey(
        PartnerProfile,
        on_delete=models.PROTECT,
        related_name="reseller_partnerships",
        verbose_name=_("provider"),
    )
    reseller = models.ForeignKey(
        PartnerProfile,
        on_delete=models.PROTECT,
        related_name="provider_partnerships",
        verbose_name=_("reseller"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "reseller"],
                condition=Q(status="active"),
                name="one_active_partnership_per_pair",
            ),
            models.CheckConstraint(condition=~Q(provider=models.F("reseller")), name="partnership_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.provider.legal_name} → {self.reseller.legal_name} ({self.status})"


class ApiToken(models.Model):
    """A per-user API key. Only a SHA-256 hash is stored; the key is shown once when created."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
