"""The tracker's filter and the bulk move form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import MoveState


class TrackerFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *MoveState.CHOICES]
    )
    q = forms.CharField(label=_("Search by company name or domain"), required=False, max_length=200)


class BulkMoveForm(forms.Form):
    SCOPE_SELECTED = "selected"
    SCOPE_FILTER = "filter"

    provider = forms.ModelChoiceField(
        label=_("Indirect provider"),
        queryset=None,
        empty_label=None,
        to_field_name="tenant_id",  # the provider's tenant id, as providerId in the API
        help_text=_("Each customer authorizes both you and this provider as resellers of record."),
    )
    scope = forms.ChoiceField(
        label=_("Customers"),
        choices=[
            (SCOPE_SELECTED, _("The customers selected below")),
            (SCOPE_FILTER, _("All customers matching the filter")),
        ],
        initial=SCOPE_SELECTED,
        widget=forms.RadioSelect,
    )
    include_delegated_admin = forms.BooleanField(
        label=_("Include delegated admin privileges"), required=False, initial=True
    )
    # The filter the page showed (for "all matching the filter").
    state = forms.ChoiceField(
        required=False, choices=[("", ""), *MoveState.CHOICES], widget=forms.HiddenInput
    )
    q = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["provider"].label_from_instance = lambda p: f"{p.legal_name} ({p.mpn_id})"

    def clean(self):
        data = super().clean()
        data["customers"] = (
            [c for c in self.data.getlist("customer") if c] if hasattr(self.data, "getlist") else []
        )
        if data.get("scope") == self.SCOPE_SELECTED and not data["customers"]:
            raise forms.ValidationError(
                _("Select the customers to invite, or choose all customers matching the filter.")
            )
        return data
