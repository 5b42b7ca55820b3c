from celery import shared_task

from . import emails, jobs


@shared_task(name=jobs.RUN_TASK, acks_late=True)
def run_scheduled_job(job_id: int) -> bool:
    return jobs.job_run(job_id)


@shared_task(name="partnercenter.sweep_due_jobs")
def sweep_due_jobs() -> int:
    return jobs.sweep()


@shared_task(name=emails.DELIVER_TASK, acks_late=True)
def deliver_email(email_id: int) -> bool:
    return emails.deliver(email_id)


@shared_task(name="partnercenter.sweep_outbox")
def sweep_outbox() -> int:
    return emails.sweep_outbox()
