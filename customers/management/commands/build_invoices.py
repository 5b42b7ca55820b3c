from django.core.management.base import BaseCommand, CommandError

from partnercenter.errors import DomainError

from ...services import invoices


class Command(BaseCommand):
    help = (
        "Build the direct-bill partners' invoices to their direct-bill customers for one month (YYYY-MM): "
        "an ended month's invoices are issued, the running month's are brought up to date. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM, e.g. 2026-11")
        parser.add_argument(
            "--schedule-only",
            action="store_true",
            help="only make sure the monthly run (the 1st, 00:00 UTC) is scheduled",
        )

    def handle(self, *args, month=None, schedule_only=False, **options):
        if schedule_only:
            job = invoices.invoicing_job_ensure()
            self.stdout.write(
                self.style.SUCCESS(f"The monthly invoicing run is due {job.due_at.isoformat()}.")
            )
            return
        if not month:
            raise CommandError("--month YYYY-MM is required (or --schedule-only).")
        try:
            first_day = invoices.parse_month(month)
            count = invoices.invoices_build_month(month=first_day)
        except DomainError as exc:
            raise CommandError(str(exc.message))
        invoices.invoicing_job_ensure()
        self.stdout.write(self.style.SUCCESS(f"{count} invoice(s) for {first_day:%Y-%m}."))
