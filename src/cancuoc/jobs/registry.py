"""The kinds of job: each app declares its own in ``<app>/jobs.py`` with :func:`job_kind`,
loaded by JobsConfig.ready (so the web shows their names and the worker runs them).

A kind's function takes the job's context first and its params as keywords, and returns the
result (a dict of JSON values)::

    @job_kind("reports.rollups_rebuild", label=gettext_lazy("Tính lại số liệu tổng hợp"))
    def rollups_rebuild_job(context: JobContext) -> dict:
        ...
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

# What a presenter gives the job page: (label, value, link or "") lines, in the reader's
# language (it is called at display time, not in the worker).
Line = tuple[str, str, str]


@dataclass(frozen=True)
class JobKind:
    name: str
    function: Callable[..., dict]
    label: str | Promise
    present: Callable[[dict], list[Line]] | None = None
    max_attempts: int = 3
    describe: Callable[[dict], str] | None = None  # what a job is about, from its params


KINDS: dict[str, JobKind] = {}


class UnknownKind(LookupError):
    pass


def job_kind(
    name: str,
    *,
    label: str | Promise,
    present: Callable[[dict], list[Line]] | None = None,
    max_attempts: int = 3,
    describe: Callable[[dict], str] | None = None,
) -> Callable[[Callable[..., dict]], Callable[..., dict]]:
    """Register ``fn(context, **params) -> dict`` as the job kind ``name``; ``label`` names it
    on the pages (lazy, translated), ``present(result)`` turns its result into lines there,
    ``describe(params)`` says what a job is about (a file's name), ``max_attempts`` how
    often a job lost with its worker is run again."""

    def register(function: Callable[..., dict]) -> Callable[..., dict]:
        known = KINDS.get(name)
        if known is not None and known.function.__qualname__ != function.__qualname__:
            raise ValueError(f"job kind {name} is registered twice")
        KINDS[name] = JobKind(name, function, label, present, max_attempts, describe)
        return function

    return register


def kind_of(name: str) -> JobKind:
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKind(name) from None


def kind_label(name: str) -> Any:
    known = KINDS.get(name)
    return known.label if known else name
