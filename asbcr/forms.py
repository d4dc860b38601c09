"""Form helpers every app's views share."""

import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Layout, Size
from django import forms
from django.contrib import messages
from django.core import validators
from django.core.exceptions import BadRequest, ValidationError

from asbcr.concurrency import ConflictError
from asbcr.fields import bounded_text, name_from_label, plain_length_messages


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


_DJANGO_REQUIRED = str(forms.Field.default_error_messages["required"])
_DJANGO_INVALID_CHOICE = {
    str(forms.ChoiceField.default_error_messages["invalid_choice"]),
    str(forms.ModelChoiceField.default_error_messages["invalid_choice"]),
    str(forms.MultipleChoiceField.default_error_messages["invalid_choice"]),
}


def _chooses(field) -> bool:
    widget = field.widget
    return isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.BooleanField) or (
        getattr(widget, "input_type", "") in ("radio", "checkbox", "select")
    )


# A label that is a question ("Why no case review is needed") is not a name to put "the"
# before: a message about the answer quotes it.
_QUESTION = re.compile(r"(why|what|how|who|when|where|which|whether)\b", re.IGNORECASE)


_DJANGO_EMAIL = validators.EmailValidator.message
"""Django's "Enter a valid email address.", which GOV.UK words as the format to use."""


def plain_messages(form) -> None:
    """Give every field of the form messages written for it, from its label, wherever it
    still has Django's generic ones: "Enter the reason for the delay", "Select the
    owning agency", never "This field is required." or "Select a valid choice"."""
    for name, field in form.fields.items():
        label = str(field.label or "").strip() or name.replace("_", " ").strip()
        if not label:
            continue
        messages_ = field.error_messages
        if label.endswith("?"):
            what = f"an answer to ‘{label}’"
        else:
            what = name_from_label(label)
        if str(messages_.get("required", "")) == _DJANGO_REQUIRED:
            if isinstance(field, forms.FileField):
                verb = "Choose"
            elif _chooses(field):
                verb = "Select"
            else:
                verb = "Enter"
            messages_["required"] = f"{verb} {what}"
        if str(messages_.get("invalid_choice", "")) in _DJANGO_INVALID_CHOICE:
            messages_["invalid_choice"] = f"Select {what} from the list"
        asked = "?" in label or _QUESTION.match(label) is not None
        plain_length_messages(field, f"your answer to ‘{label}’" if asked else what)
        if isinstance(field, forms.IntegerField) and str(messages_.get("invalid", "")) == str(
            forms.IntegerField.default_error_messages["invalid"]
        ):
            messages_["invalid"] = f"{_sentence(str(what))} must be a whole number"
        if isinstance(field, forms.TimeField) and str(messages_.get("invalid", "")) == str(
            forms.TimeField.default_error_messages["invalid"]
        ):
            messages_["invalid"] = f"{_sentence(str(what))} must be a real time, like 14:30"
        if isinstance(field, forms.EmailField) and str(
            messages_.get("invalid", _DJANGO_EMAIL)
        ) == str(_DJANGO_EMAIL):
            messages_["invalid"] = f"Enter {what} in the correct format, like name@example.com"


def only_choice(field):
    """The one value a required single-choice field offers, or None (several, or none)."""
    if not field.required or isinstance(field, forms.MultipleChoiceField):
        return None
    if isinstance(field, forms.ModelMultipleChoiceField):
        return None
    if isinstance(field, forms.ModelChoiceField):
        if field.queryset is None:
            return None
        values = list(field.queryset.values_list("pk", flat=True)[:2])
    elif isinstance(field, forms.ChoiceField):
        values = [v for v, _label in field.choices if v not in ("", None)][:2]
    else:
        return None
    return values[0] if len(values) == 1 else None


# GOV.UK: a select is a last resort; a choice of a few options is radios, all in view.
MOST_OPTIONS_FOR_RADIOS = 5


def few_choices_as_radios(field) -> None:
    """Give a single-choice field offering a few options radios instead of a select.

    Counted when the form is shown, so a pick-list that is short in one area (two
    officers) is radios there and stays a select where it is long. A required field's
    radios have no empty option (nothing is chosen until the person chooses); an
    optional one's empty option says "None". Custom widgets are left alone."""
    if type(field.widget) is not forms.Select:
        return
    if isinstance(field, forms.ModelChoiceField):
        if field.queryset is None:
            return
        count = field.queryset[: MOST_OPTIONS_FOR_RADIOS + 1].count()
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
        values = [value for value, _label in field.choices if value not in ("", None)]
        if any(isinstance(value, list | tuple) for _v, value in field.choices):
            return  # grouped options read better as a select
        count = len(values)
    else:
        return
    if not 1 <= count <= MOST_OPTIONS_FOR_RADIOS:
        return
    radios = forms.RadioSelect(attrs=field.widget.attrs)
    field.widget = radios
    if isinstance(field, forms.ModelChoiceField):
        if field.required:
            field.empty_label = None
        elif str(field.empty_label or "").strip("-") == "":
            field.empty_label = "None"
        radios.choices = field.choices
    else:
        choices = [
            (value, label)
            for value, label in field.choices
            if value not in ("", None) or not field.required
        ]
        field.choices = [
            (value, "None" if value in ("", None) and str(label).strip("-") == "" else label)
            for value, label in choices
        ]


class StaffForm(forms.Form):
    """The base of every staff form: every text box bounded (``bounded_text``); plain
    messages at each field (``plain_messages``);
    where a required choice offers only one option, that option already chosen; and a
    choice of a few options shown as radios (``few_choices_as_radios``)."""

    radios_for_few_choices = True
    bound_text = True
    """False for a form whose service checks every length itself, in its own words (the
    privacy forms: "Name must be 200 characters or fewer (you typed 100,000)")."""

    def __getitem__(self, name):
        # Checked when a field is first shown, after any subclass has narrowed its choices.
        checked = self.__dict__.setdefault("_radios_checked", set())
        if self.radios_for_few_choices and name not in checked and name in self.fields:
            checked.add(name)
            few_choices_as_radios(self.fields[name])
        return super().__getitem__(name)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._bound_and_word()

    def full_clean(self):
        self._bound_and_word()  # again: for fields a subclass added after __init__
        super().full_clean()

    def _bound_and_word(self):
        """Every text box bounded (``bounded_text``: sizes capped, as for every input),
        then every message in plain words (``plain_messages``), the limit's included."""
        if self.bound_text:
            for field in self.fields.values():
                bounded_text(field)
        plain_messages(self)

    def get_initial_for_field(self, field, field_name):
        value = super().get_initial_for_field(field, field_name)
        if value is None or value == "":
            only = only_choice(field)
            if only is not None:
                return only
        return value


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


class RevealQuestion(ConditionalQuestion):
    """A GOV.UK radio that reveals the fields under it when chosen (``static/js/reveal.js``,
    loaded by every page). Not GOV.UK Frontend's own script, which sets ``aria-expanded``
    on the radio, an attribute a radio may not have."""

    template = "fields/conditional_question.html"


class GDSForm(StaffForm):
    """A staff form laid out by crispy-forms-gds (``{% crispy form %}``): small labels and
    legends, the page's own ``<form>`` tag, and conditional reveal declared as data.

    ``reveals`` names, for a radios field, the fields shown under each of its choices::

        reveals = {"channel": {Channel.OTHER_BODY: ("forwarded_by_agency", "forwarded_on")}}

    Those fields are shown under that choice when it is chosen (GOV.UK radios with
    conditional reveal) and with it when scripts are off; the form's ``clean`` still says
    which of them the choice needs, since a hidden field is still posted.
    """

    reveals: dict[str, dict[str, tuple[str, ...]]] = {}

    @property
    def helper(self) -> FormHelper:
        # Built when the form is shown, after __init__ has added or narrowed its fields.
        helper = FormHelper()
        helper.form_tag = False
        helper.label_size = Size.SMALL
        helper.legend_size = Size.SMALL
        if self.reveals:
            helper.layout = self._reveal_layout()
        return helper

    def _reveal_layout(self) -> Layout:
        revealed = {
            name
            for by_choice in self.reveals.values()
            for names in by_choice.values()
            for name in names
        }
        items = []
        for name, field in self.fields.items():
            if name in revealed:
                continue
            by_choice = self.reveals.get(name)
            if not by_choice:
                items.append(name)
                continue
            field.widget = forms.RadioSelect(attrs=field.widget.attrs, choices=field.choices)
            choices = []
            for value, label in field.choices:
                shown = [n for n in by_choice.get(value, ()) if n in self.fields]
                choices.append(RevealQuestion(str(label), *shown))
            items.append(ConditionalRadios(name, *choices))
        return Layout(*items)
