"""Forms for sending letters and for an area's letter settings and wording."""

import re

from django import forms

from asbcr.concurrency import VersionFormMixin
from asbcr.fields import DateInputField, column_length
from asbcr.files import LOGO_KINDS, UploadField
from asbcr.forms import GDSForm
from asbcr.plain_text import validate_no_template_code
from letters.constants import LetterChannel, LetterKind
from letters.language import LetterLanguage
from letters.models import AreaLetterSettings


class SendLetterForm(VersionFormMixin, GDSForm):
    """Send one letter: the channel, and what the officer must add for some letters."""

    reveals = {"channel": {LetterChannel.PHONE: ("note",)}}

    channel = forms.ChoiceField(
        label="How will it be sent?",
        choices=LetterChannel.choices,
        widget=forms.RadioSelect,
        help_text="The recipient's preferred way is chosen for you.",
    )
    note = forms.CharField(
        label="Phone note: what you told them",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, kind: str, bodies=(), timescales=None, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if len(languages) > 1:
            # Areas in Wales: the letter in Welsh, or Welsh and English (letters.language).
            self.fields["language"] = forms.ChoiceField(
                label="Which language?",
                choices=[(v, LetterLanguage(v).label) for v in languages],
                widget=forms.RadioSelect,
                help_text="Welsh if the person asked for Welsh; otherwise both languages, "
                "Welsh first. English only if they asked for English.",
            )
        if kind == LetterKind.CR5:
            self.fields["agency"] = forms.ChoiceField(
                label="Which relevant body is this form for?",
                choices=[(str(b.pk), b.name) for b in bodies],
            )
        if kind == LetterKind.DELAY:
            self.fields["timescale"] = forms.ChoiceField(
                label="Which timescale will be missed?",
                choices=[("", "An appeal stage")]
                + [(k, v.get("rule", k)) for k, v in (timescales or {}).items()],
                required=False,
            )
            self.fields["reason"] = forms.CharField(
                label="Why (in plain words for the applicant)", widget=forms.Textarea
            )
            self.fields["new_date"] = DateInputField(
                label="The new date", required=False, error_name="the new date"
            )
        if kind == LetterKind.APPEAL_OUTCOME:
            self.fields["appeal_upheld"] = forms.ChoiceField(
                label="Was the appeal upheld?",
                choices=[("", "Use the appeal's recorded outcome"), ("yes", "Yes"), ("no", "No")],
                required=False,
            )
            self.fields["appeal_reasons"] = forms.CharField(
                label="Why", widget=forms.Textarea, required=False
            )

    def clean(self):
        data = super().clean()
        if data.get("channel") == LetterChannel.PHONE and not (data.get("note") or "").strip():
            self.add_error("note", "Write a note of what you told them on the phone.")
        return data

    def extra_context(self) -> dict:
        data = self.cleaned_data
        if self.kind == LetterKind.DELAY:
            return {k: data.get(k) for k in ("timescale", "reason", "new_date") if data.get(k)}
        if self.kind == LetterKind.APPEAL_OUTCOME and data.get("appeal_upheld"):
            return {
                "appeal_upheld": data["appeal_upheld"] == "yes",
                "appeal_reasons": data.get("appeal_reasons", ""),
            }
        return {}


def _column(name: str) -> int:
    return column_length(AreaLetterSettings, name)


# Text columns with no length of their own: each is printed on every letter, and saving
# renders a sample letter with it, so a bound keeps that render quick.
RETURN_ADDRESS_MAX = 1_000
AREA_WORDS_MAX = 5_000


class AreaLetterSettingsForm(GDSForm):
    sender_organisation = forms.CharField(
        label="Organisation on the letterhead",
        required=False,
        max_length=_column("sender_organisation"),
    )
    sender_name = forms.CharField(
        label="Sender's name", required=False, max_length=_column("sender_name")
    )
    sender_title = forms.CharField(
        label="Sender's job title", required=False, max_length=_column("sender_title")
    )
    sender_address = forms.CharField(
        label="Return address",
        required=False,
        max_length=RETURN_ADDRESS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    sender_phone = forms.CharField(
        label="Phone", required=False, max_length=_column("sender_phone")
    )
    sender_email = forms.EmailField(label="Email", required=False)
    logo = UploadField(
        label="Logo (PNG, JPEG or SVG, under 200 KB)",
        required=False,
        kinds=LOGO_KINDS,
        max_bytes=200_000,
    )
    logo_alt = forms.CharField(
        label="Logo description", required=False, max_length=_column("logo_alt")
    )
    # No max_length: clean_brand_colour's "Enter a colour like #1d70b8." bounds it.
    brand_colour = forms.CharField(label="Brand colour (like #1d70b8)", initial="#1d70b8")
    support_services = forms.CharField(
        label="Support services, one a line: name | contact",
        required=False,
        max_length=AREA_WORDS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Leave empty to use the procedure's support services.",
    )
    appeal_route = forms.CharField(
        label="How to appeal, in your own words",
        required=False,
        max_length=AREA_WORDS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Leave empty to use the procedure's appeal section.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Letter settings are printed as plain text: template code would do nothing.
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and name != "brand_colour":
                field.validators.append(validate_no_template_code)

    def clean_brand_colour(self):
        value = self.cleaned_data["brand_colour"].strip()
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
            raise forms.ValidationError("Enter a colour like #1d70b8.")
        return value

    def clean_support_services(self):
        services = []
        for n, line in enumerate(self.cleaned_data["support_services"].splitlines(), start=1):
            if not line.strip():
                continue
            name, _, contact = line.partition("|")
            if not name.strip():
                raise forms.ValidationError(f"Line {n}: give the service's name.")
            services.append({"name": name.strip(), "contact": contact.strip()})
        return services

    @staticmethod
    def initial_from(settings) -> dict:
        if settings is None:
            return {}
        initial = {
            f: getattr(settings, f)
            for f in (
                "sender_organisation",
                "sender_name",
                "sender_title",
                "sender_address",
                "sender_phone",
                "sender_email",
                "logo_alt",
                "brand_colour",
                "appeal_route",
            )
        }
        initial["support_services"] = "\n".join(
            f"{s.get('name', '')} | {s.get('contact', '')}" for s in settings.support_services
        )
        return initial


class LetterWordingForm(GDSForm):
    body = forms.CharField(
        label="The body of the letter",
        required=False,
        max_length=20_000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "class": "govuk-textarea app-code"}),
        help_text=(
            "Plain text. Put facts of the case in double brackets, like ((reference)). "
            "Leave empty to go back to the standard letter."
        ),
    )
