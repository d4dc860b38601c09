"""Words, not codes: the one place a stored code becomes the label a person reads.

Every filter takes a stored value (a state, an agency slug, a route, a date) and gives
the label from the TextChoices or the procedure; a value with no label is written out in
plain words rather than shown as it is stored.
"""

from datetime import date, datetime

from django import template
from django.utils import dateformat, timezone

from asbcr import words

register = template.Library()

LONG_DATE = "j F Y"


def plain_words(code) -> str:
    """A code with no label, written as words: ``three_complaints`` -> "Three complaints"."""
    text = str(code or "").replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


@register.filter
def state_label(code) -> str:
    """A case state's label ("gathering_information" -> "Gathering information")."""
    return words.label("case_state", code) or plain_words(code)


@register.filter
def view_label(code) -> str:
    """A body's view on the threshold ("not_met" -> "Not met")."""
    return words.label("threshold_view", code) or plain_words(code)


@register.filter
def agency_name(slug) -> str:
    """An agency's name from its slug."""
    return words.label("agency", slug) or plain_words(slug)


@register.simple_tag(takes_context=True)
def agency_name_of(context, slug, default="–") -> str:
    """``agency_name`` for a table: each agency is looked up once per page, not once per
    row (the names are kept in the render context, which lives as long as the page)."""
    if not slug:
        return default
    names = context.render_context.setdefault("agency_names", {})
    if slug not in names:
        names[slug] = agency_name(slug)
    return names[slug]


@register.filter
def route_name(route) -> str:
    """A threshold route by the procedure's own name for it, else its key in words."""
    if isinstance(route, dict):
        return route.get("name") or plain_words(route.get("key"))
    return getattr(route, "name", None) or plain_words(getattr(route, "key", route))


@register.filter
def decision_rule_label(rule) -> str:
    """A procedure's decision rule in words ("administering_body" -> "the administering
    body decides")."""
    return words.label("decision_rule", rule) or plain_words(rule).lower()


@register.filter
def long_date(value) -> str:
    """A date as people write it: "3 October 2026". Takes a date, datetime or ISO text."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, LONG_DATE)


@register.filter
def long_datetime(value) -> str:
    """A moment as people write it: "1 December 2026 at 10:49am" (local time)."""
    if not value:
        return ""
    if not isinstance(value, datetime):
        return long_date(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    hour = value.hour % 12 or 12
    return f"{long_date(value)} at {hour}:{value.minute:02d}{'am' if value.hour < 12 else 'pm'}"


@register.filter
def record_key(key) -> str:
    """An agency's own reference for a person from an imported log, without the import's
    prefix ("demo:hertsmere:resident-a" -> "resident-a")."""
    return str(key or "").rsplit(":", 1)[-1]


@register.filter
def event_summary(event) -> str:
    """A timeline event's headline, rebuilt from what it records where it can be, so an
    event stored with field names in its summary still reads in words (each app that
    records events registers how its own are read: ``asbcr.words.register_summary``)."""
    return words.summary(event) or event.summary


@register.simple_tag
def number_in(items, key):
    """Where a record stands in the list the page shows (1, 2, 3...), so people refer to
    "complaint 2" rather than to its database id."""
    for position, item in enumerate(items or [], start=1):
        ident = item.get("id") if isinstance(item, dict) else getattr(item, "pk", None)
        if str(ident) == str(key):
            return position
    return ""


@register.filter
def ground_labels(record) -> str:
    """An appeal's (or an applicant's appeal request's) grounds by the procedure's own
    labels, joined in a sentence."""
    section = record.case.procedure_version.section("appeal")
    labels = {g["key"]: g["label"] for g in section.get("grounds", [])}
    return "; ".join(labels.get(key, plain_words(key)) for key in record.grounds or [])
