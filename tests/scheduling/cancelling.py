"""A job context that presses the cancel button as a given stage begins, as a user would
between two steps: the tests of each kind's cancel run their job with it (services.job_run)."""

from cancuoc.jobs.models import Job
from cancuoc.jobs.services import JobContext, job_cancel


def cancelled_at(at: str) -> type[JobContext]:
    class CancelledAt(JobContext):
        def progress(self, done, total=None, stage=None):
            if stage == at:
                job_cancel(Job.objects.get(pk=self.job.pk))
                self._checked = 0  # the step's end reads the flag at once
            super().progress(done, total, stage)

    return CancelledAt
