"""The project's pages plus a few that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import connection
from django.urls import path

from asbcr.errors import PermissionDeniedWithReason
from asbcr.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("secret detail: /srv/app/settings.py line 42")


def needs_database(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def refuse(request):
    raise PermissionDenied("internal: user lacks cases.manage_case on case 17")


def refuse_with_reason(request):
    raise PermissionDeniedWithReason(
        "Sign the form to go on.", action_url="/staff/sign/", action_text="Sign it"
    )


def bad(request):
    raise SuspiciousOperation("internal detail")


urlpatterns = [
    path("boom/", boom),
    path("staff/boom/", boom),
    path("staff/db/", needs_database),
    path("db/", needs_database),
    path("refuse/", refuse),
    path("staff/refuse/", refuse),
    path("staff/refuse-with-reason/", refuse_with_reason),
    path("bad/", bad),
    *project_urlpatterns,
]

handler400 = "asbcr.errors.bad_request"
handler403 = "asbcr.errors.permission_denied"
handler404 = "asbcr.errors.page_not_found"
handler500 = "asbcr.errors.server_error"
