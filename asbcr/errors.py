"""The service's own error pages: 400, 403, 404, 429, 500 and a refused form (CSRF).

Each page says in plain English what happened and gives a way back, never a detail of
the code. Public pages keep the public layout and staff pages the staff layout, chosen
by the URL (``/staff/`` and ``/admin/`` are staff).

A refusal the user can do something about raises ``PermissionDeniedWithReason``: its
reason and link are written for the user (nothing from the database but what the user
may already see), and the 403 page shows them. Any other ``PermissionDenied`` shows the
general words, whatever message it carries, because that message was written for
developers.

The 500 page is rendered without the request's context processors, the session or the
database, so it still renders when the database is unreachable; if even that fails, a
fixed page is sent.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

STAFF_PREFIXES = ("/staff/", "/admin/")


class PermissionDeniedWithReason(PermissionDenied):
    """Refused for a reason the user can act on, with a safe message and a link to act.

    ``reason`` and ``action_text`` are shown to the user as written: keep them free of
    anything the user may not see.
    """

    def __init__(self, reason: str, *, action_url: str = "", action_text: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.action_url = action_url
        self.action_text = action_text


def is_staff_page(request) -> bool:
    return request.path.startswith(STAFF_PREFIXES)


def _way_back(staff: bool) -> tuple[str, str]:
    if staff:
        return reverse("home"), _("Go to your home page")
    return reverse("start"), _("Go to the start page")


PAGES = {
    400: (
        gettext_lazy("Sorry, there is a problem with the service"),
        [gettext_lazy("We could not understand what your browser sent. Go back and try again.")],
    ),
    403: (
        gettext_lazy("You cannot see this page"),
        [gettext_lazy("You do not have permission to see this page or do this.")],
    ),
    404: (
        gettext_lazy("Page not found"),
        [
            gettext_lazy("If you typed the web address, check it is correct."),
            gettext_lazy("If you pasted the web address, check you copied the entire address."),
            gettext_lazy(
                "If you followed a link that was emailed to you, it may have expired or been "
                "replaced by a newer one."
            ),
        ],
    ),
    429: (
        gettext_lazy("Sorry, there is a problem with the service"),
        [gettext_lazy("We have had too many requests from your connection. Try again in an hour.")],
    ),
    500: (
        gettext_lazy("Sorry, there is a problem with the service"),
        [
            gettext_lazy("Try again later."),
            gettext_lazy("We have been told about the problem and will look into it."),
        ],
    ),
    "csrf": (
        gettext_lazy("Sorry, we could not accept that form"),
        [
            gettext_lazy(
                "This can happen if the page was open for a long time, if you signed in or out "
                "in another tab, or if your browser does not accept cookies from this service."
            ),
            gettext_lazy("Go back, reload the page and try again."),
        ],
    ),
}


def _context(request, page, *, staff: bool, paragraphs=None, **extra) -> dict:
    title, default_paragraphs = PAGES[page]
    back_url, back_text = _way_back(staff)
    return {
        "title": title,
        "paragraphs": paragraphs if paragraphs is not None else default_paragraphs,
        "back_url": back_url,
        "back_text": back_text,
        **extra,
    }


def _render(request, page, status: int, **extra) -> HttpResponse:
    staff = is_staff_page(request)
    template = "errors/staff.html" if staff else "errors/public.html"
    try:
        response = render(request, template, _context(request, page, staff=staff, **extra))
    except Exception:  # an error page must not become a 500: send the plain one instead
        logger.exception("The %s page could not be rendered with the request", status)
        return _plain(request, page, status, staff=staff, **extra)
    response.status_code = status
    return response


def _plain(request, page, status: int, *, staff: bool, **extra) -> HttpResponse:
    """The page without the request's context processors, session or database."""
    try:
        template = loader.get_template("errors/staff.html" if staff else "errors/public.html")
        context = _context(request, page, staff=staff, service_name=settings.SERVICE_NAME, **extra)
        context["plain"] = True
        return HttpResponse(template.render(context), status=status)
    except Exception:  # the error page itself must never fail
        logger.exception("The %s page could not be rendered; sent the fixed one", status)
        return HttpResponse(FALLBACK_500 if status == 500 else FALLBACK, status=status)


def bad_request(request, exception=None):
    return _render(request, 400, 400)


def permission_denied(request, exception=None):
    extra = {}
    if isinstance(exception, PermissionDeniedWithReason):
        extra = {
            "paragraphs": [exception.reason],
            "action_url": exception.action_url,
            "action_text": exception.action_text,
        }
    return _render(request, 403, 403, **extra)


def page_not_found(request, exception=None):
    return _render(request, 404, 404)


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: the reason is for developers and is logged, not shown."""
    logger.warning("Form refused (CSRF): %s", reason)
    return _render(request, "csrf", 403)


def too_many_requests(request, *, answers_saved: bool = False):
    """The 429 page for any rate limit. Say the answers are kept only where they are."""
    paragraphs = list(PAGES[429][1])
    extra = {}
    if answers_saved:
        paragraphs.append(_("Your answers so far have been saved."))
        extra = {"action_url": reverse("public:check"), "action_text": _("Check your answers")}
    return _render(request, 429, 429, paragraphs=paragraphs, **extra)


def ratelimited(request, exception=None):
    """``RATELIMIT_VIEW`` for django-ratelimit's decorator: the same 429 page."""
    return too_many_requests(request)


FALLBACK_500 = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    "<title>Sorry, there is a problem with the service</title></head><body>"
    "<h1>Sorry, there is a problem with the service</h1><p>Try again later.</p>"
    '<p><a href="/">Go to the start page</a></p></body></html>'
)
FALLBACK = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    "<title>Sorry, there is a problem</title></head><body>"
    "<h1>Sorry, there is a problem</h1><p>Go back and try again.</p>"
    '<p><a href="/">Go to the start page</a></p></body></html>'
)


def server_error(request=None):
    """``handler500``: no context processors, session, user or database."""
    staff = request is not None and is_staff_page(request)
    return _plain(request, 500, 500, staff=staff)
