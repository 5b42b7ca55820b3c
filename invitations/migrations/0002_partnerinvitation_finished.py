"""Partnership invitations become `invitations.models.TokenInvitation`s, with the field names customer
invitations already had: closed_at/closed_by are renamed finished_at/finished_by (RenameField keeps the
column's data). Token hashes are untouched, so every link issued before still works. Pending expiry jobs
move to the one invitation expiry job kind ("invitations.expire")."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import partnercenter.clock

OLD_KIND = "partner_invitation.expire"
NEW_KIND = "invitations.expire"


def move_jobs(apps, schema_editor):
    ScheduledJob = apps.get_model("partnercenter", "ScheduledJob")
    ScheduledJob.objects.filter(kind=OLD_KIND, status="pending").update(kind=NEW_KIND)


def move_jobs_back(apps, schema_editor):
    ScheduledJob = apps.get_model("partnercenter", "ScheduledJob")
    ScheduledJob.objects.filter(
        kind=NEW_KIND, status="pending", object_type="invitations.partnerinvitation"
    ).update(kind=OLD_KIND)


class Migration(migrations.Migration):
    dependencies = [
        ("invitations", "0001_initial"),
        ("partnercenter", "0002_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="partnerinvitation", old_name="closed_at", new_name="finished_at"),
        migrations.RenameField(model_name="partnerinvitation", old_name="closed_by", new_name="finished_by"),
        migrations.AlterField(
            model_name="partnerinvitation",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="finished"),
        ),
        migrations.AlterField(
            model_name="partnerinvitation",
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
            model_name="partnerinvitation",
            name="created_at",
            field=models.DateTimeField(default=partnercenter.clock.now, verbose_name="created"),
        ),
        migrations.RunPython(move_jobs, move_jobs_back),
    ]
