"""GOV.UK Design System markup for the public forms, through Django's own form rendering.

Each field of a ``PublicForm`` is a ``GovukBoundField``: ``{{ form }}`` renders the form's
layout (``public/fields/form.html``) and ``{{ form.name.as_field_group }}`` one field,
with the template its widget calls for (text input, textarea with a character count,
radios with conditional reveal, checkboxes, date input, select, file upload). The
templates are plain and small; what they need (ids, ``aria-describedby``, the values
typed, which choice is checked) is worked out here, once, in Python.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.functional import Promise, cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

# The project's template engine (cached templates in production), not Django's own
# form templates: the field templates live in templates/public/fields/.
RENDERER = TemplatesSetting()

TEMPLATES = "public/fields/"

# Attributes the templates write themselves; any other widget attribute (autocomplete,
# maxlength, spellcheck, rows) is written as it is.
_OWN_ATTRS = {"class", "id", "name", "type", "value", "aria-describedby", "aria-invalid", "label"}


class Choice(Promise):
    """A choice of a radios or checkboxes field with GOV.UK extras: ``divider`` (a word
    such as "or" shown before it) and ``exclusive`` (the "none" checkbox, which unticks
    the others). A Promise, so Django keeps it whole in a field's choices."""

    def __init__(self, value, label, *, divider=None, exclusive=False):
        self.value = value
        self.label = label
        self.divider = divider
        self.exclusive = exclusive

    def __iter__(self):
        return iter((self.value, self.label))

    def __getitem__(self, index):
        return (self.value, self.label)[index]

    def __len__(self):
        return 2


class Fieldset:
    """Fields grouped under one legend (an address: its lines, town and postcode)."""

    is_fieldset = True

    def __init__(self, legend, fields):
        self.legend = legend
        self.fields = fields


def _kind(field) -> str:
    widget = field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):  # a RadioSelect too: first
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.MultiWidget):
        return "date"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


class GovukBoundField(BoundField):
    """A public form's field with what its GOV.UK template needs."""

    is_fieldset = False

    @property
    def template_name(self):
        return self.field.template_name or f"{TEMPLATES}{self.kind}.html"

    @cached_property
    def kind(self) -> str:
        return _kind(self.field)

    @cached_property
    def heading(self) -> bool:
        """This field's label or legend is the page's h1."""
        return self.name == getattr(self.form, "heading", None)

    @cached_property
    def hint_id(self) -> str:
        return f"{self.auto_id}_hint" if self.help_text else ""

    @cached_property
    def error_items(self) -> list[tuple[str, str]]:
        """Each error with its id (``id_name_1_error``, ...), for the message and for
        ``aria-describedby``."""
        return [(f"{self.auto_id}_{i}_error", e) for i, e in enumerate(self.errors, 1)]

    @cached_property
    def max_characters(self) -> int | None:
        return getattr(self.field, "max_length", None) if self.kind == "textarea" else None

    @cached_property
    def count_id(self) -> str:
        return f"{self.auto_id}-info" if self.max_characters else ""

    @cached_property
    def describedby(self) -> str:
        """The ids of the hint, the character count and the errors, in that order."""
        ids = [self.hint_id, self.count_id, *(i for i, _e in self.error_items)]
        return " ".join(i for i in ids if i)

    @cached_property
    def anchor(self) -> str:
        """Where the error summary's link lands: the first radio or checkbox, the day box
        of a date, otherwise the input itself."""
        if self.kind in ("radios", "checkboxes"):
            return f"{self.auto_id}_1"
        if self.kind == "date":
            return f"{self.auto_id}_0"
        return self.auto_id

    @cached_property
    def input_class(self) -> str:
        if self.kind == "textarea":
            return "govuk-textarea" + (" govuk-js-character-count" if self.max_characters else "")
        width = (getattr(self.field, "max_length", None) or 0) > 20
        return "govuk-input " + ("govuk-!-width-two-thirds" if width else "govuk-input--width-10")

    @cached_property
    def input_type(self) -> str:
        return getattr(self.field.widget, "input_type", "text")

    @cached_property
    def extra_attrs(self):
        """The widget's other attributes (maxlength, autocomplete, rows ...), escaped."""
        widget = self.field.widget
        attrs = {**widget.attrs, **self.field.widget_attrs(widget)}
        if self.kind == "textarea":
            attrs = {"cols": "40", "rows": "10", **attrs}
        items = [(k, v) for k, v in attrs.items() if k not in _OWN_ATTRS and v is not False]
        bare = [k for k, v in items if v is True]
        pairs = [(k, v) for k, v in items if v is not True and v is not None]
        html = format_html_join("", ' {}="{}"', pairs)
        return mark_safe(html + "".join(format_html(" {}", k) for k in bare))

    @cached_property
    def text_value(self) -> str | None:
        """The value for the box: what was typed (or what was saved), never lost on error."""
        value = self.value()
        if value is None or value == "":
            return None
        return str(value)

    @cached_property
    def choices(self) -> list[dict]:
        """Radios or checkboxes, numbered from 1 (``id_name_1``), each with the fields it
        reveals when chosen (the form's ``reveals``)."""
        value = self.value()
        if self.kind == "checkboxes":
            chosen = {str(v) for v in (value or ())}
        else:
            chosen = {"" if value is None else str(value)}
        reveals = getattr(self.form, "reveals", {}).get(self.name, {})
        out = []
        for number, choice in enumerate(self.field.choices, 1):
            key, label = choice[0], choice[1]
            ident = f"{self.auto_id}_{number}"
            revealed = [self.form[n] for n in reveals.get(key, ()) if n in self.form.fields]
            out.append(
                {
                    "value": key,
                    "label": label,
                    "id": ident,
                    "checked": str(key) in chosen,
                    "divider": getattr(choice, "divider", None),
                    "exclusive": getattr(choice, "exclusive", False),
                    "revealed": revealed,
                    "reveal_id": f"conditional_{self.html_name}_{number}" if revealed else "",
                }
            )
        return out

    @cached_property
    def conditional(self) -> bool:
        return any(c["revealed"] for c in self.choices)

    @cached_property
    def options(self) -> list[tuple[str, str, bool]]:
        value = self.value()
        chosen = "" if value is None else str(value)
        return [(str(k), label, str(k) == chosen) for k, label in self.field.choices]

    @cached_property
    def date_parts(self) -> list[dict]:
        """The day, month and year boxes, each with what was typed in it."""
        widget = self.field.widget
        value = self.value()
        if not isinstance(value, list | tuple):
            value = widget.decompress(value)
        value = list(value or ()) + [None] * 3
        out = []
        for index, sub in enumerate(widget.widgets):
            part = value[index]
            out.append(
                {
                    "name": f"{self.html_name}_{index}",
                    "id": f"{self.auto_id}_{index}",
                    "label": sub.attrs.get("label", ""),
                    "width": "govuk-input--width-4" if index == 2 else "govuk-input--width-2",
                    "value": None if part is None or part == "" else str(part),
                }
            )
        return out
