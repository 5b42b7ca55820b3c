from django import forms
from django.utils.translation import gettext_lazy as _


class EnrollForm(forms.Form):
    """Enroll now (R2, R6): the primary contact specified for this enrollment (prefilled with the profile's;
    the approval email goes to it, R4) and the acknowledgement of the no-rollback warning above the button."""

    primary_contact_email = forms.EmailField(
        label=_("Primary contact email"),
        max_length=254,
        help_text=_(
            "The approval email is sent to this primary contact. It starts as the one on your partner profile."
        ),
        error_messages={
            "required": _("Enter the primary contact's email address."),
            "invalid": _("Enter a valid email address for the primary contact."),
        },
    )
    acknowledge = forms.BooleanField(
        label=_("I understand that enrolling as an indirect reseller cannot be undone."),
        required=True,
        error_messages={"required": _("Confirm that you understand enrolling cannot be undone.")},
    )


class RejectForm(forms.Form):
    """Ops reject an enrollment with a reason the partner will read."""

    reason = forms.CharField(
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("The partner sees this reason on the enrollment page and in the email."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("A reason is required to reject an enrollment."))
        return reason
