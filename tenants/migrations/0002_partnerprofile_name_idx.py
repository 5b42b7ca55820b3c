from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="partnerprofile",
            index=models.Index(fields=["legal_name", "id"], name="partnerprofile_name_idx"),
        ),
    ]
