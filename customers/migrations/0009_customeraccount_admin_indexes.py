"""Indexes for the ops list of customer accounts (admin) at 100,000 accounts: its "created" column sorted
newest first, and its Store for Business filter. Plain B-tree indexes (the second one partial), the same
on PostgreSQL and SQLite."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0008_invoices"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="customeraccount",
            index=models.Index(fields=["created_at", "id"], name="customers_account_created_idx"),
        ),
        migrations.AddIndex(
            model_name="customeraccount",
            index=models.Index(
                condition=models.Q(("store_for_business", True)),
                fields=["company_name"],
                name="customers_account_sfb_idx",
            ),
        ),
    ]
