"""Where an incident happened: the checks every way in shares (the staff and public
incident forms, the incident import and the agencies' API), and the form fields.

A location is the address or place name as given (kept as typed, spaces collapsed), a
postcode (stored in its standard form, "WD6 1AB"), an optional building or block name and
an optional UPRN (the Unique Property Reference Number, 1 to 12 digits). How the engine
compares them, and which "linked locations" count, is in ``docs/thresholds.md``.
"""

import re

from django import forms
from django.core.exceptions import ValidationError

PLACE_MAX = 300
BUILDING_MAX = 200
POSTCODE_MAX = 8
UPRN_MAX = 12

# The shape of a UK postcode (outward code, then a digit and two letters), after upper-casing
# and removing spaces; GIR 0AA is the one historic exception.
_POSTCODE = re.compile(r"^(GIR0AA|[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2})$")


def clean_place(value: str, *, what: str = "the place", limit: int = PLACE_MAX) -> str:
    """Text as typed, with runs of spaces (and line breaks) collapsed; NUL refused."""
    value = " ".join(str(value or "").split())
    if "\x00" in value:
        raise ValidationError(f"Remove the hidden character from {what}.")
    if len(value) > limit:
        raise ValidationError(f"Shorten {what} to {limit} characters or fewer.")
    return value


def clean_postcode(value: str) -> str:
    """A UK postcode in its standard form ("wd61ab" -> "WD6 1AB"), or "" if none given."""
    text = "".join(str(value or "").upper().split())
    if not text:
        return ""
    if "\x00" in text or len(text) > 7 or not _POSTCODE.match(text):
        raise ValidationError("Enter a real postcode, like WD6 1AB, or leave it blank.")
    return f"{text[:-3]} {text[-3:]}"


def clean_uprn(value: str) -> str:
    """A UPRN: 1 to 12 digits, or "" if none given."""
    text = "".join(str(value or "").split())
    if not text:
        return ""
    if not text.isdigit() or len(text) > UPRN_MAX:
        raise ValidationError("A UPRN is a number of up to 12 digits. Check it, or leave it blank.")
    return str(int(text)) if text.strip("0") else text


class PostcodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)

    def clean(self, value):
        return clean_postcode(super().clean(value))


class UPRNField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value):
        return clean_uprn(super().clean(value))


class PlaceField(forms.CharField):
    """An address, place or building name as typed, spaces collapsed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", PLACE_MAX)
        super().__init__(**kwargs)

    def to_python(self, value):
        return " ".join(str(super().to_python(value) or "").split())
