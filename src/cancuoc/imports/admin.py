from django.contrib import admin

from cancuoc.accounts.admin import ReadOnlyAdmin

from .models import ImportJob, RejectedRow, RowWarning


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    """Written by ``cancuoc import`` only."""

    list_display = [
        "file_name", "source", "status", "rows_read", "rows_accepted", "rows_rejected",
        "rows_merged", "rows_warned", "batches_done", "started_at", "finished_at",
    ]  # fmt: skip
    list_filter = ["status"]
    search_fields = ["file_name", "source", "sha256"]


@admin.register(RejectedRow)
class RejectedRowAdmin(ReadOnlyAdmin):
    list_display = ["job", "sheet", "row", "column", "reason_vi"]
    list_select_related = ["job"]
    raw_id_fields = ["job"]
    show_full_result_count = False


@admin.register(RowWarning)
class RowWarningAdmin(ReadOnlyAdmin):
    list_display = ["job", "sheet", "row", "column", "source_ref", "message_vi"]
    list_select_related = ["job"]
    raw_id_fields = ["job"]
    show_full_result_count = False
