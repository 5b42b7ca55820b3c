from django.db import migrations


def create_catalog(apps, schema_editor):
    from enrollment.services import DIRECT_BILL_INCENTIVES

    IncentiveProgram = apps.get_model("enrollment", "IncentiveProgram")
    for spec in DIRECT_BILL_INCENTIVES:
        IncentiveProgram.objects.get_or_create(
            code=spec["code"],
            defaults={"name": spec["name"], "description": spec["description"], "program": "direct_bill"},
        )


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0001_initial")]

    operations = [migrations.RunPython(create_catalog, migrations.RunPython.noop)]
