"""Placeholders for wording that people write, in the style of GOV.UK Notify.

An area admin writes a letter's body as plain text. Facts of the case go in double
brackets: ``((reference))``. Optional text goes after ``??`` and is shown only when the
fact is true or not empty: ``((wants_to_attend??We will tell you the date.))``. Nothing
else is code: the text can never reach an object, a setting or a template, because the
only thing a placeholder can give is a string from a flat dictionary built for that
letter.

The layout is Notify's plain-text markup, kept small:

- a blank line starts a new paragraph; a single line break stays a line break;
- a line starting ``# `` is a heading;
- lines starting ``* `` or ``- `` are a bulleted list;
- a placeholder alone on a line whose value is a list becomes a bulleted list.

Everything is escaped as it goes into the HTML letter. A placeholder the letter does
not know, or any other code, is shown as the literal text it is.

Pure functions, no I/O: ``parse``, ``problems`` (for saving) and ``render_html``.
"""

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from asbcr.plain_text import TEMPLATE_CODE

TOKEN = re.compile(r"\(\(([^()]*)\)\)")
NAME = re.compile(r"[a-z][a-z0-9_]*")
FALSE_WORDS = frozenset({"", "no", "false", "0"})

Value = str | Sequence[str]


@dataclass(frozen=True)
class Placeholder:
    """One ``((name))`` or ``((name??optional text))`` in a wording."""

    raw: str
    name: str
    optional_text: str | None
    start: int
    end: int


def parse(text: str) -> list[Placeholder]:
    """Every placeholder in ``text``, in order."""
    found = []
    for match in TOKEN.finditer(text):
        inner = match.group(1)
        name, sep, optional = inner.partition("??")
        found.append(
            Placeholder(
                raw=match.group(0),
                name=name.strip().lower(),
                optional_text=optional if sep else None,
                start=match.start(),
                end=match.end(),
            )
        )
    return found


def _list_of(names: Iterable[str]) -> str:
    return ", ".join(f"(({n}))" for n in names)


def problems(text: str, allowed: Iterable[str]) -> list[str]:
    """What stops ``text`` being saved as wording that may use only ``allowed`` names, in
    plain English; an empty list when it is fine."""
    allowed = list(allowed)
    errors = []
    seen = set()
    for placeholder in parse(text):
        if placeholder.name in allowed or placeholder.raw in seen:
            continue
        seen.add(placeholder.raw)
        shown = f"(({placeholder.name}))" if placeholder.name else placeholder.raw
        errors.append(
            f"{shown} is not a placeholder this letter can use. It can use: {_list_of(allowed)}."
        )
    rest = TOKEN.sub("", text)
    if "((" in rest:
        at = rest.index("((")
        errors.append(
            f"‘{rest[at : at + 30].strip()}’ is not a finished placeholder. A placeholder "
            "starts with (( and ends with )), with no other brackets inside."
        )
    code = TEMPLATE_CODE.search(text)
    if code:
        errors.append(
            f"Remove ‘{code.group(0)}’: codes like {{{{ }}}} and {{% %}} do not work in letters "
            "any more. Put facts of the case in double brackets, like ((reference))."
        )
    return errors


def is_true(value: Value | None) -> bool:
    """Whether optional text is shown: a list with something in it, or a text that is
    not empty and not "no", "false" or "0"."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip().lower() not in FALSE_WORDS
    return any(str(v).strip() for v in value)


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _inline(text: str, values: Mapping[str, Value]) -> str:
    """One line of wording as escaped HTML, with its placeholders filled in."""
    out = []
    position = 0
    for placeholder in parse(text):
        out.append(_escape(text[position : placeholder.start]))
        position = placeholder.end
        if placeholder.name not in values:
            out.append(_escape(placeholder.raw))  # unknown: shown as typed, never run
            continue
        value = values[placeholder.name]
        if placeholder.optional_text is not None:
            if is_true(value):
                out.append(_escape(placeholder.optional_text))
            continue
        if not isinstance(value, str):
            value = ", ".join(str(v) for v in value)
        out.append("<br>".join(_escape(line) for line in str(value).splitlines()))
    out.append(_escape(text[position:]))
    return "".join(out)


def _list_value(line: str, values: Mapping[str, Value]) -> list[str] | None:
    """The items, when ``line`` is just one placeholder whose value is a list."""
    stripped = line.strip()
    found = parse(stripped)
    if len(found) != 1 or found[0].raw != stripped or found[0].optional_text is not None:
        return None
    value = values.get(found[0].name)
    if value is None or isinstance(value, str):
        return None
    return [str(v) for v in value if str(v).strip()]


BULLET = re.compile(r"^\s*[*\-•]\s+")
HEADING = re.compile(r"^\s*#+\s+")


def render_html(text: str, values: Mapping[str, Value]) -> SafeString:
    """The wording as HTML: paragraphs, headings and lists, every character of the
    wording and of every value escaped."""
    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def close():
        if paragraph:
            blocks.append("<p>" + "<br>".join(paragraph) + "</p>")
            paragraph.clear()
        if items:
            blocks.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            close()
        elif HEADING.match(line):
            close()
            blocks.append(f"<h2>{_inline(HEADING.sub('', line, count=1), values)}</h2>")
        elif BULLET.match(line):
            if paragraph:
                close()
            items.append(_inline(BULLET.sub("", line, count=1), values))
        elif (listed := _list_value(line, values)) is not None:
            close()
            if listed:
                blocks.append("<ul>" + "".join(f"<li>{_escape(i)}</li>" for i in listed) + "</ul>")
        else:
            if items:
                close()
            paragraph.append(_inline(line, values))
    close()
    return mark_safe("\n".join(blocks))  # noqa: S308 (every piece escaped above)
