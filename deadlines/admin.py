from django.contrib import admin

from deadlines.models import ClosureDay, Deadline, Notification
from deadlines.notifications import notification_deliver


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    """One-off closure days (an extra bank holiday): not counted as working days."""

    list_display = ["date", "name", "nation", "area"]
    list_filter = ["nation", "area"]
    date_hierarchy = "date"


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    """Read-only: deadlines change through the case workflow and the deadline pages."""

    list_display = ["case", "step", "due", "state", "responsible_user", "responsible_agency"]
    list_filter = ["state", "step", "case__area"]
    search_fields = ["case__reference", "key", "rule"]
    date_hierarchy = "due"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(description="Try sending again now")
def send_again(modeladmin, request, queryset):
    sent = sum(
        notification_deliver(notification_id=pk) for pk in queryset.values_list("pk", flat=True)
    )
    modeladmin.message_user(request, f"Sent {sent} of {queryset.count()}.")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox: what was (or will be) sent, to whom, and what went wrong."""

    list_display = ["created_at", "kind", "recipient_email", "subject", "state", "attempts"]
    list_filter = ["kind", "state"]
    search_fields = ["key", "recipient_email", "subject", "case__reference"]
    actions = [send_again]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
