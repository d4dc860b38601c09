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
