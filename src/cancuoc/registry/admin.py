from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from cancuoc.accounts.audit import audit_record
from cancuoc.accounts.scope import scope_for
from cancuoc.lib.text import name_keys, normalise_name
from cancuoc.registry.selectors import persons_visible

from .corrections import (
    CorrectionRefused,
    correction_apply,
    correction_check,
    correction_file,
    correction_reject,
)
from .models import Card, CorrectionRequest, Household, Person, PersonChange, Residence
from .services import person_update
from .signals import persons_changed


class ResidenceInline(admin.TabularInline):
    model = Residence
    extra = 0
    raw_id_fields = ["unit"]


class CardInline(admin.TabularInline):
    model = Card
    extra = 0


class PersonChangeInline(admin.TabularInline):
    model = PersonChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "field", "old_value", "new_value", "changed_by", "source", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "birth_date", "sex", "presence", "household"]
    list_filter = ["presence", "sex"]
    search_fields = ["=personal_id", "name_key"]
    raw_id_fields = ["household"]
    list_select_related = ["household"]
    show_full_result_count = False  # a count of millions on every page is not worth it
    readonly_fields = ["unverified_id", "source", "source_ref", "merged_into"]
    inlines = [ResidenceInline, CardInline, PersonChangeInline]

    def get_queryset(self, request):
        return persons_visible(scope_for(request.user), super().get_queryset(request))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Opening a person's full record is a read that must be accountable."""
        if request.method == "GET":
            audit_record(action="read", object_type="registry.person", object_id=object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        """Edits go through the register's service so that each one is in the history."""
        if not change:
            obj.name_key, obj.sort_key = name_keys(obj.full_name)
            super().save_model(request, obj, form, change)
            return
        original = Person.objects.get(pk=obj.pk)
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        for name in changes:
            setattr(obj, name, getattr(original, name))
        person_update(person=obj, changes=changes, by=request.user, source="admin")

    def save_related(self, request, form, formsets, change) -> None:
        """After the inlines (cards, residences) are saved: the person's figures counted
        again from what the record now holds (person_update counted them before)."""
        super().save_related(request, form, formsets, change)
        persons_changed.send(sender=Person, person_ids=[form.instance.pk])

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, normalise_name(search_term))


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        members = persons_visible(scope_for(request.user)).values("household_id")
        return super().get_queryset(request).filter(pk__in=members)

    list_display = ["code", "unit", "head", "address"]
    search_fields = ["=code"]
    raw_id_fields = ["unit", "head"]
    list_select_related = ["unit", "head"]
    show_full_result_count = False


class CorrectionForm(forms.ModelForm):
    class Meta:
        model = CorrectionRequest
        fields = ["person", "changes", "reason", "evidence", "review_note"]

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and data.get("person") is not None:
            try:
                correction_check(
                    person=data["person"],
                    changes=data.get("changes") or {},
                    reason=data.get("reason") or "",
                    evidence=data.get("evidence") or "",
                )
            except CorrectionRefused as error:
                raise forms.ValidationError(str(error)) from error
        return data


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(admin.ModelAdmin):
    """Phiếu DC02: filed here (the service checks it), then approved and applied, or rejected
    with the reviewer's note, by the actions of the list. Nothing is deleted."""

    list_display = ["pk", "person", "state", "filed_at", "filed_by", "reviewed_by"]
    list_filter = ["state"]
    raw_id_fields = ["person"]
    fields = ["person", "changes", "reason", "evidence", "state", "review_note"]
    actions = ["apply_selected", "reject_selected"]
    form = CorrectionForm

    def get_queryset(self, request):
        persons = persons_visible(scope_for(request.user))
        return super().get_queryset(request).filter(person__in=persons)

    def get_readonly_fields(self, request, obj=None):
        return ["state"] if obj is None else ["person", "changes", "reason", "evidence", "state"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:  # only the reviewer's note changes here; decisions are the actions
            CorrectionRequest.objects.filter(pk=obj.pk).update(review_note=obj.review_note)
            return
        saved = correction_file(  # checked by the form already
            person=obj.person,
            changes=obj.changes,
            reason=obj.reason,
            evidence=obj.evidence,
            by=request.user,
        )
        obj.pk = saved.pk

    def _decide(self, request, queryset, decide) -> None:
        for correction in queryset:
            try:
                decide(correction)
                self.message_user(
                    request, f"DC02 #{correction.pk}: {correction.get_state_display()}"
                )
            except (CorrectionRefused, ValueError) as error:
                self.message_user(request, f"DC02 #{correction.pk}: {error}", level=messages.ERROR)

    @admin.action(description=_("Duyệt và sửa"))
    def apply_selected(self, request, queryset) -> None:
        self._decide(request, queryset, lambda c: correction_apply(request=c, by=request.user))

    @admin.action(description=_("Từ chối (ghi ý kiến trước)"))
    def reject_selected(self, request, queryset) -> None:
        self._decide(
            request,
            queryset,
            lambda c: correction_reject(request=c, note=c.review_note, by=request.user),
        )
