from django.contrib import admin

from cases.models import AccessLogEntry, Case, CaseAgency, Incident, TimelineEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Append-only records: visible to system admins, never editable or deletable."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CaseAgencyInline(admin.TabularInline):
    model = CaseAgency
    extra = 0


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("reference", "area", "state", "received_on", "channel")
    list_filter = ("area", "state", "channel")
    search_fields = ("reference",)
    readonly_fields = ("state", "procedure_version", "reference")
    inlines = [CaseAgencyInline]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("incident_date", "area", "case", "reported_to", "kind", "source")
    list_filter = ("area", "kind", "source")


@admin.register(TimelineEvent)
class TimelineEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "case", "kind", "summary", "actor")
    list_filter = ("kind",)


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "kind", "case", "target", "query")
    list_filter = ("kind",)
