import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from cancuoc.forecasting.report import number
from cancuoc.geo.selectors import UnitNotFound, unit_by_code
from cancuoc.imports.models import ImportJob
from cancuoc.jobs.cli import job_command
from cancuoc.lib.redact import redact

from ...models import MatchPair, MatchRun
from ...run_jobs import KIND, RunRefused, run_model
from ...services import NoTrainedModel, job_match


class Command(BaseCommand):
    help = (
        "Dò trùng / duplicate detection: `dedup run [--unit CODE | --job N] [--reuse | --model "
        "FILE | --train] [--save-model FILE] [--auto-merge W] [--review W]` scores the "
        "register's pairs (or those of an import's records), merges the clear ones and queues "
        "the rest for review (in the admin), as a job shown on its page with a progress bar "
        "here (--background: only queue it for `cancuoc worker`); `dedup queue` lists it"
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run")
        scope = run.add_mutually_exclusive_group()
        scope.add_argument(
            "--unit",
            metavar="CODE",
            help="only this unit's subtree, with the register's model unless --train",
        )
        scope.add_argument(
            "--job",
            type=int,
            metavar="N",
            help="only the records import job N wrote, against the register, with the model "
            "of the latest run over the whole register",
        )
        saved = run.add_mutually_exclusive_group()
        saved.add_argument(
            "--reuse",
            action="store_true",
            help="the model of the latest run over the whole register, without training",
        )
        saved.add_argument("--model", type=Path, help="a model saved with --save-model")
        saved.add_argument(
            "--train",
            action="store_true",
            help="train on the records scored, even for a unit (too few to learn from in a "
            "commune)",
        )
        run.add_argument("--save-model", type=Path, help="write the model used (JSON)")
        run.add_argument("--auto-merge", type=float, help="merge at or above this weight")
        run.add_argument("--review", type=float, help="queue at or above this weight")
        run.add_argument(
            "--background",
            action="store_true",
            help="only queue the job for `cancuoc worker` and print its page (not with --job)",
        )
        queue = sub.add_parser("queue")
        queue.add_argument("--limit", type=int, default=20)

    def handle(self, *args, action: str, **options) -> None:
        console = Console(file=self.stdout, width=120)
        if action == "queue":
            self._queue(console, options["limit"])
            return
        unit = None
        if options["unit"]:
            try:
                unit = unit_by_code(options["unit"])
            except UnitNotFound as error:
                raise CommandError(str(error)) from error
        saved = None
        if options["model"]:
            try:
                saved = json.loads(options["model"].read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"{options['model']}: {error}") from error
        if options["job"] is not None:
            with console.status("Dò trùng các bản ghi mới / matching the new records…"):
                run = self._job_match(options["job"], options["review"], options["auto_merge"])
        else:
            run = self._run(console, unit, saved, options)
            if run is None:
                return
        if options["save_model"]:
            options["save_model"].write_text(json.dumps(run.model, indent=2), encoding="utf-8")
        console.print(
            f"Lần dò trùng #{run.pk}: {number(run.records)} bản ghi, {number(run.pairs_compared)}"
            f" cặp so sánh, {number(run.pairs_kept)} cặp giữ lại (trọng số ≥ "
            f"{run.review_weight:g}), {number(run.auto_merged)} tự động hợp nhất (≥ "
            f"{run.auto_merge_weight:g}), {number(run.to_review)} chờ xem xét.\n"
            f"Run #{run.pk}: {run.records:,} records, {run.pairs_compared:,} pairs compared, "
            f"{run.pairs_kept:,} kept, {run.auto_merged:,} merged, {run.to_review:,} to review "
            f"({', '.join(f'{step} {seconds:.1f} s' for step, seconds in run.seconds.items())})."
        )

    def _run(self, console: Console, unit, saved: dict | None, options: dict) -> MatchRun | None:
        """The run as a job, here with a progress bar (None: only queued, --background)."""
        code = unit.url_code if unit else ""
        try:  # refused before anything is queued: say so as the command always did
            run_model(unit=code, reuse=options["reuse"], train=options["train"], saved_model=saved)
        except RunRefused as error:
            raise CommandError(f"{error} / no earlier run over the whole register") from error
        params = {
            "unit": code,
            "reuse": options["reuse"],
            "train": options["train"],
            "saved_model": saved,
            "review_weight": options["review"],
            "auto_merge_weight": options["auto_merge"],
        }
        job = job_command(
            KIND,
            params=params,
            target=code,
            unit=unit,
            background=options["background"],
            console=console,
            busy_said="đang dò trùng / a run is under way",
        )
        if job is None:
            return None
        return MatchRun.objects.get(pk=job.result["run"])

    def _job_match(self, pk: int, review: float | None, auto_merge: float | None) -> MatchRun:
        job = ImportJob.objects.filter(pk=pk).first()
        if job is None:
            raise CommandError(f"không có lần nhập {pk} / no import job {pk}")
        try:
            return job_match(job=job, review_weight=review, auto_merge_weight=auto_merge)
        except NoTrainedModel as error:
            raise CommandError(str(error)) from error

    def _queue(self, console: Console, limit: int) -> None:
        pairs = MatchPair.objects.to_review().select_related("left", "right")
        table = Table(title=f"Cặp chờ xem xét / pairs to review: {pairs.count():,}")
        for heading in ("#", "trọng số", "bản ghi 1", "bản ghi 2", "ngày sinh"):
            table.add_column(heading)
        for pair in pairs.order_by("-match_weight")[:limit]:
            table.add_row(
                str(pair.pk),
                f"{pair.match_weight:.1f}",
                f"{pair.left.full_name} ({redact(pair.left.personal_id)})",
                f"{pair.right.full_name} ({redact(pair.right.personal_id)})",
                f"{pair.left.birth_date:%d/%m/%Y} / {pair.right.birth_date:%d/%m/%Y}",
            )
        console.print(table)
