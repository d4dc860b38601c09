from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiClient
from asbcr.net import client_ip


class ApiClientRateThrottle(SimpleRateThrottle):
    """Calls per client (not per address: a force's systems may share one gateway)."""

    scope = "api_client"

    def get_rate(self):
        return settings.API_CLIENT_RATE  # read per call, so the setting can change in tests

    def get_cache_key(self, request, view):
        if isinstance(request.user, ApiClient):
            return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
        return self.cache_format % {"scope": "api_anon", "ident": self.get_ident(request)}

    def get_ident(self, request):
        return client_ip(request)
