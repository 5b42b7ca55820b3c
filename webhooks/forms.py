from django import forms
from django.utils.translation import gettext_lazy as _

from . import catalog

CHOICES = [(name, name) for name in [catalog.TEST_CREATED, *catalog.EVENT_NAMES]]


class RegistrationForm(forms.Form):
    url = forms.CharField(
        label=_("Webhook URL"),
        max_length=2000,
        help_text=_("An https address of your server. Each event is POSTed to it, signed."),
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/partner-center/events"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=CHOICES, widget=forms.CheckboxSelectMultiple, required=True
    )
