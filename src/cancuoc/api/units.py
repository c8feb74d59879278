"""Units: progress figures, the units below, the worklist."""

from datetime import date

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from cancuoc.accounts.audit import audit_record
from cancuoc.accounts.purposes import PURPOSES
from cancuoc.accounts.scope import scope_for
from cancuoc.geo.models import AdministrativeUnit
from cancuoc.lib import clock
from cancuoc.registry.eligibility import NoPolicy
from cancuoc.registry.personal_id import mask
from cancuoc.registry.selectors import persons_visible
from cancuoc.reports.progress import Progress, children_progress, progress
from cancuoc.scheduling.worklists import UnitNames, worklist, worklist_row, worklist_table
from cancuoc.web.requests import scoped_unit

from .auth import api_scoped, require_persons
from .schemas import CODE, PROBLEMS, Me, UnitProgress, Worklist

router = Router(tags=["đơn vị / units"])
MAX_PAGE = 500


def _on(ngay: date | None) -> date:
    if ngay:
        return ngay
    return clock.today()


def _figures(status: Progress) -> dict:
    unit, target = status.unit, status.target
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.get_kind_display(),
        "on": status.on,
        "target": target.count if target else None,
        "deadline": target.deadline if target else None,
        "eligible": status.eligible,
        "done": status.done,
        "share_of_target": status.share_of_target,
        "pace": status.pace,
        "forecast_done_on": status.forecast_done_on,
        "on_track": status.on_track,
        "totals": status.totals,
    }


@router.get("/me", response={200: Me, **PROBLEMS}, url_name="me")
@api_scoped
def me(request: HttpRequest):
    """Who is calling and which area they have."""
    scope = scope_for(request.user)
    codes = AdministrativeUnit.objects.filter(path__in=scope.paths).values_list("code", flat=True)
    return {
        "username": request.user.get_username(),
        "national": scope.national,
        "units": sorted(codes),
        "institutions": list(scope.institutions),
        "sees_persons": scope.sees_persons,
    }


@router.get("/units/{code}", response={200: UnitProgress, **PROBLEMS}, url_name="unit")
@api_scoped
def unit_progress(request: HttpRequest, code: str = CODE, ngay: date | None = None):
    """A unit's progress against its target and its eligible population, on a day."""
    return _figures(progress(scoped_unit(request, code), _on(ngay)))


@router.get(
    "/units/{code}/children", response={200: list[UnitProgress], **PROBLEMS}, url_name="children"
)
@api_scoped
def unit_children(request: HttpRequest, code: str = CODE, ngay: date | None = None):
    """The units directly below, best first."""
    return [_figures(p) for p in children_progress(scoped_unit(request, code), _on(ngay))]


@router.get("/units/{code}/worklist", response={200: Worklist, **PROBLEMS}, url_name="worklist")
@api_scoped
def unit_worklist(
    request: HttpRequest,
    code: str = CODE,
    ngay: date | None = None,
    offset: int = 0,
    limit: int = 100,
    muc_dich: str = "",
):
    """Who in the unit still needs a card, ID numbers masked; ``limit`` at most 500. Every
    page read is audited with its number of rows and its purpose (``muc_dich``, one of the
    download purposes; unsaid, the worklist's own: finding people to enrol)."""
    unit = scoped_unit(request, code)
    require_persons(request)
    if offset < 0 or not 0 < limit <= MAX_PAGE:
        raise HttpError(422, f"offset ≥ 0 và 0 < limit ≤ {MAX_PAGE} / out of range")
    if muc_dich and muc_dich not in PURPOSES:
        raise HttpError(422, "muc_dich: " + " | ".join(PURPOSES))
    on = _on(ngay)
    try:
        persons = persons_visible(scope_for(request.user), worklist(unit=unit, on=on))
    except NoPolicy as error:
        raise HttpError(404, str(error)) from error
    rows = UnitNames().fill(list(worklist_table(persons, on=on)[offset : offset + limit]))
    items = []
    for index, row in enumerate(rows, start=offset + 1):
        item = worklist_row(row, index)
        item["person"] = item.pop("pk")
        item["personal_id"] = mask(item["personal_id"]) if item["personal_id"] else ""
        items.append(item)
    count = persons.count()
    audit_record(
        action="read",
        obj=unit,
        purpose=muc_dich or PURPOSES[0],
        detail={
            "document": "worklist",
            "rows": len(items),
            "count": count,
            "offset": offset,
            "as_of": on.isoformat(),
            "purpose_given": bool(muc_dich),
        },
    )
    return {"count": count, "items": items}
