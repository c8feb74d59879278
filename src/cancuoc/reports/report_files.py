"""The files a weekly report job made, downloaded by those whose area holds the report's unit.
A unit outside the area, a job of another unit or kind, or a file it did not make: all 404,
never 403, so whether such a report exists is not said."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cancuoc.accounts.scope import area_scoped, scope_for
from cancuoc.geo.selectors import UnitNotFound, unit_by_code
from cancuoc.jobs.models import Job

from .weekly_jobs import KIND, report_file


@area_scoped
@require_safe
def weekly_file(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """``?dinh_dang=`` docx (the default), xlsx or pdf."""
    try:
        unit = unit_by_code(code)
    except UnitNotFound:
        unit = None
    if unit is None or not scope_for(request.user).contains_unit(unit):
        raise Http404(_("Không có tệp này."))
    job = Job.objects.filter(pk=pk, kind=KIND, unit=unit).first()
    path = report_file(job, request.GET.get("dinh_dang", "docx")) if job is not None else None
    if path is None:
        raise Http404(_("Không có tệp này."))
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
