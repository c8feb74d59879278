"""Where a person is counted over time, derived from their residences (see ``Home``)."""

from dataclasses import dataclass
from datetime import date

from .choices import ResidenceKind


@dataclass(frozen=True)
class Span:
    kind: str
    unit_id: int
    start: date | None  # None: since always
    end: date | None  # None: still
    former_id: int | None = None  # the place on the map before 1 July 2025 (Home.former_unit)

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or self.end > day)


def home_spans(residences: list[Span]) -> list[Span]:
    """The periods in which the person counts at one unit: at a temporary residence while one
    is in force (the latest begun if several), else at the permanent one. A period with
    neither is a gap; neighbouring periods at the same place are merged."""
    if len(residences) == 1:  # most people: one residence, one home
        return list(residences)
    bounds = sorted({b for r in residences for b in (r.start, r.end) if b is not None})
    starts: list[date | None] = [None, *bounds]
    ends: list[date | None] = [*bounds, None]
    spans: list[Span] = []
    for start, end in zip(starts, ends, strict=True):
        live = [r for r in residences if (r.start is None if start is None else r.covers(start))]
        if not live:
            continue
        temporary = [r for r in live if r.kind == ResidenceKind.TEMPORARY]
        chosen = max(temporary or live, key=lambda r: r.start or date.min)
        last = spans[-1] if spans else None
        if last and (last.kind, last.unit_id, last.former_id, last.end) == (
            chosen.kind,
            chosen.unit_id,
            chosen.former_id,
            start,
        ):
            spans[-1] = Span(chosen.kind, chosen.unit_id, last.start, end, chosen.former_id)
        else:
            spans.append(Span(chosen.kind, chosen.unit_id, start, end, chosen.former_id))
    return spans
