"""The worklist of a unit (danh sách cần cấp thẻ) for the officers who work it: a page of 50
with its count and filters (village, residence basis, easy/hard cases), and the whole list as
an XLSX file. Both keep to the user's area (``persons_visible``)."""

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cancuoc.accounts.audit import audit_record
from cancuoc.accounts.purposes import PURPOSES
from cancuoc.accounts.scope import area_scoped, require_persons, scope_for
from cancuoc.geo.models import AdministrativeUnit
from cancuoc.lib.tables import write_table
from cancuoc.registry.choices import ResidenceBasis
from cancuoc.registry.models import PersonQuerySet
from cancuoc.registry.personal_id import mask
from cancuoc.registry.selectors import persons_visible
from cancuoc.reports.views import paged
from cancuoc.scheduling.worklists import (
    Difficulty,
    of_difficulty,
    worklist,
    worklist_columns,
    worklist_page,
    worklist_rows,
    worklist_table,
    worklist_title,
)
from cancuoc.web.requests import as_of, export_purpose, with_unit


@dataclass(frozen=True)
class WorklistAsked:
    """Which part of a unit's worklist a request asks for (``?ngay=&thon=&co_so=&loai=``)."""

    unit: AdministrativeUnit
    place: AdministrativeUnit  # a unit directly below ``unit`` (a village), or ``unit``
    on: date
    basis: str
    difficulty: str

    def persons(self, request: HttpRequest) -> PersonQuerySet:
        listed = of_difficulty(
            worklist(unit=self.place, on=self.on, basis=self.basis), self.difficulty
        )
        return persons_visible(scope_for(request.user), listed)

    def audit_detail(self) -> dict:
        """What the audit row of a download keeps of the filters (codes, never names)."""
        detail = {"as_of": self.on.isoformat(), "basis": self.basis}
        if self.place != self.unit:
            detail["place"] = self.place.code
        if self.difficulty:
            detail["difficulty"] = self.difficulty
        return detail


def worklist_asked(request: HttpRequest, unit: AdministrativeUnit) -> WorklistAsked:
    """The filters of the request; a value that is not one of the choices is left out."""
    basis = request.GET.get("co_so", ResidenceBasis.BOTH)
    difficulty = request.GET.get("loai", "")
    code = request.GET.get("thon", "")
    place = unit.children.filter(code=code).first() if code else None
    return WorklistAsked(
        unit=unit,
        place=place or unit,
        on=as_of(request),
        basis=basis if basis in ResidenceBasis.values else ResidenceBasis.BOTH,
        difficulty=difficulty if difficulty in Difficulty.values else "",
    )


@area_scoped
@require_safe
@with_unit
def worklist_view(request: HttpRequest, unit: AdministrativeUnit) -> HttpResponse:
    """The page a commune officer works from: how many still need a card, the first 50 by
    village and name, the filters, and the download of the whole list."""
    require_persons(request.user)
    asked = worklist_asked(request, unit)
    table = worklist_table(asked.persons(request), on=asked.on, basis=asked.basis)
    page, pager = paged(request, table)
    rows = worklist_page(list(page), start=page.start_index(), on=asked.on)
    for row in rows:
        row["personal_id"] = mask(row["personal_id"]) if row["personal_id"] else ""
    scope = scope_for(request.user)
    context = {
        "unit": unit,
        "ancestors": scope.units(unit.ancestors()),
        "asked": asked,
        "places": unit.children.order_by("name"),
        "bases": ResidenceBasis.choices,
        "difficulties": Difficulty.choices,
        "purposes": PURPOSES,
        "page": page,
        "pager": pager,
        "rows": rows,
    }
    return render(request, "reports/worklist_page.html", context)


@area_scoped
@require_safe
@with_unit
def worklist_download(request: HttpRequest, unit: AdministrativeUnit) -> FileResponse:
    """The worklist with the page's filters as an XLSX file, full ID numbers and phones, for a
    stated purpose kept in the audit row. Rows are read a batch at a time and written
    straight into the file (constant memory); the file is sent once the audit row is in."""
    purpose = export_purpose(request)
    asked = worklist_asked(request, unit)
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    count = write_table(
        Path(handle.name),
        columns=worklist_columns(),
        rows=worklist_rows(asked.persons(request), on=asked.on, basis=asked.basis),
        title=worklist_title(asked.place, asked.on),
    )
    audit_record(
        action="export", obj=unit, purpose=purpose, detail={"rows": count} | asked.audit_detail()
    )
    handle.seek(0)
    place = asked.place.code if asked.place != unit else unit.code
    return FileResponse(
        handle, as_attachment=True, filename=f"danh-sach-{place}-{asked.on:%Y%m%d}.xlsx"
    )
