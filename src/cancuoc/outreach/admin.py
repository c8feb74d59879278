from django.contrib import admin, messages

from cancuoc.accounts.admin import ReadOnlyAdmin

from .models import Campaign, Message, OptOut, Template
from .services import campaign_cancel, campaign_queue


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    """Saving checks the placeholders and that the unaccented text fits one SMS."""

    list_display = ["name", "unaccented"]
    search_fields = ["name"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    """The segment is JSON, e.g. ``{"unit": "16000", "age_from": 14, "not_captured": true}``
    (see ``outreach.segments.Segment``); messages are queued by the action below or by
    ``cancuoc outreach queue``, and sent by ``cancuoc outreach send``."""

    list_display = ["name", "template", "status", "scheduled_at", "per_minute", "created_by"]
    list_filter = ["status"]
    readonly_fields = ["status", "created_by", "created_at"]
    actions = ["queue", "cancel"]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Xếp hàng tin nhắn / queue the messages")
    def queue(self, request, queryset) -> None:
        for campaign in queryset:
            try:
                result = campaign_queue(campaign=campaign)
            except (ValueError, LookupError) as error:
                self.message_user(request, f"{campaign}: {error}", messages.ERROR)
                continue
            self.message_user(
                request,
                f"{campaign}: {result.queued} tin chờ gửi / queued, {result.opted_out} từ chối "
                f"/ opted out, {result.no_valid_phone} số không hợp lệ / no valid number",
            )

    @admin.action(description="Huỷ đợt, rút các tin chưa gửi / cancel, withdraw unsent messages")
    def cancel(self, request, queryset) -> None:
        for campaign in queryset:
            withdrawn = campaign_cancel(campaign=campaign, by=request.user)
            self.message_user(request, f"{campaign}: {withdrawn} tin đã rút / withdrawn")


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    """Written by the outreach services only; the number and text stay out of the lists."""

    list_display = ["key", "kind", "state", "attempts", "last_error", "queued_at", "sent_at"]
    list_filter = ["kind", "state"]
    search_fields = ["key", "provider_id"]
    raw_id_fields = ["person", "appointment", "campaign"]
    show_full_result_count = False


@admin.register(OptOut)
class OptOutAdmin(ReadOnlyAdmin):
    """Recorded by ``cancuoc outreach optout`` (or a provider's STOP reply)."""

    list_display = ["__str__", "at", "source"]
    search_fields = ["=phone"]
