"""Form helpers every app's views share."""

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError

from asbcr.concurrency import ConflictError


def submitted(data, name: str, default: str | None = None) -> str | None:
    """One value from ``request.GET`` or ``request.POST`` that is safe to query with.

    Views that read a raw parameter (rather than through a form) read it here: a value
    holding a NUL byte, which PostgreSQL refuses in any text parameter, is a 400 (bad
    request), never a database error; an absent or empty value is ``default``.
    """
    value = data.get(name)
    if value is None or value == "":
        return default
    if "\x00" in value:
        raise BadRequest(f"A NUL byte in {name}.")
    return value


def attach_errors(form, exc: ValidationError, request=None) -> None:
    """Show a service's ValidationError on the form: each message at its field, or at the
    top of the form when the field is not on it, so nothing the user typed is lost.

    A ``ConflictError`` (someone else changed the record first) is a ValidationError too
    and lands at the top of the form. When there is no bound form to show it on (a
    button), pass ``request`` and the messages are shown on the page instead."""
    if isinstance(exc, ConflictError) and exc.version is not None and hasattr(form, "show_version"):
        form.show_version(exc.version)
    if form is None or not form.is_bound:
        if request is None:
            raise exc
        for message in exc.messages:
            messages.error(request, message)
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                for message in error.messages:
                    form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)
