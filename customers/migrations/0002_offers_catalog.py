from django.db import migrations


def seed_offers(apps, schema_editor):
    from customers.catalog import offers_seed

    offers_seed(apps.get_model("customers", "Offer"))


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [migrations.RunPython(seed_offers, migrations.RunPython.noop)]
