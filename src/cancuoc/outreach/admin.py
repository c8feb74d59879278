from django.contrib import admin, messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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

    @admin.action(description=gettext_lazy("Xếp hàng các tin nhắn của đợt"))
    def queue(self, request, queryset) -> None:
        for campaign in queryset:
            try:
                result = campaign_queue(campaign=campaign)
            except (ValueError, LookupError) as error:
                self.message_user(request, f"{campaign}: {error}", messages.ERROR)
                continue
            self.message_user(
                request,
                _(
                    "%(campaign)s: %(queued)s tin chờ gửi, %(opted_out)s số từ chối nhận tin, "
                    "%(invalid)s số không hợp lệ."
                )
                % {
                    "campaign": campaign,
                    "queued": intcomma(result.queued),
                    "opted_out": intcomma(result.opted_out),
                    "invalid": intcomma(result.no_valid_phone),
                },
            )

    @admin.action(description=gettext_lazy("Huỷ đợt, rút các tin chưa gửi"))
    def cancel(self, request, queryset) -> None:
        for campaign in queryset:
            withdrawn = campaign_cancel(campaign=campaign, by=request.user)
            self.message_user(
                request,
                _("%(campaign)s: đã rút %(withdrawn)s tin chưa gửi.")
                % {"campaign": campaign, "withdrawn": intcomma(withdrawn)},
            )


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
