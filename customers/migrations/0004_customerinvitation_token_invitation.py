"""Customer invitations become `invitations.models.TokenInvitation`s (one house for every invitation link).

Fields only gain the shared options (indexes for the expiry sweep, the project's clock as default, labels):
no column is dropped, every token hash is kept, so every link issued before still works. Pending expiry
jobs move to the one invitation expiry job kind ("invitations.expire"), which finds the row from the job's
object, as the old kind did."""

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models

import partnercenter.clock

OLD_KIND = "customers.invitation_expire"
NEW_KIND = "invitations.expire"


def move_jobs(apps, schema_editor):
    ScheduledJob = apps.get_model("partnercenter", "ScheduledJob")
    ScheduledJob.objects.filter(kind=OLD_KIND, status="pending").update(kind=NEW_KIND)


def move_jobs_back(apps, schema_editor):
    ScheduledJob = apps.get_model("partnercenter", "ScheduledJob")
    ScheduledJob.objects.filter(
        kind=NEW_KIND, status="pending", object_type="customers.customerinvitation"
    ).update(kind=OLD_KIND)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0003_order_request_id"),
        ("partnercenter", "0002_initial"),
        ("tenants", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="customerinvitation",
            name="created_at",
            field=models.DateTimeField(default=partnercenter.clock.now, verbose_name="created"),
        ),
        migrations.AlterField(
            model_name="customerinvitation",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="created by",
            ),
        ),
        migrations.AlterField(
            model_name="customerinvitation",
            name="expires_at",
            field=models.DateTimeField(db_index=True, verbose_name="expires"),
        ),
        migrations.AlterField(
            model_name="customerinvitation",
            name="finished_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="finished by",
            ),
        ),
        migrations.AlterField(
            model_name="customerinvitation",
            name="status",
            field=django_fsm.FSMField(
                choices=[
                    ("pending", "Pending"),
                    ("accepted", "Accepted"),
                    ("declined", "Declined"),
                    ("revoked", "Revoked"),
                    ("expired", "Expired"),
                ],
                db_index=True,
                default="pending",
                max_length=50,
                protected=True,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="customerinvitation",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
        migrations.AddIndex(
            model_name="customerinvitation",
            index=models.Index(fields=["status", "expires_at"], name="customers_c_status_257821_idx"),
        ),
        migrations.RunPython(move_jobs, move_jobs_back),
    ]
