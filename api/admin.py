from django.contrib import admin

from api.models import ApiCallLog, ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Read only: credentials are made and revoked on the area admin's page or by command."""

    list_display = ["name", "agency", "area", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["area"]
    exclude = ["secret_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiCallLog)
class ApiCallLogAdmin(admin.ModelAdmin):
    list_display = ["at", "client", "method", "path", "status_code", "ip_address"]
    list_filter = ["status_code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
