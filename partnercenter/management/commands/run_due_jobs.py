import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from partnercenter import clock, jobs


def parse_moment(value: str) -> dt.datetime:
    """An ISO datetime or date; naive values are UTC."""
    value = value.strip()
    try:
        moment = parse_datetime(value)
        if moment is None:
            moment = dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
    except ValueError:
        raise CommandError(f"--until is not an ISO datetime: {value!r} (e.g. 2026-12-31T09:00:00Z)")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment


class Command(BaseCommand):
    help = "Run every pending scheduled job due by now, or by --until (time travel for demos)."

    def add_arguments(self, parser):
        parser.add_argument("--until", help="ISO datetime, e.g. 2026-12-31T00:00:00Z; default now")

    def handle(self, *args, until=None, **options):
        moment = parse_moment(until) if until else clock.now()
        total = jobs.sweep_all(until=moment)
        failed = jobs.ScheduledJob.objects.filter(
            status=jobs.ScheduledJob.Status.PENDING, attempts__gt=0
        ).count()
        self.stdout.write(self.style.SUCCESS(f"Ran {total} job(s) due by {moment.isoformat()}."))
        if failed:
            self.stdout.write(
                self.style.WARNING(
                    f"{failed} job(s) failed and wait for a retry (see Scheduled jobs in admin)."
                )
            )
