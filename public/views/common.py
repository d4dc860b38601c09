"""What every public page shares: rate limits, private-page headers, the draft in the session."""

from functools import wraps

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_ratelimit.core import is_ratelimited

from asbcr.net import ratelimit_key
from public import flow, selectors

SESSION_DRAFT = "public_draft_token"


SESSION_SENT = "public_sent_reference"


RATES = {
    # Every POST to a public page, per address (generous: a long form has many pages).
    "public-post": "PUBLIC_POST_RATE",
    # Sending an application, per address.
    "public-submit": "PUBLIC_SUBMIT_RATE",
    # Emailing a save-and-return link, per address.
    "public-save": "PUBLIC_SAVE_RATE",
}


DEFAULT_RATES = {"public-post": "300/h", "public-submit": "5/h", "public-save": "5/h"}


def _limited(request, group: str) -> bool:
    rate = getattr(settings, RATES[group], DEFAULT_RATES[group])
    return is_ratelimited(
        request, group=group, key=ratelimit_key, rate=rate, method="POST", increment=True
    )


def _private(view):
    """Pages with personal data: never cached, never indexed, never sent as a referrer to another site."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = (
            "same-origin"  # "no-referrer" makes the browser send Origin: null, which CSRF refuses
        )
        return response

    return wrapped


def _draft(request):
    return selectors.draft_for_token(token=request.session.get(SESSION_DRAFT))


def _needs_draft(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        draft = _draft(request)
        if draft is None:
            return redirect("public:apply")
        return view(request, draft, *args, **kwargs)

    return _private(never_cache(wrapped))


def _too_many(request):
    """Refused for too many requests, where nothing was typed on the page (it is all in
    the draft already): the service's own 429 page."""
    from asbcr.errors import too_many_requests

    return too_many_requests(request, answers_saved=_draft(request) is not None)


TOO_MANY = _(
    "We have had too many requests from your connection, so this page was not sent. "
    "What you typed is still below: try sending it again in an hour."
)


NOT_SAVED = _(
    "This page has not been saved yet. Correct the answers below, then choose "
    "‘Save and come back later’ again. Your answers on earlier pages are saved."
)


def _not_saved(form):
    """'Save and come back later' on a page whose answers are not valid yet: the page is
    shown again as it was sent, with its errors and why it was not saved, rather than
    leaving for the save page without what was typed (nothing unvalidated is stored)."""
    form.add_error(None, NOT_SAVED)
    return form


def _refuse(form):
    """Refuse a page for too many requests, keeping what was typed on it: the form is
    shown again as it was sent, with the reason at the top (status 429)."""
    form.add_error(None, TOO_MANY)
    form.refused = True
    return form


def _render_form(request, draft, *, form, title, back, template="public/apply/page.html", **ctx):
    if getattr(form, "refused", False):
        status = 429
    else:
        status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        template,
        {"form": form, "title": title, "back": back, "draft": draft, **ctx},
        status=status,
    )


def _after_save(request, draft, key):
    """Continue, go back to 'check your answers', or save and leave."""
    if "save_for_later" in request.POST:
        return redirect("public:save")
    if request.GET.get("change"):
        return redirect(flow.first_incomplete_url(draft.data) or reverse("public:check"))
    return redirect(flow.next_url(draft.data, key))
