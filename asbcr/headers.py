"""Response headers every page needs that Django's own settings do not cover.

- ``Cache-Control: no-store`` (with Django's ``never_cache`` set) on every page under
  ``ASBCR_NO_STORE_PREFIXES`` (staff pages, the admin, tracking pages, the application
  form) and on every download (a response with ``Content-Disposition`` or that is not
  an HTML page): none of them may stay in a shared computer's browser cache or a proxy.
- ``Permissions-Policy`` turning off browser features no page uses.

The Content-Security-Policy comes from django-csp; Referrer-Policy, HSTS and nosniff from
Django's ``SecurityMiddleware``.
"""

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control

_PAGE_TYPES = ("text/html",)


def _is_download(response) -> bool:
    if response.has_header("Content-Disposition"):
        return True
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return bool(content_type) and content_type not in _PAGE_TYPES


class PrivatePagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        private = any(request.path.startswith(p) for p in settings.ASBCR_NO_STORE_PREFIXES)
        already = "no-store" in response.get("Cache-Control", "")
        if (private or _is_download(response)) and not already:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        response.headers.setdefault("Permissions-Policy", settings.ASBCR_PERMISSIONS_POLICY)
        return response
