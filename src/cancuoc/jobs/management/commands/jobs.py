"""`cancuoc jobs list | show N | cancel N`: the jobs as their pages show them, for the
command line of the server (no area scope: whoever runs it runs the server)."""

from django.core.management.base import BaseCommand, CommandError

from cancuoc.jobs.cli import job_url
from cancuoc.jobs.models import Job
from cancuoc.jobs.presenters import job_lines, job_state
from cancuoc.jobs.services import job_cancel

LISTED = 20


class Command(BaseCommand):
    help = "Công việc nền / background jobs: list the latest, show one, cancel one"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listed = sub.add_parser("list")
        listed.add_argument("--all", action="store_true", help=f"not only the latest {LISTED}")
        for name in ("show", "cancel"):
            sub.add_parser(name).add_argument("job", type=int)

    def handle(self, *args, action: str, **options) -> None:
        if action == "list":
            jobs = Job.objects.order_by("-pk")
            for job in jobs if options["all"] else jobs[:LISTED]:
                state = job_state(job)
                percent = f"{state.percent}%" if state.percent is not None else ""
                self.stdout.write(
                    f"{job.pk:>6}  {job.status:<9} {percent:>4}  {state.label}"
                    + (f" · {state.about}" if state.about else "")
                    + (f" · {state.stage}" if job.active and state.stage else "")
                )
            return
        job = Job.objects.filter(pk=options["job"]).first()
        if job is None:
            raise CommandError(f"không có công việc / no job {options['job']}")
        if action == "cancel":
            job = job_cancel(job)
            self.stdout.write(f"{job.pk}: {job.status}, cancel_requested={job.cancel_requested}")
            return
        state = job_state(job)
        self.stdout.write(f"{state.label} ({job.pk}): {job.status} · {job_url(job)}")
        for label, value in [
            ("about", state.about),
            ("stage", state.stage),
            ("done", state.figures),
            ("elapsed", state.elapsed),
            ("left", state.left),
            ("attempts", f"{job.attempts}/{job.max_attempts}"),
            ("error", job.error),
        ]:
            if value:
                self.stdout.write(f"  {label}: {value}")
        for label, value, link in job_lines(job):
            self.stdout.write(f"  {label}: {value}" + (f" ({link})" if link else ""))
