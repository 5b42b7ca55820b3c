from celery import shared_task

from . import jobs


@shared_task(name="partnercenter.run_scheduled_job", acks_late=True)
def run_scheduled_job(job_id: int) -> bool:
    return jobs.job_run(job_id)


@shared_task(name="partnercenter.sweep_due_jobs")
def sweep_due_jobs() -> int:
    return jobs.sweep()
