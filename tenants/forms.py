from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import PartnerProfile


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"})
    )


class PartnerProfileForm(forms.ModelForm):
    class Meta:
        model = PartnerProfile
        fields = ["legal_name", "primary_contact_email", "mpn_account_email", "country", "city"]


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Key name"), max_length=100, help_text=_("For example: billing sync"))
