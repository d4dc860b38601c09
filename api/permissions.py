"""Named permissions an area admin grants to each client (api.constants.ApiPermission)."""

from rest_framework.permissions import BasePermission

from api.models import ApiClient


class ClientHas(BasePermission):
    """The caller is a client in force holding the view's ``required_permission``."""

    message = "This credential does not have the permission this call needs."

    def has_permission(self, request, view):
        client = request.user
        if not isinstance(client, ApiClient):
            return False
        self.message = f"This credential does not have the '{view.required_permission}' permission."
        return client.has_permission(view.required_permission)
