"""The Celery app. Beat only sweeps: due times live in the database (see partnercenter.jobs)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnercenter.settings.base")

app = Celery("partnercenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _setup_periodic_tasks(sender, **kwargs):
    from django.conf import settings

    sender.add_periodic_task(
        settings.PORTAL_SWEEP_INTERVAL,
        sender.signature("partnercenter.sweep_due_jobs"),
        name="sweep due jobs",
    )
    sender.add_periodic_task(
        settings.PORTAL_SWEEP_INTERVAL,
        sender.signature("partnercenter.sweep_outbox"),
        name="sweep the email outbox",
    )


def every(seconds: float, task: str, *, name: str) -> None:
    """Add a beat entry: `task` every `seconds`. An app calls it from a module its AppConfig.ready()
    imports; in a worker or beat process that can happen after the app was finalized (when
    on_after_finalize has fired already): then the entry is added at once."""

    def add(sender=None, **kwargs):
        (sender or app).add_periodic_task(float(seconds), app.signature(task), name=name)

    if app.finalized:
        add(app)
    else:
        app.on_after_finalize.connect(add, weak=False)
