"""Text people type is data: it is never run through a template engine.

Some users know Django's template codes (``{{ }}``, ``{% %}``, ``{# #}``) from older
versions of the letters. They do nothing anywhere in this service, so a text holding
them is refused where it is saved, with a message saying so, rather than shown to a
resident with the codes in it.
"""

import re

TEMPLATE_CODE = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")


def template_code_in(text) -> str | None:
    """The first template code in ``text`` (``{{``, ``{%`` ...), or None."""
    if not isinstance(text, str):
        return None
    match = TEMPLATE_CODE.search(text)
    return match.group(0) if match else None


def template_code_message(text) -> str | None:
    """A plain-English refusal for text holding template code, or None if it has none."""
    code = template_code_in(text)
    if code is None:
        return None
    return (
        f"Remove ‘{code}’: codes like {{{{ }}}} and {{% %}} do not work here. "
        "Write the words exactly as they should appear."
    )


def validate_no_template_code(value) -> None:
    """A form-field validator: refuse text holding template code, at the field."""
    from django.core.exceptions import ValidationError

    message = template_code_message(value)
    if message:
        raise ValidationError(message, code="template_code")


def template_code_paths(data, path: str = "") -> list[tuple[str, str]]:
    """Every text in nested data (a procedure) holding template code, as
    ``(dotted.path[0], message)``."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            found += template_code_paths(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += template_code_paths(value, f"{path}[{i}]")
    else:
        message = template_code_message(data)
        if message:
            found.append((path or "(top)", message))
    return found
