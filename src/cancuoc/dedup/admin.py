from django.contrib import admin, messages
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cancuoc.accounts.audit import audit_record
from cancuoc.accounts.scope import scope_for
from cancuoc.registry.selectors import persons_visible

from .models import MatchPair, MatchRun, PairState
from .presenters import side_by_side
from .services import MergeRefused, pair_distinct, pair_merge


@admin.register(MatchPair)
class MatchPairAdmin(admin.ModelAdmin):
    """The review queue: pairs the matcher could not decide, highest weight first. A reviewer
    merges them or says they are two people; the decision is kept and audited."""

    list_display = ["pk", "left_name", "right_name", "born", "match_weight", "state"]
    list_filter = ["state"]
    ordering = ["-match_weight"]
    fields = ["comparison", "match_weight", "match_probability", "levels", "state", "note"]
    readonly_fields = ["comparison", "match_weight", "match_probability", "levels", "state"]
    actions = ["merge_selected", "distinct_selected"]
    list_select_related = ["left", "right"]
    show_full_result_count = False

    def get_queryset(self, request):
        persons = persons_visible(scope_for(request.user))
        return (
            super()
            .get_queryset(request)
            .filter(left__in=persons, right__in=persons)
            .select_related("left__household", "right__household")
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":  # two persons' records are read
            audit_record(action="read", object_type="dedup.matchpair", object_id=object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        # Only the note is edited here; decisions are the actions of the list.
        MatchPair.objects.filter(pk=obj.pk).update(note=obj.note)

    @admin.display(description=gettext_lazy("Bản ghi 1"))
    def left_name(self, pair: MatchPair) -> str:
        return pair.left.full_name

    @admin.display(description=gettext_lazy("Bản ghi 2"))
    def right_name(self, pair: MatchPair) -> str:
        return pair.right.full_name

    @admin.display(description=gettext_lazy("Ngày sinh"))
    def born(self, pair: MatchPair) -> str:
        days = (pair.left.birth_date, pair.right.birth_date)
        return " · ".join(date_format(day, "SHORT_DATE_FORMAT") for day in days)

    @admin.display(description=gettext_lazy("So sánh"))
    def comparison(self, pair: MatchPair) -> str:
        rows = format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>',
            ((row.label, row.left, row.right, row.level) for row in side_by_side(pair)),
        )
        return format_html(
            '<table class="dedup-pair"><tr><th><span class="visually-hidden">{}</span></th>'
            "<th>#{}</th><th>#{}</th><th>{}</th></tr>{}</table>",
            _("Thông tin"),
            pair.left_id,
            pair.right_id,
            _("So khớp"),
            rows,
        )

    def _decide(self, request, queryset, decide, outcome: PairState) -> None:
        for pair in queryset.filter(state=PairState.PENDING):
            try:
                decide(pair)
            except MergeRefused as error:
                self.message_user(request, str(error), level=messages.ERROR)
                continue
            self.message_user(request, f"#{pair.pk}: {outcome.label}")

    @admin.action(description=gettext_lazy("Hợp nhất: cùng một người"))
    def merge_selected(self, request, queryset) -> None:
        self._decide(
            request,
            queryset,
            lambda p: pair_merge(pair=p, by=request.user, note=p.note),
            PairState.MERGED,
        )

    @admin.action(description=gettext_lazy("Không phải một người"))
    def distinct_selected(self, request, queryset) -> None:
        self._decide(
            request,
            queryset,
            lambda p: pair_distinct(pair=p, by=request.user, note=p.note),
            PairState.DISTINCT,
        )


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "started_at",
        "unit",
        "job",
        "records",
        "pairs_kept",
        "auto_merged",
        "to_review",
        "trained",
    ]
    exclude = ["model"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in MatchRun._meta.fields if f.name != "model"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
