from django.contrib import admin

from audit.models import ErasureLog
from cases.admin import ReadOnlyAdmin


@admin.register(ErasureLog)
class ErasureLogAdmin(ReadOnlyAdmin):
    """Every use of the erasure path: visible to system admins, never editable."""

    list_display = ("at", "reason", "by")
    search_fields = ("reason",)
