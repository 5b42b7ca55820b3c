from django import forms
from django.utils.translation import gettext_lazy as _


class EnrollForm(forms.Form):
    """Enroll now (R2, R6): the partner acknowledges the no-rollback warning shown above the button."""

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
