from django.contrib import admin

from .models import Kit, Station, Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["unit", "count", "start", "deadline"]
    raw_id_fields = ["unit"]


class KitInline(admin.TabularInline):
    model = Kit
    extra = 0


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "unit", "capture_minutes"]
    list_filter = ["kind"]
    raw_id_fields = ["unit"]
    inlines = [KitInline]
