import pytest

from partnercenter import jobs


@pytest.fixture
def job_kind():
    """Register a throwaway job handler; `calls` records every run. Set `fail` to make it raise."""

    class Recorder:
        kind = "test.recorder"
        calls: list[int] = []
        as_of: list = []
        fail: Exception | None = None

        def __call__(self, job):
            if self.fail is not None:
                raise self.fail
            self.calls.append(job.pk)
            self.as_of.append(job.as_of)
            return f"ran {job.object_id}"

    recorder = Recorder()
    recorder.calls = []
    recorder.as_of = []
    jobs.handler(recorder.kind)(recorder)
    yield recorder
    jobs._HANDLERS.pop(recorder.kind, None)
