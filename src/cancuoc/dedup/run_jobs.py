"""A duplicate run (``cancuoc dedup run``) as the background job ``dedup.run``: read the
register (or a unit's part of it), train the model unless one is reused, score the pairs,
merge the clear ones. The stages show on the job's page and the command's progress bar; a
cancel is seen as each begins.

Retry-safe because atomic: nothing is written before the merge, and the merge (with the run's
row) is one transaction, so a run stopped or killed anywhere leaves nothing and a retry runs
it again whole."""

from typing import Any

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from cancuoc.geo.selectors import unit_by_code
from cancuoc.jobs.registry import Line, job_kind
from cancuoc.jobs.services import JobContext
from cancuoc.lib.errors import DomainError

from .model import CannotTrain
from .services import dedup_run, register_model

KIND = "dedup.run"
STAGES = {
    "read": gettext_noop("Đọc sổ"),
    "train": gettext_noop("Huấn luyện mô hình"),
    "score": gettext_noop("So khớp các cặp"),
    "merge": gettext_noop("Hợp nhất, xếp hàng chờ xem xét"),
}


class RunRefused(DomainError):
    """What the records or the options do not allow (said as it is on the job's page)."""


def no_register_model() -> str:
    return _("chưa có lần dò trùng nào trên cả sổ để dùng lại mô hình")


def run_model(
    *, unit: str, reuse: bool, train: bool, saved_model: dict | None
) -> dict[str, Any] | None:
    """The model a run uses: the one given, else the register's when asked (``reuse``) or
    for a unit unless ``train`` (a commune has too few records to learn from), else None
    (train on the records). Raises RunRefused when reuse finds no model."""
    if saved_model is not None:
        return saved_model
    if reuse or (unit and not train):
        saved = register_model()
        if saved is None and reuse:
            raise RunRefused(no_register_model())
        return saved
    return None


def run_lines(result: dict) -> list[Line]:
    figures = {
        name: number_format(result[name], force_grouping=True)
        for name in ("records", "pairs_compared", "pairs_kept", "auto_merged", "to_review")
    }
    said = (
        _(
            "%(records)s bản ghi, %(pairs_compared)s cặp so sánh, %(pairs_kept)s cặp giữ lại, "
            "%(auto_merged)s tự động hợp nhất, %(to_review)s chờ xem xét"
        )
        % figures
    )
    if result.get("unit"):
        queue = reverse("dedup:review", kwargs={"code": result["unit"]})
    else:
        queue = reverse("admin:dedup_matchpair_changelist") + "?state__exact=pending"
    lines = [(_("Lần dò trùng số %(number)s") % {"number": result["run"]}, said, queue)]
    weights = _("xem xét từ %(review)s, tự động hợp nhất từ %(auto)s") % {
        "review": f"{result['review_weight']:g}",
        "auto": f"{result['auto_merge_weight']:g}",
    }
    lines.append((_("Trọng số"), weights, ""))
    model = _("huấn luyện trên các bản ghi này") if result["trained"] else _("dùng lại mô hình")
    lines.append((_("Mô hình"), model, ""))
    return lines


def run_about(params: dict) -> str:
    return params.get("unit") or _("cả sổ")


@job_kind(
    KIND,
    label=gettext_lazy("Dò trùng"),
    present=run_lines,
    describe=run_about,
    max_attempts=2,  # a Splink run that killed its worker once (memory) may do so again
)
def dedup_run_job(
    context: JobContext,
    *,
    unit: str = "",
    reuse: bool = False,
    train: bool = False,
    saved_model: dict | None = None,
    review_weight: float | None = None,
    auto_merge_weight: float | None = None,
) -> dict:
    """``unit``: a unit's code, or "" for the whole register; ``saved_model``: a model saved
    by an earlier run (``--model FILE``)."""
    area = unit_by_code(unit) if unit else None
    model = run_model(unit=unit, reuse=reuse, train=train, saved_model=saved_model)
    steps = [step for step in STAGES if step != "train" or model is None]

    def progress(step: str) -> None:
        context.progress(steps.index(step), len(steps), STAGES[step])

    try:
        run = dedup_run(
            unit=area,
            saved_model=model,
            review_weight=review_weight,
            auto_merge_weight=auto_merge_weight,
            by=context.job.created_by,
            progress=progress,
        )
    except CannotTrain as error:
        raise RunRefused(str(error)) from error
    context.progress(len(steps), len(steps))
    return {
        "run": run.pk,
        "unit": area.url_code if area else "",
        "records": run.records,
        "pairs_compared": run.pairs_compared,
        "pairs_kept": run.pairs_kept,
        "auto_merged": run.auto_merged,
        "to_review": run.to_review,
        "review_weight": run.review_weight,
        "auto_merge_weight": run.auto_merge_weight,
        "trained": run.trained,
        "seconds": run.seconds,
    }
