from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from partnercenter import countries

from .models import PartnerProfile


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("That email and password don't match an account. Check them and try again."),
        "inactive": _("This account is disabled. Ask your global admin for help."),
    }

    def clean_username(self):
        # Sign-in is case-insensitive, and so is the lockout count (django-axes reads this value).
        return self.cleaned_data["username"].strip().lower()


class PartnerProfileForm(forms.ModelForm):
    class Meta:
        model = PartnerProfile
        fields = [
            "legal_name",
            "mpn_id",
            "primary_contact_email",
            "mpn_account_email",
            "country",
            "region",
            "city",
        ]
        help_texts = {
            "mpn_id": _("Your Partner ID (MPN ID): 6 or 7 digits."),
            "primary_contact_email": _("Program emails, such as an enrollment approval, go here."),
            "mpn_account_email": _("Incentive invitations go to this address."),
        }
        widgets = {
            "mpn_id": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "primary_contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A list of ISO codes with names in the user's language; a profile saved before stores a name,
        # which is shown selected when it names a country.
        self.fields["country"] = countries.CountryField(label=_("Country/region"))
        stored = getattr(self.instance, "country", "")
        if stored and not self.is_bound:
            self.initial["country"] = countries.code(stored) or ""

    def clean_mpn_id(self):
        return (self.cleaned_data.get("mpn_id") or "").strip()


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Key name"), max_length=100, help_text=_("For example: billing sync"))
