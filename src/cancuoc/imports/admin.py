"""Import jobs in the admin: the list (read only, written by imports), a page to upload a
commune's file, the rejected rows of a job as XLSX, and the blank template.

An upload is kept and handed to a background job (imports/jobs.py: the rows in batches that
each commit, then the matching of the new records unless unticked); the page answers at once
with the job's page, which shows its progress and result. ``cancuoc import`` runs the same
job with a progress bar."""

import shutil
import tempfile
from pathlib import Path
from uuid import uuid4

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cancuoc.accounts.admin import ReadOnlyAdmin
from cancuoc.geo.models import AdministrativeUnit
from cancuoc.geo.selectors import UnitNotFound, picker_communes, unit_by_code
from cancuoc.jobs.models import Job
from cancuoc.jobs.services import JobBusy, job_submit

from .exports import rejected_rows_write, template_write
from .jobs import KIND, import_target
from .models import ImportJob, RejectedRow, RowWarning
from .readers import CSV_SUFFIXES, XLSX_SUFFIXES
from .services import default_source

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp danh sách nhân khẩu"),
        help_text=gettext_lazy(".xlsx hoặc .csv, theo tệp mẫu hoặc với tiêu đề của xã"),
    )
    source = forms.CharField(
        label=gettext_lazy("Nguồn"),
        max_length=64,
        required=False,
        help_text=gettext_lazy(
            "để trống: tên tệp. Nhập lại với cùng nguồn không tạo bản ghi trùng"
        ),
    )
    unit = forms.CharField(
        label=gettext_lazy("Đơn vị của tệp"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"list": "import-units", "size": 60}),
        help_text=gettext_lazy(
            "khi các dòng không có mã đơn vị: chọn xã/phường, hoặc gõ tên trên bản đồ trước "
            "hay sau 01/7/2025 (“xã Quảng Hải, huyện Quảng Xương”); để trống: theo dòng tên "
            "danh sách và cột địa chỉ"
        ),
    )
    dry_run = forms.BooleanField(label=gettext_lazy("Chỉ kiểm tra, không ghi"), required=False)
    dedup = forms.BooleanField(
        label=gettext_lazy("Dò trùng sau khi nhập"),
        required=False,
        initial=True,
        help_text=gettext_lazy(
            "so các bản ghi mới với sổ: cặp rõ ràng được hợp nhất, còn lại chờ xem xét"
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in CSV_SUFFIXES | XLSX_SUFFIXES:
            raise forms.ValidationError(
                _("không đọc được tệp %(name)s: hãy lưu thành .xlsx hoặc .csv")
                % {"name": upload.name}
            )
        limit = settings.CANCUOC_IMPORT_UPLOAD_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("tệp %(name)s lớn hơn %(limit)s MB: hãy dùng lệnh `cancuoc import`")
                % {"name": upload.name, "limit": limit}
            )
        return upload


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    """Written by imports only; uploads through :meth:`upload_view`."""

    list_display = [
        "file_name",
        "source",
        "status",
        "rows_read",
        "rows_accepted",
        "rows_rejected",
        "rows_merged",
        "rows_warned",
        "batches_done",
        "started_at",
        "finished_at",
        "rejected_rows",
    ]
    list_filter = ["status"]
    search_fields = ["file_name", "source", "sha256"]
    exclude = ["notes"]
    readonly_fields = ["notes_shown", "rejected_rows"]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="imports_importjob_upload"),
            path("template.xlsx", wrap(self.template_view), name="imports_importjob_template"),
            path(
                "<int:object_id>/rejected.xlsx",
                wrap(self.rejected_view),
                name="imports_importjob_rejected",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("Dòng bị loại, cảnh báo"))
    def rejected_rows(self, job: ImportJob) -> str:
        if not job.pk or not (job.rows_rejected or job.rows_warned):
            return "—"
        url = reverse("admin:imports_importjob_rejected", args=[job.pk])
        return format_html(
            '<a href="{}">{}</a>',
            url,
            _("%(rejected)s dòng bị loại, %(warned)s cảnh báo (XLSX)")
            % {
                "rejected": number_format(job.rows_rejected, force_grouping=True),
                "warned": number_format(job.rows_warned, force_grouping=True),
            },
        )

    @admin.display(description=gettext_lazy("Ghi chú"))
    def notes_shown(self, job: ImportJob) -> str:
        return format_html_join("", "<p>{}</p>", ((note,) for note in job.notes_said)) or "—"

    def changelist_view(self, request, extra_context=None):
        extra_context = (extra_context or {}) | {"may_import": _may_import(request)}
        return super().changelist_view(request, extra_context)

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not _may_import(request):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            name = form.cleaned_data["file"].name
            try:
                job = _import_upload(form.cleaned_data, by=request.user)
            except JobBusy as busy:
                form.add_error(
                    "file",
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("%(name)s: tệp này đang được nhập") % {"name": name},
                        reverse("jobs:job", args=[busy.job.pk]),
                        _("xem công việc số %(number)s") % {"number": busy.job.pk},
                    ),
                )
            else:
                return redirect("jobs:job", pk=job.pk)
        context = self.admin_site.each_context(request) | {
            "title": _("Nhập danh sách nhân khẩu"),
            "opts": self.model._meta,
            "form": form,
            "units": picker_communes(),
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/imports/importjob/upload.html", context)

    def template_view(self, request: HttpRequest) -> FileResponse:
        folder = Path(tempfile.mkdtemp(prefix="cancuoc-template-"))
        written = template_write(folder / "mau-nhan-khau.xlsx")
        return _file_response(written, folder, "mau-nhan-khau.xlsx")

    def rejected_view(self, request: HttpRequest, object_id: int) -> FileResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ImportJob, pk=object_id)
        folder = Path(tempfile.mkdtemp(prefix="cancuoc-rejected-"))
        written = folder / f"dong-bi-loai-{job.pk}.xlsx"
        rejected_rows_write(job=job, path=written)
        return _file_response(written, folder, written.name)


def _may_import(request: HttpRequest) -> bool:
    """Importing writes persons anywhere in the province: the model's "add" permission."""
    return request.user.has_perm("imports.add_importjob")


def _import_upload(data: dict, *, by) -> Job:
    """The upload kept under its own name (the job records it, and the source defaults to
    it) in a folder of its own, and an ``imports.persons`` job to import it (the job removes
    the folder when it ends); raises JobBusy when the same file and source are being
    imported."""
    upload = data["file"]
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=_uploads_dir()))
    target = folder / Path(upload.name).name
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    source = data["source"] or default_source(target)
    params = {
        "path": str(target),
        "source": source,
        "unit": data["unit"],
        "dry_run": data["dry_run"],
        "dedup": data["dedup"] and not data["dry_run"],
        "upload": True,
    }
    key = import_target(target, source)
    try:
        return job_submit(
            KIND,
            params=params,
            target=f"dry-run:{uuid4().hex}" if data["dry_run"] else key,
            unit=_unit_of(data["unit"]),
            by=by,
        )
    except JobBusy:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _unit_of(text: str) -> AdministrativeUnit | None:
    """The unit the form names by its code, for who may see the job (else its creator)."""
    try:
        return unit_by_code(text.strip()) if text.strip() else None
    except UnitNotFound:
        return None


def _uploads_dir() -> Path:
    folder = settings.CANCUOC_IMPORT_DIR / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _file_response(written: Path, folder: Path, name: str) -> FileResponse:
    handle = written.open("rb")
    shutil.rmtree(folder, ignore_errors=True)  # the open handle keeps the data until sent
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)


@admin.register(RejectedRow)
class RejectedRowAdmin(ReadOnlyAdmin):
    list_display = ["job", "sheet", "row", "column", "reason_shown"]
    list_select_related = ["job"]
    raw_id_fields = ["job"]
    show_full_result_count = False

    @admin.display(description=gettext_lazy("lý do"))
    def reason_shown(self, rejected: RejectedRow) -> str:
        return rejected.reason


@admin.register(RowWarning)
class RowWarningAdmin(ReadOnlyAdmin):
    list_display = ["job", "sheet", "row", "column", "source_ref", "message_shown"]
    list_select_related = ["job"]
    raw_id_fields = ["job"]
    show_full_result_count = False

    @admin.display(description=gettext_lazy("cảnh báo"))
    def message_shown(self, warning: RowWarning) -> str:
        return warning.message
