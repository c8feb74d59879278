from django.contrib import admin

from .models import ApiToken, Assignment, AuditCheckpoint, AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Listed and read only: rows written by the system itself."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "institution"]
    list_filter = ["role"]
    raw_id_fields = ["user", "unit", "institution"]
    list_select_related = ["user", "unit", "institution"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "action", "object_type", "object_id", "purpose", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "object_id"]
    show_full_result_count = False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Keys are issued with ``cancuoc token issue`` (the key is shown once); here they are
    listed and revoked."""

    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyAdmin):
    """Written by ``cancuoc retention apply`` only."""

    list_display = ["upto_id", "upto_at", "rows", "archive", "archive_sha256", "created_at"]
