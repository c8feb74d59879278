from django.contrib import admin

from cancuoc.accounts.audit import audit_record
from cancuoc.accounts.scope import scope_for
from cancuoc.lib.text import name_keys, normalise_name

from .models import Card, Household, Person, PersonChange, Residence
from .services import person_update


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
    readonly_fields = ["unverified_id", "source", "source_ref"]
    inlines = [ResidenceInline, CardInline, PersonChangeInline]

    def get_queryset(self, request):
        return scope_for(request.user).persons(super().get_queryset(request))

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

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, normalise_name(search_term))


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        members = scope_for(request.user).persons().values("household_id")
        return super().get_queryset(request).filter(pk__in=members)

    list_display = ["code", "unit", "head", "address"]
    search_fields = ["=code"]
    raw_id_fields = ["unit", "head"]
    list_select_related = ["unit", "head"]
    show_full_result_count = False
