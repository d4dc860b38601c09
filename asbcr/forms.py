"""Form helpers every app's views share."""

from django.core.exceptions import ValidationError


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
