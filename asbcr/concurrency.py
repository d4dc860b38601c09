"""When two people change the same record at once: one wins, the other is told plainly.

Every write service that can race takes the row lock first (``lock`` inside
``transaction.atomic``), then re-checks the record's state, and raises ``ConflictError``
when someone else got there first. ``ConflictError`` is a ``ValidationError``, so the
views' usual path (``asbcr.forms.attach_errors``) puts it at the top of the form with
everything the user typed still in it. Where a form edits a record that has no state to
re-check, the form carries the version it was loaded at (``VersionFormMixin``) and the
service refuses a stale one.

``ConflictMiddleware`` is the safety net: a conflict (or django-fsm-2's
``ConcurrentTransition``) that a view did not catch becomes the same plain message on
the page the user came from, never a server error.
"""

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_fsm import ConcurrentTransition

# The same thing submitted twice by the same person within this window is a double click.
DOUBLE_SUBMIT_WINDOW = dt.timedelta(minutes=10)
KEPT_INPUT = "Your changes have not been saved; what you typed is still in the form."
NOTHING_CHANGED = "Nothing else has been changed."
GENERIC_MESSAGE = (
    "Someone else changed this record at the same moment. Your changes have not been "
    "saved: check it as it is now, then try again."
)


class ConflictError(ValidationError):
    """Someone else changed the record first; the message says who, what and when."""

    def __init__(self, message: str, *, version: int | None = None):
        super().__init__(message, code="conflict")
        # The record's version now, so the form shown again carries it: a second submit,
        # made knowingly after reading the message, is not refused again.
        self.version = version

    def __str__(self) -> str:
        return self.message


def _when(at: dt.datetime) -> str:
    local = timezone.localtime(at)
    if local.date() == timezone.localdate():
        return f"{local:%H:%M}"
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def conflict_message(
    *,
    what: str,
    at: dt.datetime,
    actor=None,
    by=None,
    outcome: str = "",
    kept_input=True,
    who: str = "",
) -> str:
    """'Another officer (Sam Jones) recorded the decision at 10:42: Threshold met.'

    Said as 'You already ...' when the winner was the same person (a double click), and
    with ``who`` as it is given when the winner was no person ('The detection job').
    """
    same = actor is not None and by is not None and actor.pk == getattr(by, "pk", None)
    if not who:
        if same:
            who = "You already"
        elif actor is not None:
            who = f"Another officer ({_name(actor)})"
        else:
            who = "Someone else"
    text = f"{who} {what} at {_when(at)}"
    if outcome:
        text += f": {outcome.rstrip('.')}"
    return f"{text}. {KEPT_INPUT if kept_input else NOTHING_CHANGED}"


def conflict(*, version: int | None = None, **kwargs) -> ConflictError:
    """A ``ConflictError`` with ``conflict_message(**kwargs)``."""
    return ConflictError(conflict_message(**kwargs), version=version)


def lock(instance):
    """Re-read ``instance``'s row with ``SELECT ... FOR UPDATE`` (inside the caller's
    transaction): a second writer waits here until the first commits, then sees its work."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock() must be called inside transaction.atomic()")
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


def refresh_from(instance, locked) -> None:
    """Copy the locked row's fields onto the caller's object, so it sees the current state."""
    for f in instance._meta.concrete_fields:
        if f.attname != instance._meta.pk.attname:
            instance.__dict__[f.attname] = getattr(locked, f.attname)
    instance._state.fields_cache.clear()


class VersionFormMixin(forms.Form):
    """A hidden ``version`` field: the record's version when the form was loaded. The view
    passes it to the service, which refuses a stale one with ``ConflictError``; the form
    shown again then carries the current version (``show_version``)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def show_version(self, version: int) -> None:
        if self.is_bound:
            self.data = self.data.copy()
            self.data[self.add_prefix("version")] = version
        else:
            self.initial["version"] = version


class ConflictMiddleware:
    """A conflict no view caught is shown on the page the user came from, not as a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.method != "POST":
            return None
        if isinstance(exception, ConflictError):
            message = exception.message
        elif isinstance(exception, ConcurrentTransition):
            message = GENERIC_MESSAGE
        else:
            return None
        messages.error(request, message)
        # Back to the page the form was on (a POST-only URL cannot be shown again).
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = request.get_full_path()
        return redirect(back)
