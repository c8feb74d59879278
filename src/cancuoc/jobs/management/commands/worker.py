from django.core.management.base import BaseCommand

from cancuoc.jobs.worker import worker_loop


class Command(BaseCommand):
    help = (
        "Chạy các công việc nền / run background jobs (imports, rollups, reports…) and the "
        "nightly schedule; SIGTERM puts the running job back in the queue."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="stop when the queue is empty")
        parser.add_argument("--max-jobs", type=int, help="stop after N jobs")
        parser.add_argument("--sleep", type=float, default=1.0, help="seconds between polls")
        parser.add_argument(
            "--no-schedule", action="store_true", help="do not submit the nightly jobs"
        )

    def handle(self, *args, once, max_jobs, sleep, no_schedule, **options) -> None:
        run = worker_loop(once=once, max_jobs=max_jobs, sleep=sleep, schedule=not no_schedule)
        self.stdout.write(f"{run.jobs} công việc / jobs ({run.worker})")
