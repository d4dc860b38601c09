"""The permission rule: which role may do what, in which area.

Roles are held per area (``RoleAssignment``). ``RoleBackend`` turns them into ordinary
Django permissions, so views and transitions ask ``user.has_perm(perm, obj)``. With an
object (an area, or anything with an ``area``), the role must be held in that area.

Which *cases* a user may see is a separate rule, written once in
``cases.selectors.case_visibility_filter``.
"""

from partnerships.constants import Role

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.CASE_OFFICER: frozenset(
        {
            "cases.view_case_list",
            "cases.receive_case",
            "cases.manage_case",
            "cases.assess_risk",
            "thresholds.decide_threshold",
            "thresholds.record_view",
            "deadlines.manage_deadline",
            "letters.send_letter",
            "panels.arrange_panel",
            "panels.update_action",
            "panels.accept_action",
            "appeals.manage_appeal",
        }
    ),
    Role.SPOC: frozenset(
        {
            "cases.view_case_list",
            "cases.receive_case",
            "cases.respond_for_agency",
            "cases.assess_risk",
            "thresholds.record_view",
            "panels.update_action",
        }
    ),
    Role.PANEL_CHAIR: frozenset(
        {"cases.view_case_list", "panels.chair_panel", "panels.update_action"}
    ),
    Role.PANEL_MEMBER: frozenset({"cases.view_case_list", "panels.update_action"}),
    Role.APPEAL_REVIEWER: frozenset({"cases.view_case_list", "appeals.review_appeal"}),
    Role.AREA_ADMIN: frozenset(
        {
            "cases.view_case_list",
            "cases.view_access_log",
            "cases.manage_case",
            "partnerships.administer_area",
            "letters.manage_templates",
            "reporting.view_statistics",
            "reporting.publish_statistics",
            "reporting.produce_data_return",
            "appeals.manage_appeal",
            "deadlines.manage_deadline",
            "privacy.handle_subject_access",
        }
    ),
    Role.MONITOR: frozenset({"reporting.view_statistics", "reporting.view_monitoring"}),
}

AREA_WIDE_ROLES = frozenset({Role.AREA_ADMIN})
"""Roles that see every case in their area, whichever agencies are involved."""


def _area_id(obj):
    if obj is None:
        return None
    from partnerships.models import Area

    if isinstance(obj, Area):
        return obj.pk
    area_id = getattr(obj, "area_id", None)
    if area_id is not None:
        return area_id
    return getattr(getattr(obj, "area", None), "pk", None)


class RoleBackend:
    """Grants the permissions of the roles a user holds (in the object's area, if given)."""

    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        return None

    def _perms(self, user_obj, area_id=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        perms: set[str] = set()
        for role, role_area in user_obj.role_pairs:
            if area_id is None or role_area == area_id:
                perms |= ROLE_PERMISSIONS.get(role, frozenset())
        return perms

    def get_all_permissions(self, user_obj, obj=None):
        return self._perms(user_obj, _area_id(obj))

    def has_perm(self, user_obj, perm, obj=None):
        if obj is not None and _area_id(obj) is None:
            return False
        return perm in self._perms(user_obj, _area_id(obj))
