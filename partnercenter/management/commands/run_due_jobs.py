import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from partnercenter import clock, jobs


class Command(BaseCommand):
    help = "Run every pending scheduled job due by now, or by --until (time travel for demos)."

    def add_arguments(self, parser):
        parser.add_argument("--until", help="ISO datetime, e.g. 2026-12-31T00:00:00Z; default now")

    def handle(self, *args, until=None, **options):
        moment = None
        if until:
            moment = parse_datetime(until)
            if moment is None:
                try:
                    moment = dt.datetime.combine(dt.date.fromisoformat(until), dt.time())
                except ValueError:
                    raise CommandError(f"--until is not an ISO datetime: {until!r}")
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, dt.UTC)
        total = 0
        while True:  # jobs can schedule jobs that are due too (e.g. approval, then activation)
            ran = jobs.sweep(until=moment or clock.now())
            total += ran
            if not ran:
                break
        self.stdout.write(self.style.SUCCESS(f"Ran {total} job(s)."))
