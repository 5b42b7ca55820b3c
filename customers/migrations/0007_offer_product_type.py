from django.db import migrations, models


def seed_offers(apps, schema_editor):
    # The catalog's new Azure reservations and software offers reach existing databases too.
    from customers.catalog import offers_seed

    offers_seed(apps.get_model("customers", "Offer"))


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_scrub_invitation_email_links")]

    operations = [
        migrations.AddField(
            model_name="offer",
            name="direct_bill_only",
            field=models.BooleanField(default=False, verbose_name="direct-bill partners only"),
        ),
        migrations.AddField(
            model_name="offer",
            name="product_type",
            field=models.CharField(
                choices=[
                    ("subscription", "Subscription"),
                    ("azure_reservation", "Azure reservation"),
                    ("software", "Software"),
                ],
                default="subscription",
                max_length=20,
                verbose_name="product type",
            ),
        ),
        migrations.RunPython(seed_offers, migrations.RunPython.noop),
    ]
