"""Form fields every app shares: dates people type, and text that refuses NUL.

Every date a person types goes through ``DateInputField`` (GOV.UK day, month and year
boxes) or ``TypedDateField`` (one box), so every form refuses the same things with the
same plain words: a day, month or year that is not a number, a date that does not exist
(30 February), and a year outside ``MIN_YEAR``..``MAX_YEAR``. The boxes keep what was
typed, so the person can see and correct it.
"""

import datetime as dt
import re

from crispy_forms_gds.fields import DateInputField as GDSDateInputField
from crispy_forms_gds.widgets import DateInputWidget as GDSDateInputWidget
from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Years a person may type in any date in the service: nothing in a case review happens
# before 1900 or after 2100, and a bound keeps every date a date Python can add days to.
MIN_YEAR = 1900
MAX_YEAR = 2100

_DAY_OR_MONTH = re.compile(r"^[0-9]{1,2}$")
_YEAR = re.compile(r"^[0-9]{4}$")


def _sentence(name: str) -> str:
    return name[:1].upper() + name[1:]


def check_year(value: dt.date, name: str) -> dt.date:
    """Refuse a date whose year is outside the bounds every form shares."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(
            gettext("%(name)s must be a real date between %(first)s and %(last)s")
            % {"name": _sentence(name), "first": MIN_YEAR, "last": MAX_YEAR},
            code="year_out_of_range",
        )
    return value


_ONE_BOX = re.compile(r"^\s*(\d{1,2})[/ .-](\d{1,2})[/ .-](\d{1,4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def _split_one_box(value: str) -> list[str]:
    """A date written in one value (27/3/2026, 2026-03-27) as its day, month and year."""
    if match := _ISO.match(value):
        year, month, day = match.groups()
        return [day, month, year]
    if match := _ONE_BOX.match(value):
        return list(match.groups())
    return ["?", "?", "?"]  # read as "must be a real date", never as blank


class DateInputWidget(GDSDateInputWidget):
    """The GOV.UK day, month and year boxes (``name_0``, ``name_1``, ``name_2``).

    A date sent under the field's own name in one value (a link or bookmark made before
    the boxes, an export's query string) is read into the three boxes, so old links keep
    working and the person sees the date in the boxes."""

    def value_from_datadict(self, data, files, name):
        parts = super().value_from_datadict(data, files, name)
        single = data.get(name)
        if not any(parts) and isinstance(single, str) and single.strip():
            return _split_one_box(single)
        return parts

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)


def name_from_label(label) -> str | None:
    """How a message names a field in the middle of a sentence, from its label:
    "Date of the meeting" gives "the date of the meeting"."""
    if not label:
        return None
    text = str(label).strip().rstrip(":?")
    if text.lower().startswith(("the ", "your ")):
        return text[:1].lower() + text[1:]
    return "the " + text[:1].lower() + text[1:]


def column_length(model, name: str) -> int:
    """The length of ``model``'s ``name`` column, for a form box that saves to it: past it
    PostgreSQL refuses the row (a 500, everything typed lost), so the box refuses first."""
    return model._meta.get_field(name).max_length


TEXT_MAX = 50_000
"""The most any staff text box takes where its form sets no limit of its own: about 8,000
words, more than any note, reason or set of minutes needs. Without a bound a box took a
megabyte and saved it, into rows every page, export and letter of the case then reads."""


def bounded_text(field, limit: int = TEXT_MAX) -> None:
    """Give a text field with no length limit ``limit``: its check, and the box's
    ``maxlength``, as Django gives a field built with one. A field with a limit (its
    column's, or its own) keeps it."""
    if not isinstance(field, forms.CharField) or field.max_length is not None:
        return
    field.max_length = limit
    field.validators.append(validators.MaxLengthValidator(limit))
    field.widget.attrs.update(field.widget_attrs(field.widget))


def plain_length_messages(field, what: str | None = None) -> None:
    """Say a text field's length limits in plain words, as GOV.UK does: "The reason must
    be 5,000 characters or fewer", never Django's "Ensure this value has at most 5000
    characters (it has 5001)." The text stays in the box, to shorten.

    ``what`` names the answer in the middle of a sentence ("the reason for the delay");
    without it the message says "your answer", in the page's language (the public form's
    labels are questions). A message the form set itself is kept."""
    if not isinstance(field, forms.CharField):
        return
    limits = (
        (
            "max_length",
            field.max_length,
            "fewer",
            _("Your answer must be %(limit)s characters or fewer"),
        ),
        (
            "min_length",
            field.min_length,
            "more",
            _("Your answer must be %(limit)s characters or more"),
        ),
    )
    for code, limit, bound, yours in limits:
        if limit is None or code in field.error_messages:
            continue
        if what:
            message = f"{_sentence(str(what))} must be {limit:,} characters or {bound}"
        else:
            message = str(yours) % {"limit": f"{limit:,}"}
        field.error_messages[code] = message


class DateInputField(GDSDateInputField):
    """A GOV.UK date input (day, month and year boxes) that never lets a bad date through.

    ``error_name`` is how the messages name the date, in the middle of a sentence: "the
    date the incident happened" gives "Enter the date the incident happened" and "The
    date the incident happened must be a real date". Without it, the name comes from
    the label ("Due date" gives "the due date").
    """

    widget = DateInputWidget

    def __init__(self, *, error_name=None, **kwargs):
        super().__init__(**kwargs)
        self.error_name = error_name or name_from_label(kwargs.get("label")) or _("the date")
        self.error_messages["required"] = kwargs.get("error_messages", {}).get(
            "required"
        ) or format_lazy(_("Enter {name}"), name=self.error_name)
        for sub in self.fields:
            sub.validators = []  # clean() checks every box itself, with one set of words

    def _fail(self, message, code="invalid"):
        raise ValidationError(message % {"name": _sentence(str(self.error_name))}, code=code)

    def clean(self, value):
        if self.disabled and not isinstance(value, list | tuple):
            value = self.widget.decompress(value)
        if not isinstance(value, list | tuple):
            value = [None, None, None]
        parts = [("" if v is None else str(v)).strip() for v in (list(value) + [None] * 3)[:3]]
        if not any(parts):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        missing = [
            word
            for word, part in zip((_("a day"), _("a month"), _("a year")), parts, strict=True)
            if not part
        ]
        if missing:
            self._fail(
                gettext("%(name)s must include ") + gettext(" and ").join(str(m) for m in missing),
                code="incomplete",
            )
        day, month, year = parts
        if not (_DAY_OR_MONTH.match(day) and _DAY_OR_MONTH.match(month)):
            self._fail(gettext("%(name)s must be a real date"))
        if not _YEAR.match(year):
            self._fail(gettext("%(name)s must be a real date, with a year of 4 numbers"))
        try:
            out = dt.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            self._fail(gettext("%(name)s must be a real date"))
        check_year(out, str(self.error_name))
        self.validate(out)
        self.run_validators(out)
        return out

    def compress(self, data_list):  # clean() above does the work; kept for the base class
        if not data_list or not all(data_list):
            return None
        day, month, year = data_list
        return dt.date(int(year), int(month), int(day))


class TypedDateField(forms.DateField):
    """A date typed in one box (ISO or day/month/year), refused outside the shared years."""

    def __init__(self, *, error_name=None, **kwargs):
        super().__init__(**kwargs)
        self.error_name = error_name or _("the date")
        if "invalid" not in kwargs.get("error_messages", {}):
            self.error_messages["invalid"] = format_lazy(
                _("{name} must be a real date"), name=lazy(_sentence, str)(self.error_name)
            )

    def to_python(self, value):
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            out = super().to_python(value)
        except OverflowError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if out is not None:
            check_year(out, str(self.error_name))
        return out
