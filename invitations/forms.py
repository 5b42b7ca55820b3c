from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.models import Region

from .models import TokenInvitation

SERVICE_CHOICES = [
    ("", _("Any service")),
    ("training", _("Technical training and assistance")),
    ("marketing", _("Marketing help")),
    ("financing", _("Financing and credit terms")),
]


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("Any region")), *Region.choices]
    )
    service = forms.ChoiceField(label=_("Services offered"), required=False, choices=SERVICE_CHOICES)

    def values(self) -> dict:
        """Valid filters; anything invalid is ignored rather than breaking the page."""
        if not self.is_valid():
            return {"q": "", "region": "", "service": ""}
        return {k: (self.cleaned_data.get(k) or "").strip() for k in ("q", "region", "service")}


class DraftEmailForm(forms.Form):
    """The invitation email: editable, but the personalized link must stay in the body. The invitation
    exists only once the provider selects Send or Done; until then the page's signed draft is all."""

    to = forms.EmailField(
        label=_("Reseller email address"),
        required=False,
        max_length=254,
        help_text=_(
            "Needed only to send through the portal. If you send the email yourself, leave it empty and "
            "select Done: the link works from then on."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "data-draft": "to"}),
    )
    subject = forms.CharField(
        label=_("Subject"), max_length=255, widget=forms.TextInput(attrs={"data-draft": "subject"})
    )
    body = forms.CharField(
        label=_("Message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 14, "data-draft": "body"})
    )
    # The signed draft (`links.draft_new`): the link's token travels here until Send or Done stores it.
    # The link must stay in the body: `links.check_draft_text` checks it (the same for customer invitations).
    draft = forms.CharField(widget=forms.HiddenInput, max_length=4000)


INVITATION_STATUS_CHOICES = [("", _("All statuses")), *TokenInvitation.Status.choices]


class InvitationFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=INVITATION_STATUS_CHOICES)

    def value(self) -> str:
        return self.cleaned_data.get("status", "") if self.is_valid() else ""
