from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from partnerships.models import (
    Agency,
    Area,
    EscalationContact,
    Procedure,
    ProcedureVersion,
    RoleAssignment,
    User,
)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Agency", {"fields": ("agency", "job_title", "phone", "line_manager")}),
    )
    list_display = ("username", "first_name", "last_name", "agency", "is_active")
    list_filter = ("agency", "role_assignments__role", "role_assignments__area")
    inlines = [RoleAssignmentInline]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "nation", "procedure", "administering_agency")


class EscalationContactInline(admin.TabularInline):
    model = EscalationContact
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "slug")
    list_filter = ("kind", "areas")
    inlines = [EscalationContactInline]


class ProcedureVersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ("number", "change_note", "created_at", "created_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    inlines = [ProcedureVersionInline]
