"""Convert each area's letter wording from Django template code to ((placeholders)).

Area wording used to be a Django template with model objects in reach, so any
attribute path could be walked (``{{ case.case_officer.password }}``). It is now plain
text with placeholders filled from a flat dictionary of strings (``letters.placeholders``).

What the old letters legitimately used is mapped to the new names: the facts of the case
(``{{ reference }}``, ``{{ received_on|date:"j F Y" }}``, ``{{ officer.name }}``...), a
simple ``{% if fact %}text{% endif %}`` (to ``((fact??text))``), a loop over one of the
letter's lists (to the list placeholder), the standard support and appeal sections, and
the common HTML (paragraphs, headings, lists, bold). Anything else is left in the text as
it was, so it shows literally and does nothing, and is reported: printed here and kept on
the wording (``conversion_report``) for the area admin's editor page.

The conversion is frozen in this file on purpose: it must not change when the app does.
"""

import html
import re

from django.db import migrations

COMMON = {
    "reference": "reference",
    "case.reference": "reference",
    "today": "today",
    "received_on": "received_on",
    "case.received_on": "received_on",
    "recipient.name": "recipient_name",
    "brand.area_name": "area_name",
    "area.name": "area_name",
    "case.area.name": "area_name",
    "brand.organisation": "organisation",
    "brand.sender_name": "sender_name",
    "brand.sender_phone": "sender_phone",
    "brand.sender_email": "sender_email",
    "officer": "officer_name",
    "officer.name": "officer_name",
    "case.case_officer": "officer_name",
    "officer.title": "officer_title",
    "officer.phone": "officer_phone",
    "officer.email": "officer_email",
    "officer.agency": "officer_agency",
}
SUPPORT = {"support_services": "support_services"}
APPEAL = {
    "appeal.window": "appeal_window",
    "appeal.by": "appeal_by",
    "appeal.reviewer": "appeal_reviewer",
    "appeal.route": "appeal_route",
    "appeal.grounds": "appeal_grounds",
}
BY_KIND = {
    "CR1": {**SUPPORT, "next_steps": "next_steps"},
    "CR3": {**SUPPORT, **APPEAL, "reasons": "reasons"},
    "CR3a": {
        **SUPPORT,
        "appeal_received_on": "appeal_received_on",
        "appeal_by": "appeal_result_by",
        "appeal.reviewer": "appeal_reviewer",
        "appeal.stages": "appeal_stages",
    },
    "CR4": {
        **SUPPORT,
        "wants_to_attend": "wants_to_attend",
        "wants_to_send_statement": "wants_to_send_statement",
        "meeting_within": "meeting_within",
        "contact_within": "contact_within",
        "next_steps": "next_steps",
    },
    "CR5": {
        "agency.name": "agency_name",
        "due_on": "due_on",
        "due_within": "due_within",
        "incidents": "incidents",
    },
    "officer": {**SUPPORT},
    "delay": {
        **SUPPORT,
        "timescale_words": "late_step",
        "timescale_within": "late_step_within",
        "delay_reason": "delay_reason",
        "new_date": "new_date",
    },
    "withdrawal": {**SUPPORT, "withdrawn_reason": "withdrawal_reason"},
    "outcome": {
        **SUPPORT,
        **APPEAL,
        "recommendations": "recommendations",
        "actions": "actions",
    },
    "appeal_outcome": {
        **SUPPORT,
        "appeal_upheld": "appeal_upheld",
        "not appeal_upheld": "appeal_not_upheld",
        "appeal_reasons": "appeal_reasons",
        "recommendations": "appeal_recommendations",
    },
}
# The placeholders that hold a list (a loop over the old list becomes the placeholder).
LISTS = {
    "support_services",
    "next_steps",
    "incidents",
    "actions",
    "appeal_grounds",
    "appeal_stages",
    "appeal_recommendations",
}

SUPPORT_SECTION = (
    "\n\n# Help and support\n\nThese services can help you now. They are free and they "
    "will listen. You can contact them yourself, or ask us to refer you.\n\n"
    "((support_services))\n\n"
)
APPEAL_SECTION = "\n\n# If you are not happy with this decision\n\n((how_to_appeal))\n\n"

TAG = r"\{%-?\s*"
END = r"\s*-?%\}"
COMMENT = re.compile(TAG + r"comment\b.*?" + END + r".*?" + TAG + r"endcomment" + END, re.S)
SHORT_COMMENT = re.compile(r"\{#.*?#\}", re.S)
FOR_LOOP = re.compile(
    TAG + r"for\s+\w+(?:\s*,\s*\w+)?\s+in\s+([\w.]+)" + END + r"(.*?)" + TAG + r"endfor" + END,
    re.S,
)
IF_BLOCK = re.compile(
    TAG + r"if\s+((?:not\s+)?[\w.]+)" + END + r"([^{}]*?)" + TAG + r"endif" + END, re.S
)
INCLUDE = re.compile(TAG + r"include\s+[\"']letters/_(support|appeal)\.html[\"']" + END)
VARIABLE = re.compile(r"\{\{\s*([\w.]+)\s*((?:\|[^}]*)?)\}\}")
LEFTOVER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)

BLOCK_TAGS = {"p", "div", "section", "ul", "ol", "blockquote"}
TABLE_TAGS = {"table", "thead", "tbody", "tfoot", "tr", "td", "th"}
INLINE_TAGS = {"strong", "b", "em", "i", "span", "u", "small"}
HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>")


def _html_to_text(source: str, report: list[str]) -> str:
    def replace(match):
        closing, name = match.group(1), match.group(2).lower()
        if name == "br":
            return "\n"
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return "\n\n" if closing else "\n\n# "
        if name == "li":
            return "" if closing else "\n* "
        if name in BLOCK_TAGS:
            return "\n\n"
        if name in INLINE_TAGS:
            return ""
        if name in TABLE_TAGS:
            note = "A table was turned into lines of text: check it reads well."
            if note not in report:
                report.append(note)
            if name in ("table", "tr"):
                return "\n\n" if name == "table" else "\n"
            return " " if closing and name in ("td", "th") else ""
        note = f"The HTML tag ‘<{name}>’ could not be converted and is shown as written."
        if note not in report:
            report.append(note)
        return match.group(0)

    text = html.unescape(HTML_TAG.sub(replace, source))
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def convert(body: str, kind: str) -> tuple[str, list[str]]:
    """The wording in the new format, and what could not be converted."""
    names = {**COMMON, **BY_KIND.get(kind, {})}
    report: list[str] = []

    def new_name(path: str) -> str | None:
        return names.get(path.strip())

    text = COMMENT.sub("", body)
    text = SHORT_COMMENT.sub("", text)

    def loop(match):
        name = new_name(match.group(1))
        inner = match.group(2)
        if name not in LISTS or re.search(TAG + r"(for|if)\b", inner):
            return match.group(0)
        report.append(
            f"The list ‘{match.group(1)}’ now shows each item in the standard way: (({name}))."
        )
        return f"\n\n(({name}))\n\n"

    text = FOR_LOOP.sub(loop, text)

    def condition(match):
        name = new_name(re.sub(r"\s+", " ", match.group(1)))
        inner = _html_to_text(match.group(2), report).replace("\n", " ")
        if name is None or not inner or "(" in inner or ")" in inner:
            return match.group(0)
        return f"(({name}??{inner}))"

    text = IF_BLOCK.sub(condition, text)

    def include(match):
        if match.group(1) == "support" and "support_services" in names:
            return SUPPORT_SECTION
        if match.group(1) == "appeal" and "appeal.window" in names:
            return APPEAL_SECTION
        return match.group(0)

    text = INCLUDE.sub(include, text)

    def variable(match):
        name = new_name(match.group(1))
        return f"(({name}))" if name else match.group(0)

    text = VARIABLE.sub(variable, text)
    for leftover in LEFTOVER.findall(text):
        report.append(
            f"‘{leftover[:80]}’ could not be converted and is shown as written: "
            "change it to a placeholder from the list, or remove it."
        )
    return _html_to_text(text, report), report


def forwards(apps, schema_editor):
    LetterWording = apps.get_model("letters", "LetterWording")
    reported = False
    for wording in LetterWording.objects.select_related("area").order_by("pk"):
        body, report = convert(wording.body, wording.kind)
        wording.body = body
        wording.conversion_report = "\n".join(report)
        wording.save(update_fields=["body", "conversion_report"])
        for line in report:
            if not reported:
                print()  # after Django's "Applying ..." on the same line
                reported = True
            print(f"  Letter wording {wording.area.slug} {wording.kind}: {line}")


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0003_letterwording_conversion_report"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
