"""Tells drf-spectacular how the credential is sent, so the schema documents it."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiClientAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiClientAuthentication"
    name = "agencySystemCredential"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The secret an area admin created for the agency's system.",
        }
