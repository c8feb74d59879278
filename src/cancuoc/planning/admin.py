from django.contrib import admin

from .models import ClosedDay, Kit, Shift, Station, Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["unit", "count", "start", "deadline", "parent"]
    raw_id_fields = ["unit", "parent"]


class KitInline(admin.TabularInline):
    model = Kit
    extra = 0


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 0


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "unit", "capture_minutes", "staff"]
    list_filter = ["kind"]
    # A province has tens of thousands of villages: ids, not a list to pick from.
    raw_id_fields = ["unit", "institution", "service_area"]
    inlines = [KitInline, ShiftInline]


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    list_display = ["day", "name", "station"]
    raw_id_fields = ["station"]
