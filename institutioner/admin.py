import json
from collections.abc import Mapping
from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_celery_beat import models as beat_models
from simple_history.admin import SimpleHistoryAdmin

from institutioner import access
from institutioner.models import (
    Assignment,
    Competence,
    District,
    Group,
    Institution,
    Membership,
    Notification,
    Pedagogist,
    Role,
    User,
)


class AdministrationPermissions:
    """Master data is kept by the administration role; access.py says who that is."""

    def has_module_permission(self, request):
        return access.can_manage_master_data(request.user)

    def has_view_permission(self, request, obj=None):
        return access.can_manage_master_data(request.user)

    def has_add_permission(self, request, *args):
        return access.can_manage_master_data(request.user)

    def has_change_permission(self, request, obj=None):
        return access.can_manage_master_data(request.user)

    def has_delete_permission(self, request, obj=None):
        return access.can_manage_master_data(request.user)


class SafeJSONDecoder(json.JSONDecoder):
    """Reads a JSON field sent from Stamdata; a number too long for Python (5,000 digits) is
    refused like any other bad JSON instead of escaping as a server error."""

    def decode(self, s, *args, **kwargs):
        try:
            return super().decode(s, *args, **kwargs)
        except json.JSONDecodeError:
            raise
        except ValueError as error:
            raise json.JSONDecodeError(str(error), s, 0) from None


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's pages, answering 404 (not 500) for an id that is not a number."""

    formfield_overrides: Mapping[type[models.Field], Mapping[str, Any]] = {
        models.JSONField: {"decoder": SafeJSONDecoder},
        # 37,5 hours as the Danish write them, shown as 37,50 (not 37.50).
        models.DecimalField: {"localize": True},
    }

    def history_view(self, request, object_id, extra_context=None):
        if not str(object_id).isdigit():
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not (str(object_id).isdigit() and str(version_id).isdigit()):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's picker looks the sent value up when it shows a refused form again; a value that
    is not an id (text, "²", 5,000 digits) made that lookup a server error."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.pk
        good = []
        for one in value:
            try:
                target.to_python(one)
            except ValidationError:
                continue
            if len(str(one)) <= 18:
                good.append(one)
        return super().optgroups(name, good, attr)


class SafeAutocompleteFields:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):  # type: ignore[attr-defined]
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field,
                self.admin_site,  # type: ignore[attr-defined]
                using=kwargs.get("using"),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class MasterDataAdmin(SafeAutocompleteFields, AdministrationPermissions, HistoryAdmin):
    pass


class LabelledInlineFormSet(BaseInlineFormSet):
    """A tabular inline names its columns in the table head, which a screen reader does not tie
    to each row's fields: every field (the delete box too) gets its label as aria-label."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            label = _("Delete") if name == "DELETE" else (field.label or name)
            field.widget.attrs.setdefault("aria-label", str(label))


class GroupInline(AdministrationPermissions, admin.TabularInline):
    model = Group
    extra = 0
    formset = LabelledInlineFormSet


class MembershipInline(SafeAutocompleteFields, AdministrationPermissions, admin.TabularInline):
    model = Membership
    extra = 0
    formset = LabelledInlineFormSet
    autocomplete_fields = ["user", "institution"]


@admin.register(District)
class DistrictAdmin(MasterDataAdmin):
    search_fields = ["name"]
    list_display = ["name"]


@admin.register(Institution)
class InstitutionAdmin(MasterDataAdmin):
    list_display = ["name", "district", "kind", "owner", "opens_at", "closes_at"]
    list_filter = ["district", "kind", "owner"]
    search_fields = ["name", "street", "city"]
    list_select_related = ["district"]
    inlines = [GroupInline, MembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "district", "kind", "owner"]}),
        (_("Address"), {"fields": ["street", "postal_code", "city"]}),
        (_("Opening hours"), {"fields": ["opens_at", "closes_at"]}),
    ]


@admin.register(Group)
class GroupAdmin(MasterDataAdmin):
    list_display = ["name", "institution", "age_group"]
    list_filter = ["age_group", "institution__district"]
    search_fields = ["name", "institution__name"]
    list_select_related = ["institution"]
    autocomplete_fields = ["institution"]


class UserCreateForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["email", "name", "role"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(SafeAutocompleteFields, AdministrationPermissions, HistoryAdmin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    list_display = ["name", "email", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["name", "email"]
    ordering = ["name"]
    filter_horizontal = []
    inlines = [MembershipInline]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "name", "role", "password1", "password2"]},
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        fields = ["email", "name", "phone", "role", "password", "is_active"]
        if request.user.is_superuser:
            # Only IT (superusers) may hand out superuser rights.
            fields.append("is_superuser")
        return [
            (None, {"fields": fields}),
            (_("Dates"), {"fields": ["last_login", "date_joined"]}),
        ]

    readonly_fields = ["last_login", "date_joined"]

    def has_change_permission(self, request, obj=None):
        # Only IT (superusers) may change a superuser, their password included.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def get_search_results(self, request, queryset, search_term):
        # In a picker, offer only people of the role the field takes.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        target = request.GET.get("model_name")
        if target == "pedagogist":
            queryset = queryset.filter(role=Role.PEDAGOGIST)
        elif target == "membership":
            queryset = queryset.filter(role__in=[Role.LEADER, Role.STAFF])
        return queryset, may_have_duplicates


@admin.register(Competence)
class CompetenceAdmin(MasterDataAdmin):
    search_fields = ["name"]


class AssignmentInline(AdministrationPermissions, admin.TabularInline):
    """Read-only here: each attachment is checked against the 100 % limit on its own page."""

    model = Assignment
    extra = 0
    formset = LabelledInlineFormSet
    fields = ("institution", "function", "share", "valid_from", "valid_to")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Pedagogist)
class PedagogistAdmin(MasterDataAdmin):
    list_display = ["__str__", "title", "weekly_hours"]
    list_filter = ["title", "competences"]
    search_fields = ["user__name", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    # Tick boxes rather than Django's two-list picker, whose icons carry ARIA labels on plain
    # spans (an accessibility violation); the list of competences is short.
    formfield_overrides = {
        **HistoryAdmin.formfield_overrides,
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(MasterDataAdmin):
    list_display = ["pedagogist", "institution", "function", "share", "valid_from", "valid_to"]
    list_filter = ["function", "institution__district", "pedagogist"]
    search_fields = ["pedagogist__user__name", "institution__name"]
    list_select_related = ["pedagogist__user", "institution"]
    autocomplete_fields = ["pedagogist", "institution"]
    date_hierarchy = "valid_from"


# Groups of Django permissions are not used: roles and access.py decide.
admin.site.unregister(AuthGroup)
# The beat's schedules are changed on the health page (Drift), in Danish, with the rules'
# own names; django-celery-beat's admin has no Danish and shows raw crontab fields.
for _beat_model in (
    beat_models.PeriodicTask,
    beat_models.IntervalSchedule,
    beat_models.CrontabSchedule,
    beat_models.SolarSchedule,
    beat_models.ClockedSchedule,
):
    if admin.site.is_registered(_beat_model):
        admin.site.unregister(_beat_model)

# The administration may see and lift login lockouts (a leader who mistyped five times).
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(AdministrationPermissions, AccessAttemptAdmin):
    list_display = ["username", "failures_since_start", "attempt_time", "ip_address"]
    actions = ["lift_lockout"]

    @admin.action(description=_("Lift the lockout for the selected"))
    def lift_lockout(self, request, queryset):
        count, _deleted = queryset.delete()
        self.message_user(
            request,
            ngettext("%(count)d lockout lifted.", "%(count)d lockouts lifted.", count)
            % {"count": count},
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(AdministrationPermissions, admin.ModelAdmin):
    """The outbox, to answer 'did the e-mail go?'. Read-only: messages are written by services."""

    list_display = [
        "created_at",
        "email",
        "subject",
        "kind",
        "status",
        "attempts",
        "sent_at",
        "read_at",
    ]
    list_filter = ["status", "kind", "template", "created_at"]
    search_fields = ["email", "subject"]
    date_hierarchy = "created_at"
    list_per_page = 50

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False
