from django.contrib import admin

from reporting.models import Publication


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """Read-only: publications are made from the reporting pages and never edited."""

    list_display = ["area", "year", "published_at", "published_by", "supersedes"]
    list_filter = ["area", "year"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
