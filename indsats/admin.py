"""Requests and meetings are changed through the app's own pages (services keep the rules and
send the e-mails); Stamdata only shows them, with their full history."""

from django.contrib import admin

from indsats.models import (
    Allocation,
    IntakeMeeting,
    InterventionRequest,
    RequestEvent,
    RequestStatus,
)
from institutioner import access
from institutioner.admin import HistoryAdmin


class ReadOnlyAdmin(HistoryAdmin):
    def has_module_permission(self, request):
        return access.can_manage_master_data(request.user)

    def has_view_permission(self, request, obj=None):
        return access.can_manage_master_data(request.user)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    fields = ("created_at", "kind", "actor", "message")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return access.can_manage_master_data(request.user)


@admin.register(InterventionRequest)
class InterventionRequestAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "submitted_at", "wished_start"]
    list_filter = ["status", "institution__district"]
    search_fields = ["institution__name", "need"]
    list_select_related = ["institution", "group"]
    inlines = [EventInline]

    def get_queryset(self, request):
        # Drafts stay the leader's own, in Stamdata too.
        return super().get_queryset(request).exclude(status=RequestStatus.DRAFT)


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ["pedagogist", "request", "weekly_hours"]
    list_select_related = ["pedagogist__user", "request__institution", "request__group"]


@admin.register(IntakeMeeting)
class IntakeMeetingAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "request", "status", "place"]
    list_filter = ["status"]
    list_select_related = ["request__institution", "request__group"]
