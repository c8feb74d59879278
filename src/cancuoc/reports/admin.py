from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Obstacle, ObstacleStatus
from .obstacles import obstacle_resolve


@admin.register(Obstacle)
class ObstacleAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "status", "raised_by", "raised_at", "assigned_to"]
    list_filter = ["status"]
    search_fields = ["title"]
    raw_id_fields = ["unit", "raised_by", "assigned_to"]
    list_select_related = ["unit", "raised_by", "assigned_to"]
    readonly_fields = ["raised_at", "resolved_at"]
    actions = ["resolve"]

    @admin.action(description=_("Đánh dấu đã giải quyết"))
    def resolve(self, request, queryset) -> None:
        for obstacle in queryset.filter(status=ObstacleStatus.OPEN):
            obstacle_resolve(
                obstacle=obstacle, resolution=obstacle.resolution or gettext("Đã giải quyết")
            )
