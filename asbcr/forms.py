"""Form helpers every app's views share."""

from django.core.exceptions import BadRequest, ValidationError


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


def attach_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: each message at its field, or at the
    top of the form when the field is not on it, so nothing the user typed is lost."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                for message in error.messages:
                    form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)
