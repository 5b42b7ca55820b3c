"""Customer invitation emails recorded before links were rebuilt at delivery held the clear link: replace it
with the placeholder and point the email at its invitation, so a resend delivers a fresh link."""

import re

from django.db import migrations

PLACEHOLDER = "[personalized invitation link]"
LINK = re.compile(r"(?:https?://[^\s/]+)?/customers/invitations/[A-Za-z0-9_-]{20,}/?")


def scrub_stored_links(apps, schema_editor):
    SentEmail = apps.get_model("partnercenter", "SentEmail")
    for email in SentEmail.objects.filter(kind="customer_invitation").iterator():
        email.subject, email.body = LINK.sub(PLACEHOLDER, email.subject), LINK.sub(PLACEHOLDER, email.body)
        parts = (email.dedupe_key or "").split(":")
        if len(parts) >= 2 and parts[1].isdigit():
            email.object_type, email.object_id = "customers.customerinvitation", parts[1]
        email.save(update_fields=["subject", "body", "object_type", "object_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0005_trigram_search_indexes"),
        ("partnercenter", "0004_sentemail_object"),
    ]

    operations = [migrations.RunPython(scrub_stored_links, migrations.RunPython.noop)]
