"""Durable job handler of the bulk move (partnercenter.jobs)."""

from partnercenter import jobs

from .services import STEP_JOB, move_batch_step


@jobs.handler(STEP_JOB)
def move_step(job) -> str:
    return move_batch_step(batch_id=job.object_id)
