from django.contrib import admin

from appeals.models import Appeal, AppealStage, Recommendation


class AppealStageInline(admin.TabularInline):
    model = AppealStage
    extra = 0
    readonly_fields = ["key", "rule", "starts_on", "due_on", "completed_on", "delay_notified_on"]
    fields = readonly_fields
    can_delete = False


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0
    readonly_fields = ["kind", "body", "text", "response", "responded_on"]
    fields = readonly_fields
    can_delete = False


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    """Read-only: appeals change only through appeals.services."""

    list_display = ["case", "against", "lodged_on", "status", "reviewer", "outcome"]
    list_filter = ["status", "outcome", "case__area"]
    inlines = [AppealStageInline, RecommendationInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
