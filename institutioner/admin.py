import json
from collections.abc import Mapping
from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import NestedObjects, flatten_fieldsets, quote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models, router
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Lower
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, re_path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_celery_beat import models as beat_models
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from institutioner import access, masterdata_checks, services
from institutioner.history import readable
from institutioner.models import (
    Assignment,
    Competence,
    District,
    ExternalIdentity,
    Group,
    IdentityGroup,
    Institution,
    Membership,
    Notification,
    Pedagogist,
    Role,
    User,
)
from institutioner.validators import (
    CPR_PLAIN_MESSAGE,
    normalise_name,
    validate_no_cpr_plain,
    validate_phone,
)


class UnknownIsNotFound:
    """An id that is unknown, or outside what the admin shows (`get_queryset`: a draft, a
    superuser), answers 404 with the Danish page, as everywhere else in the app; Django's admin
    would redirect to the start page with a message saying whether such an id exists."""

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404


class AdministrationPermissions(UnknownIsNotFound):
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


def _plain_cpr(error: ValidationError) -> ValidationError:
    """The same errors, a CPR number's with the plain message."""
    if hasattr(error, "error_dict"):
        return ValidationError(
            {name: [_plain_cpr(e) for e in errors] for name, errors in error.error_dict.items()}
        )
    if hasattr(error, "error_list") and len(error.error_list) > 1:
        return ValidationError([_plain_cpr(e) for e in error.error_list])
    if getattr(error, "code", None) == "cpr":
        return ValidationError(CPR_PLAIN_MESSAGE, code="cpr")
    return error


class PlainCprMessages:
    """Stamdata's texts are names, addresses, phone numbers and reasons: a CPR number in one is
    refused with the plain message, not the models' one about a children's group."""

    def _update_errors(self, errors):
        super()._update_errors(_plain_cpr(errors))  # type: ignore[misc]


def _fields_unique_whatever_the_case(model) -> set[str]:
    """The fields a `UniqueConstraint(Lower(field))` of the model keeps unique: the constraint
    catches the exact duplicate too, with the app's own message."""
    names = set()
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint) or constraint.condition:
            continue
        if len(constraint.expressions) == 1 and isinstance(constraint.expressions[0], Lower):
            (inner,) = constraint.expressions[0].get_source_expressions()
            if isinstance(inner, F):
                names.add(str(inner.name))  # type: ignore[attr-defined]
    return names


class OneDuplicateMessage:
    """A duplicate name or e-mail is refused once, with the app's message ("Der findes allerede
    en institution med dette navn."): the field's own `unique` check, which would add Django's
    "Institution med dette Navn eksisterer allerede." beside it, is left to the constraint."""

    def validate_unique(self):
        model = self._meta.model  # type: ignore[attr-defined]
        exclude = self._get_validation_exclusions() | _fields_unique_whatever_the_case(model)  # type: ignore[attr-defined]
        try:
            self.instance.validate_unique(exclude=exclude)  # type: ignore[attr-defined]
        except ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]


class StamdataFormMixin(OneDuplicateMessage, PlainCprMessages):
    pass


class PlainCprModelForm(StamdataFormMixin, forms.ModelForm):
    pass


class NameField(forms.CharField):
    """A name as it is stored (`normalise_name`): one made only of invisible characters is
    missing, and two spaces or a no-break space are one space, so the duplicate check sees the
    same name."""

    def to_python(self, value):
        value = super().to_python(value)
        if isinstance(value, str):
            value = normalise_name(value) or self.empty_value
        return value


class NormalisedNames:
    """The Stamdata forms' name fields (`normalised_names`) are `NameField`s."""

    normalised_names: tuple[str, ...] = ("name",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.CharField) and db_field.name in self.normalised_names:
            kwargs.setdefault("form_class", NameField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]


class HistoryChanges(HistoricalRecordContextHelper):
    """The changes column of a history page, each value as the rest of the app shows it: a day
    as "4. december 2026", a time as "09:00", a number with a decimal comma, "Ja"/"Nej", a
    choice by its Danish name, a related record by its name (by its number when it has been
    deleted since), and a value that was empty before or after the change as a dash, not "None".
    The related records come with the history rows (the library's select_related): no query."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.ManyToManyField):  # a list of the records
            return ", ".join(str(self._shown(field, one)) for one in value) or "\N{EN DASH}"
        return self._shown(field, value)

    @staticmethod
    def _shown(field, value) -> Any:
        if value is None or value == "":
            return "\N{EN DASH}"
        if isinstance(value, DeletedObject):
            return _("%(kind)s no. %(id)s (deleted)") % {
                "kind": capfirst(value.model._meta.verbose_name),
                "id": value.pk,
            }
        if isinstance(value, models.Model):
            return str(value)
        if isinstance(field, models.BooleanField):
            return gettext("Yes") if value else gettext("No")
        return readable(field, value)


class HistoryAdmin(UnknownIsNotFound, SimpleHistoryAdmin):
    """django-simple-history's pages, answering 404 (not 500) for an id that is not a number,
    and 404 for one the admin does not show (unknown, deleted or out of scope: the history of a
    draft is the leader's own)."""

    # The library's pages: the list with a dash where a row has no reason (not "None"), the
    # breadcrumbs in the record's Danish names, and a deleted record's (MasterDataAdmin) read only.
    object_history_template = "admin/institutioner/object_history.html"
    object_history_list_template = "admin/institutioner/object_history_list.html"
    object_history_form_template = "admin/institutioner/object_history_form.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryChanges(self.model, historical_record)

    formfield_overrides: Mapping[type[models.Field], Mapping[str, Any]] = {
        models.JSONField: {"decoder": SafeJSONDecoder},
        # 37,5 hours as the Danish write them, shown as 37,50 (not 37.50).
        models.DecimalField: {"localize": True},
    }

    # The change form carries the object's latest history row as it was when the form was
    # opened; a save from a form opened before someone else's (another tab, a colleague) is
    # refused with what was typed kept, instead of silently undoing the other change.
    change_form_template = "admin/institutioner/change_form_stamped.html"
    STAMP = "_stamp"

    def _stamp(self, obj) -> str:
        latest = obj.history.order_by("-history_date", "-history_id")
        return str(latest.values_list("history_id", flat=True).first() or "")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        sent = request.POST.get(self.STAMP) if request.method == "POST" else None
        if obj is None or sent is None:
            return type(form.__name__, (StamdataFormMixin, form), {})
        stamp = self._stamp

        class StampedForm(StamdataFormMixin, form):  # type: ignore[valid-type,misc]
            def clean(self):
                cleaned = super().clean()
                # Locked until the admin's save ends (its view runs in one transaction).
                type(obj)._default_manager.select_for_update().filter(pk=obj.pk).exists()
                if sent != stamp(obj):
                    raise ValidationError(
                        _(
                            "Someone has changed this record since you opened it (perhaps you, "
                            "in another tab). Your changes are not saved; they are still in the "
                            "form. Open the record again to see the other change, or save "
                            "again to replace it with yours."
                        ),
                        code="stale",
                    )
                return cleaned

        return StampedForm

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context["stamp_name"], context["stamp"] = self.STAMP, self._stamp(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # A save that changes nothing writes no history row: the row would make every other open
    # form of the record stale for nothing (a second tab's save refused after a plain "Gem").
    UNCHANGED = "_saved_unchanged"

    def _unchanged(self, obj) -> bool:
        """Whether saving `obj` leaves its row in the database as it is."""
        names = [field.attname for field in obj._meta.concrete_fields]
        stored = type(obj)._base_manager.filter(pk=obj.pk).values(*names).first()
        return stored is not None and all(stored[name] == getattr(obj, name) for name in names)

    def save_model(self, request, obj, form, change):
        if not (change and self._unchanged(obj)):
            super().save_model(request, obj, form, change)
            return
        obj.skip_history_when_saving = True
        try:
            super().save_model(request, obj, form, change)
        finally:
            del obj.skip_history_when_saving
        setattr(obj, self.UNCHANGED, True)

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        if not getattr(obj, self.UNCHANGED, False):
            super().save_related(request, form, formsets, change)
            return
        delattr(obj, self.UNCHANGED)
        before = self._stamp(obj)
        super().save_related(request, form, formsets, change)
        # Only its many-to-many fields or its inlines changed (a group renamed): a change all
        # the same, which the other open forms, carrying them too, must not undo. A tracked
        # many-to-many field has written the record's row itself; otherwise it is written now.
        related = form.has_changed() or any(formset.has_changed() for formset in formsets)
        if related and self._stamp(obj) == before:
            obj.save()

    def _shown(self, request, object_id) -> None:
        if not (
            str(object_id).isdigit() and self.get_queryset(request).filter(pk=object_id).exists()
        ):
            raise Http404

    def get_urls(self):
        # The library's page of one past version takes its ids by position; named, as on the
        # object's other pages, its access-log row records the object (and a user's, the person).
        name = f"{self.model._meta.app_label}_{self.model._meta.model_name}_simple_history"
        return [
            re_path(
                r"^(?P<object_id>[^/]+)/history/(?P<version_id>[^/]+)/$", url.callback, name=name
            )
            if getattr(url, "name", None) == name
            else url
            for url in super().get_urls()
        ]

    def history_view(self, request, object_id, extra_context=None):
        self._shown(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._shown(request, object_id)
        if not str(version_id).isdigit():
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


# At most this many records of one kind are listed when something cannot be deleted; the rest
# are counted ("… og 190 mere: 200 institutioner i alt").
IN_USE_SHOWN = 10


def deleted_objects(objs, request, admin_site):
    """Django's `get_deleted_objects` as the administration reads it in Stamdata:

    - records that Stamdata may not delete (requests, allocations, week sheets: the app's own
      pages keep them) make the object *in use*, counted by kind beside what else protects it,
      not a right "your account" lacks (Django's words);
    - what protects it is listed at most `IN_USE_SHOWN` of a kind, the rest counted;
    - a link of a many-to-many field (a pedagogist's competence) is named by its two ends, not
      as "Pedagogist_competences object (3)".

    Returns Django's four: to_delete, model_count, perms_needed (always empty), in_use. With
    anything in use the delete view refuses a POST, as for Django's protected objects."""
    try:
        first = objs[0]
    except IndexError:
        return [], {}, set(), []
    collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
    collector.collect(objs)

    def describe(obj):
        opts = obj._meta
        if opts.auto_created:
            ends = [getattr(obj, f.name) for f in opts.fields if f.is_relation]
            link = gettext("Link")
            return f"{link}: {' – '.join(str(end) for end in ends)}"
        kind = capfirst(opts.verbose_name)
        if not admin_site.is_registered(obj.__class__):
            return f"{kind}: {obj}"
        try:
            url = reverse(
                f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)]
            )
        except NoReverseMatch:
            return f"{kind}: {obj}"
        return format_html('{}: <a href="{}">{}</a>', kind, url, obj)

    to_delete = collector.nested(describe)
    model_objs: dict[Any, set] = collector.model_objs  # type: ignore[assignment]
    model_count = {
        (gettext("links") if model._meta.auto_created else model._meta.verbose_name_plural): len(
            found
        )
        for model, found in model_objs.items()
    }

    def deletable(model, found) -> bool:
        """Records that Stamdata can open and delete: listed by name. The rest (requests,
        allocations, week sheets, support applications, absences: the cases the app's own pages
        keep) are counted by kind, not named: they cannot be changed here, and a leader's draft
        or a child's application is not Stamdata's to name."""
        if not admin_site.is_registered(model):
            return False
        model_admin = admin_site.get_model_admin(model)
        return all(model_admin.has_delete_permission(request, obj) for obj in found)

    in_use = []
    protected: dict = {}
    for obj in collector.protected:
        protected.setdefault(obj.__class__, set()).add(obj)
    # What protects the record and cannot be deleted here, and what would go with it but
    # Stamdata may not delete (registered kinds only: an unregistered one, such as a many-to-many
    # link or a history row, goes with its record).
    counted = [(model, found) for model, found in protected.items() if not deletable(model, found)]
    counted += [
        (model, found)
        for model, found in model_objs.items()
        if model not in protected
        and admin_site.is_registered(model)
        and not deletable(model, found)
    ]
    for model, found in protected.items():
        if any(model is counted_model for counted_model, _found in counted):
            continue
        listed = sorted(found, key=lambda obj: obj.pk)
        in_use += [describe(obj) for obj in listed[:IN_USE_SHOWN]]
        if len(listed) > IN_USE_SHOWN:
            in_use.append(
                gettext("… and %(count)s more: %(total)s %(kinds)s in all")
                % {
                    "count": len(listed) - IN_USE_SHOWN,
                    "total": len(listed),
                    "kinds": model._meta.verbose_name_plural,
                }
            )
    for model, found in counted:
        in_use.append(f"{capfirst(model._meta.verbose_name_plural)}: {len(found)}")
    return to_delete, model_count, set(), in_use


class MasterDataAdmin(
    NormalisedNames, SafeAutocompleteFields, AdministrationPermissions, HistoryAdmin
):
    """Master data: besides the list, the kind's deleted records (`slettede/`), each linked to
    its history, which stays readable after the deletion (who made, changed and deleted it)."""

    change_list_template = "admin/institutioner/change_list_with_deleted.html"
    delete_confirmation_template = "admin/institutioner/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/institutioner/delete_selected_confirmation.html"
    deleted_per_page = 50

    def get_deleted_objects(self, objs, request):
        return deleted_objects(objs, request, self.admin_site)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # What the change means elsewhere (institutioner/masterdata_checks.py): said after the
        # save, beside Django's "changed successfully", never instead of saving.
        changed = form.changed_data if change else list(form.fields)
        for warning in masterdata_checks.warnings_for(form.instance, form.initial, changed):
            messages.warning(request, warning)

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_deleted"
        view = self.admin_site.admin_view(self.deleted_view)
        return [path("slettede/", view, name=name), *super().get_urls()]

    def _deletions(self):
        """The latest record of each object that no longer exists, when it is its deletion."""
        history = self.model.history  # type: ignore[attr-defined]
        latest = history.filter(id=OuterRef("id")).order_by("-history_date", "-history_id")
        return (
            history.filter(history_type="-")
            .exclude(id__in=self.model._default_manager.values("id"))
            .filter(history_id=Subquery(latest.values("history_id")[:1]))
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
        )

    def deleted_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        page = Paginator(self._deletions(), self.deleted_per_page).get_page(request.GET.get("p"))
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": _("Deleted: %(kind)s") % {"kind": opts.verbose_name_plural},
            "page": page,
            "history_url": f"admin:{opts.app_label}_{opts.model_name}_history",
        }
        return TemplateResponse(request, "admin/institutioner/deleted.html", context)

    def _deleted(self, object_id) -> bool:
        return str(object_id).isdigit() and self._deletions().filter(id=object_id).exists()

    def _shown(self, request, object_id) -> None:
        if not self._deleted(object_id):
            super()._shown(request, object_id)

    def _deleted_context(self, extra_context) -> dict:
        opts = self.model._meta
        return {
            **(extra_context or {}),
            "deleted_record": True,
            "deleted_url": f"admin:{opts.app_label}_{opts.model_name}_deleted",
        }

    def history_view(self, request, object_id, extra_context=None):
        if self._deleted(object_id):
            extra_context = self._deleted_context(extra_context)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self._deleted(object_id):
            return super().history_form_view(request, object_id, version_id, extra_context)
        if request.method == "POST":
            # Read, not restored: a deleted record's ties (groups, assignments) are gone.
            messages.error(
                request, _("A deleted record cannot be restored from its history; create it anew.")
            )
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_history", object_id)
        extra_context = self._deleted_context(extra_context)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def render_history_view(self, request, template, context, **kwargs):
        if context.get("deleted_record") and "adminform" in context:
            # Shown as text, as to someone who may only view: no field looks editable.
            shown = context["adminform"]
            fieldsets = list(shown.fieldsets)
            context["adminform"] = helpers.AdminForm(
                shown.form,
                fieldsets,
                {},
                readonly_fields=flatten_fieldsets(fieldsets),
                model_admin=self,
            )
        return super().render_history_view(request, template, context, **kwargs)

    def revert_disabled(self, request, obj=None):
        if obj is not None and not self.model._default_manager.filter(pk=obj.pk).exists():
            return True
        return super().revert_disabled(request, obj)


class LabelledInlineFormSet(BaseInlineFormSet):
    """A tabular inline names its columns in the table head, which a screen reader does not tie
    to each row's fields: every field (the delete box too) gets its label as aria-label."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            label = _("Delete") if name == "DELETE" else (field.label or name)
            field.widget.attrs.setdefault("aria-label", str(label))


class GroupInline(NormalisedNames, AdministrationPermissions, admin.TabularInline):
    model = Group
    form = PlainCprModelForm
    extra = 0
    formset = LabelledInlineFormSet


class MembershipInline(SafeAutocompleteFields, AdministrationPermissions, admin.TabularInline):
    model = Membership
    form = PlainCprModelForm
    extra = 0
    formset = LabelledInlineFormSet
    autocomplete_fields = ["user", "institution"]


# django-otp's own admin is for superusers only; this one is the administration's.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(AdministrationPermissions, admin.ModelAdmin):
    """The administration's authenticator apps (TOTP). Deleting one makes the person set up a
    new one at their next password login, e.g. after a lost phone."""

    # django-otp's fields have English names (and help texts) of their own: shown through
    # these, the list and the page say them in Danish.
    list_display = ["person", "device_name", "ready", "last_used"]
    search_fields = ["user__name", "user__email"]
    list_select_related = ["user"]
    fields = ("person", "device_name", "ready", "last_used")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("person"), ordering="user__name")
    def person(self, device: TOTPDevice):
        return device.user

    @admin.display(description=_("name"), ordering="name")
    def device_name(self, device: TOTPDevice) -> str:
        return device.name

    @admin.display(description=_("set up"), boolean=True, ordering="confirmed")
    def ready(self, device: TOTPDevice) -> bool:
        return device.confirmed

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, device: TOTPDevice):
        return device.last_used_at


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(AdministrationPermissions, admin.ModelAdmin):
    """Read-only: made at the first login through the identity provider. Deleting one lets the
    person's next login there link to an account by e-mail again."""

    list_display = ["user", "provider", "subject", "last_login_at"]
    list_filter = ["provider"]
    search_fields = ["user__name", "user__email", "subject"]
    list_select_related = ["user"]
    fields = ("user", "provider", "subject", "created_at", "last_login_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(IdentityGroup)
class IdentityGroupAdmin(MasterDataAdmin):
    """Which group at the identity provider gives which role, and for leaders and staff which
    institutions; applied at every login through the provider."""

    list_display = ["name", "role"]
    list_filter = ["role"]
    search_fields = ["name"]
    # Matched exactly against what the identity provider sends: kept as typed.
    normalised_names = ()
    # Tick boxes, as for competences (the two-list picker is not accessible).
    formfield_overrides = {
        **HistoryAdmin.formfield_overrides,
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }


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


class ActiveChangeReasonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Reason"))
        super().__init__(
            max_length=services.REASON_MAX_LENGTH,
            validators=[validate_no_cpr_plain],
            help_text=_("Why the person is deactivated or reactivated, e.g. left on 31 March."),
            **kwargs,
        )


class UserEditForm(UserChangeForm):
    # Set by UserAdmin.get_form: the person using Stamdata.
    actor: User | None = None

    active_change_reason = ActiveChangeReasonField(
        label=_("Reason for deactivating or reactivating"), required=False
    )

    class Meta:
        model = User
        fields = "__all__"

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        validate_phone(phone)
        return phone

    def clean(self):
        data = super().clean() or {}
        if "is_active" in self.changed_data:
            if not data.get("active_change_reason", "").strip():
                self.add_error(
                    "active_change_reason",
                    _("Write why the person is deactivated or reactivated."),
                )
            actor = self.actor
            if not data.get("is_active") and actor is not None and actor.pk == self.instance.pk:
                self.add_error("is_active", _("You cannot deactivate yourself."))
        return data


class ActiveChangeForm(forms.Form):
    reason = ActiveChangeReasonField()


@admin.register(User)
# (django-stubs types ModelAdmin's change_form_template as a ClassVar that HistoryAdmin's plain
# string, the same at run time, does not match when two admin bases meet.)
class UserAdmin(  # type: ignore[misc]
    NormalisedNames,
    SafeAutocompleteFields,
    AdministrationPermissions,
    HistoryAdmin,
    DjangoUserAdmin,
):
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
        fields = ["email", "name", "phone", "role", "password", "is_active", "active_change_reason"]
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # type: ignore[attr-defined]
        return form

    def save_model(self, request, obj, form, change):
        # Unticking "active" is a person leaving: the service ends their sessions and records
        # why; the rest of the form is saved as usual.
        if not (change and "is_active" in form.changed_data):
            super().save_model(request, obj, form, change)
            return
        wanted = obj.is_active
        obj.is_active = not wanted
        super().save_model(request, obj, form, change)
        service = services.user_reactivate if wanted else services.user_deactivate
        service(
            actor=request.user, user_id=obj.pk, reason=form.cleaned_data["active_change_reason"]
        )
        obj.is_active = wanted

    actions = ["deactivate", "reactivate"]

    @admin.action(description=_("Deactivate (left)"))
    def deactivate(self, request, queryset):
        return self._change_active(
            request,
            queryset,
            service=services.user_deactivate,
            action="deactivate",
            title=_("Deactivate (left)"),
            explanation=_(
                "They can no longer log in, and they are logged out at once. Their signatures, "
                "notes, hours and history stay, with their name."
            ),
            done=lambda count: ngettext(
                "%(count)d person deactivated and logged out.",
                "%(count)d people deactivated and logged out.",
                count,
            ),
        )

    @admin.action(description=_("Reactivate"))
    def reactivate(self, request, queryset):
        return self._change_active(
            request,
            queryset,
            service=services.user_reactivate,
            action="reactivate",
            title=_("Reactivate"),
            explanation=_("They can log in again, with the institutions they had."),
            done=lambda count: ngettext(
                "%(count)d person reactivated.", "%(count)d people reactivated.", count
            ),
        )

    def _change_active(self, request, queryset, *, service, action, title, explanation, done):
        people = list(queryset.order_by("name"))
        form = ActiveChangeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            count = 0
            for person in people:
                try:
                    service(
                        actor=request.user, user_id=person.pk, reason=form.cleaned_data["reason"]
                    )
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.WARNING)
                except PermissionDenied:
                    self.message_user(
                        request,
                        _("%(name)s may only be changed by IT.") % {"name": person.name},
                        messages.WARNING,
                    )
                else:
                    count += 1
            if count:
                self.message_user(request, done(count) % {"count": count}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "explanation": explanation,
            "people": people,
            "form": form,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/institutioner/user/change_active.html", context)

    def get_search_results(self, request, queryset, search_term):
        # In a picker, offer only active people of the role the field takes: someone who has
        # left is given no new work.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        target = request.GET.get("model_name")
        if target:
            queryset = queryset.filter(is_active=True)
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

    def get_search_results(self, request, queryset, search_term):
        # In a picker (an attachment's pedagogist), someone who has left is not offered.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name"):
            queryset = queryset.filter(user__is_active=True)
        return queryset, may_have_duplicates


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
