from django.contrib import admin

from .models import AdministrativeUnit, Institution, InstitutionMember, UnitSuccession


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "reorganisation", "is_remote"]
    list_filter = ["reorganisation", "kind", "is_remote"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]
    readonly_fields = ["path", "depth"]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ["old", "new", "is_default"]
    list_filter = ["is_default"]
    search_fields = ["old__code", "old__name", "new__code", "new__name"]
    raw_id_fields = ["old", "new"]
    list_select_related = ["old", "new"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "unit", "deadline"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["unit"]
    list_select_related = ["unit"]


@admin.register(InstitutionMember)
class InstitutionMemberAdmin(admin.ModelAdmin):
    list_display = ["institution", "person", "role", "since", "until"]
    raw_id_fields = ["institution", "person"]
    list_select_related = ["institution", "person"]
