"""The area admin's procedure editing form (the YAML in a textarea, with a change note)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size
from django import forms

from asbcr.fields import plain_length_messages
from asbcr.forms import StaffForm


class ProcedureEditForm(StaffForm):
    text = forms.CharField(
        label="Procedure (YAML)",
        help_text=(
            "Edit the values; keep the comments that say where each value comes from. "
            "'What the sections are', above, says what each section holds."
        ),
        widget=forms.Textarea(
            attrs={"rows": 40, "spellcheck": "false", "wrap": "off", "class": "app-code-textarea"}
        ),
        max_length=200_000,
        strip=False,
    )
    change_note = forms.CharField(
        label="What changed and why",
        help_text="Shown in the version history, for example 'Panel quorum raised to 4 (board 3 May)'.",
        max_length=500,
        error_messages={"required": "Say what changed and why."},
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL


class StaffChoiceField(forms.ModelChoiceField):
    """A person from a scoped pick-list (``partnerships.selectors.staff_choosable_for``):
    an id outside the list is refused in words, whether or not it was ever offered."""

    default_error_messages = {"invalid_choice": "Choose a person from the list."}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", "Choose a person")
        super().__init__(*args, **kwargs)


class AgencyChoiceField(forms.ModelChoiceField):
    """An agency from a scoped pick-list (``partnerships.selectors.agencies_choosable_for``)."""

    default_error_messages = {"invalid_choice": "Choose an agency from the list."}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", "Choose an agency")
        super().__init__(*args, **kwargs)


class NewAreaForm(forms.Form):
    """The new area's YAML (docs/new-area.md), pasted in."""

    text = forms.CharField(
        label="The new area's file (YAML)",
        help_text=(
            "Paste the file: the area, the procedure to copy, the agencies and their SPOCs, "
            "and the staff with their roles. The guide 'Setting up a new area' has an example."
        ),
        widget=forms.Textarea(
            attrs={"rows": 30, "spellcheck": "false", "wrap": "off", "class": "app-code-textarea"}
        ),
        max_length=200_000,
        strip=False,
        error_messages={"required": "Paste the new area's file."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_length_messages(self.fields["text"], "the new area's file")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
