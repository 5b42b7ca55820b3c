import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from partnercenter import countries
from partnercenter.widgets import QuickSelect

from .models import Offer, RelationshipKind


class InviteChooseForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=_("Indirect provider"),
        queryset=None,
        empty_label=None,
        # The option values are tenant ids (as the API's providerId), not sequential row ids.
        to_field_name="tenant_id",
        help_text=_("The customer authorizes both you and this provider as resellers of record."),
    )
    include_delegated_admin = forms.BooleanField(
        label=_(
            "Include delegated admin privileges (manage the customer's users, licenses and subscriptions)"
        ),
        required=False,
        initial=True,
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["provider"].label_from_instance = lambda p: f"{p.legal_name} ({p.mpn_id})"


class DraftEmailForm(forms.Form):
    email_to = forms.EmailField(
        label=_("Customer's email (optional)"),
        required=False,
        help_text=_("Fill this in to send the email through the portal when you select Done."),
        widget=forms.EmailInput(attrs={"data-draft": "to"}),
    )
    subject = forms.CharField(
        label=_("Subject"), max_length=255, widget=forms.TextInput(attrs={"data-draft": "subject"})
    )
    body = forms.CharField(
        label=_("Email text"),
        widget=forms.Textarea(attrs={"rows": 16, "data-draft": "body"}),
        max_length=10000,
        help_text=_("You can edit the text. The personalized link must stay in it."),
    )
    # The signed draft (`invitations.links.draft_new`): nothing is stored until Done.
    draft = forms.CharField(widget=forms.HiddenInput, max_length=4000)


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Company name or domain"), required=False, max_length=100)
    relationship = forms.ChoiceField(
        label=_("Relationship"), required=False, choices=[("", _("All"))] + list(RelationshipKind.choices)
    )
    provider = forms.TypedChoiceField(
        label=_("Indirect provider"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    reseller = forms.TypedChoiceField(
        label=_("Indirect reseller"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )

    def __init__(self, *args, providers=(), resellers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", _("All"))] + [(p.pk, p.legal_name) for p in providers]
        self.fields["reseller"].choices = [("", _("All"))] + [(r.pk, r.legal_name) for r in resellers]


ONMICROSOFT_SUFFIX = ".onmicrosoft.com"
DOMAIN_PREFIX_MAX = 63
_PREFIX_CHARS = re.compile(r"[a-z0-9-]+")


class DomainPrefixInput(forms.TextInput):
    """A text input followed by the fixed `.onmicrosoft.com` suffix (read with the input: it describes it)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        suffix_id = f"{attrs.get('id') or 'id_' + name}_suffix"
        attrs["aria-describedby"] = " ".join(x for x in (attrs.get("aria-describedby"), suffix_id) if x)
        html = super().render(name, value, attrs, renderer)
        return format_html(
            '<span class="input-with-suffix">{}<span class="input-suffix" id="{}">{}</span></span>',
            html,
            suffix_id,
            ONMICROSOFT_SUFFIX,
        )


class DomainPrefixField(forms.CharField):
    """The new tenant's name before `.onmicrosoft.com`. A pasted full domain (any case, surrounded by
    spaces) is accepted and reduced to its name; anything else gets the message that says what is wrong."""

    widget = DomainPrefixInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", DOMAIN_PREFIX_MAX + len(ONMICROSOFT_SUFFIX) + 10)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"autocapitalize": "none", "autocomplete": "off", "spellcheck": "false"})
        return attrs

    def to_python(self, value):
        value = (super().to_python(value) or "").strip().lower()
        if value.endswith(ONMICROSOFT_SUFFIX):
            value = value[: -len(ONMICROSOFT_SUFFIX)].strip()
        return value

    def validate(self, value):
        super().validate(value)
        if not value:
            return
        if any(ch.isspace() for ch in value):
            raise ValidationError(_("A domain name cannot contain spaces."), code="spaces")
        if "." in value:
            raise ValidationError(
                _(
                    "Enter only the name that comes before .onmicrosoft.com, for example contoso. A domain "
                    "of your own, such as contoso.com, is added to the tenant after it is created."
                ),
                code="not_onmicrosoft",
            )
        if not _PREFIX_CHARS.fullmatch(value):
            raise ValidationError(
                _("Use only letters a to z, digits and hyphens (no accents or other symbols)."),
                code="invalid",
            )
        if value.startswith("-") or value.endswith("-"):
            raise ValidationError(_("The name cannot start or end with a hyphen."), code="hyphen")
        if len(value) > DOMAIN_PREFIX_MAX:
            raise ValidationError(
                _("The name has at most %(max)d characters (it has %(n)d).")
                % {"max": DOMAIN_PREFIX_MAX, "n": len(value)},
                code="too_long",
            )


class CustomerCreateForm(forms.Form):
    reseller = forms.ModelChoiceField(label=_("Indirect reseller"), queryset=None, empty_label=None)
    company_name = forms.CharField(label=_("Company name"), max_length=200)
    domain_prefix = DomainPrefixField(
        label=_("Domain"),
        help_text=_(
            "The new tenant's domain ends in .onmicrosoft.com: enter the name before it (letters, digits and "
            "hyphens). Pasting the whole domain works too."
        ),
    )
    first_name = forms.CharField(label=_("Admin first name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Admin last name"), max_length=100, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    country = countries.CountryField(label=_("Country/region"), required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)

    def __init__(self, *args, resellers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose a country/region")), *countries.choices()]
        if resellers is None:  # a direct-bill partner's own direct-bill customer: no reseller to name
            del self.fields["reseller"]
            return
        self.fields["reseller"].queryset = resellers
        self.fields["reseller"].label_from_instance = lambda p: f"{p.legal_name} ({p.mpn_id})"


class OrderForm(forms.Form):
    offer = forms.ModelChoiceField(label=_("Product"), queryset=Offer.objects.none(), empty_label=None)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100000, initial=1)
    billing_cycle = forms.ChoiceField(
        label=_("Billing cycle"), choices=[("monthly", _("Monthly")), ("annual", _("Annual"))]
    )
    partner_id_on_record = forms.CharField(
        label=_("Partner ID on record (the reseller's MPN ID)"), max_length=20, required=False
    )
    # A fresh id per form: submitting the same form twice (double click, back + resubmit) orders once.
    request_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, offers, ask_partner_on_record: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers
        self.fields["offer"].label_from_instance = lambda o: (
            f"{o.name} — {o.unit_price} {o.currency}/{_('month')}" if o.is_license_based else o.name
        )
        if not ask_partner_on_record:
            del self.fields["partner_id_on_record"]
        else:
            self.fields["partner_id_on_record"].required = True


class SubscriptionActionForm(forms.Form):
    ACTIONS = ["quantity", "suspend", "reactivate", "autorenew_on", "autorenew_off"]
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    quantity = forms.IntegerField(required=False, min_value=1, max_value=100000)


class CustomerUserForm(forms.Form):
    user_name = forms.CharField(label=_("User name"), max_length=64)
    display_name = forms.CharField(label=_("Display name"), max_length=200)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    usage_location = forms.CharField(label=_("Usage location"), max_length=2, initial="US")


class LicenseForm(forms.Form):
    subscription = forms.UUIDField()
    action = forms.ChoiceField(choices=[("assign", "assign"), ("remove", "remove")])
