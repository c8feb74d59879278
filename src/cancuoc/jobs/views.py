"""The job pages: the list of one's jobs, a job's page with its live progress (polled from
its JSON), and its cancel button. Another's job is a 404, never a 403: whether it exists is
not said."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cancuoc.accounts.scope import area_scoped

from .models import Job
from .presenters import job_lines, job_state
from .selectors import job_visible, jobs_visible, may_cancel
from .services import job_cancel

PAGE_SIZE = 50


def _job(request: HttpRequest, pk: int) -> Job:
    job = job_visible(request.user, pk)
    if job is None:
        raise Http404(_("Không có công việc này."))
    return job


@area_scoped
@require_safe
def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(jobs_visible(request.user), PAGE_SIZE).get_page(request.GET.get("trang"))
    rows = [(job, job_state(job)) for job in page]
    return render(request, "jobs/list.html", {"page": page, "rows": rows})


@area_scoped
@require_safe
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    context = {
        "job": job,
        "state": job_state(job),
        "lines": job_lines(job),
        "may_cancel": may_cancel(request.user, job),
    }
    return render(request, "jobs/job.html", context)


@area_scoped
@require_safe
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the page's script refreshes: state, figures as the page writes them, and
    whether the job has ended (the script then reloads the page for the result)."""
    job = _job(request, pk)
    state = job_state(job)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": str(job.get_status_display()),
            "stage": state.stage,
            "done": job.done,
            "total": job.total,
            "percent": state.percent,
            "figures": state.figures,
            "elapsed": state.elapsed,
            "left": state.left,
            "ended": not job.active,
        },
        headers={"Cache-Control": "no-store"},
    )


@area_scoped
@require_POST
def job_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if not may_cancel(request.user, job):
        raise Http404(_("Không có công việc này."))
    job = job_cancel(job, by=request.user)
    messages.info(
        request,
        _("Đã yêu cầu hủy công việc số %(number)s.")
        % {"number": number_format(job.pk, force_grouping=False)},
    )
    return redirect("jobs:job", pk=job.pk)
