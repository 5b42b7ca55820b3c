# A migration of its own, so the data copied by 0003 is committed before the table goes (PostgreSQL
# refuses to alter tables with pending deferred constraint checks in the same transaction).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0003_enrollment_history_to_events")]

    operations = [migrations.DeleteModel(name="EnrollmentTransition")]
