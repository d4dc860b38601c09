"""The public forms: one question per page, in GOV.UK Design System markup (public/govuk.py).

Every field has a size limit so a draft can never grow without bound, and every message
goes through Django's translation machinery.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asbcr.fields import DateInputField, plain_length_messages
from asbcr.files import STATEMENT_KINDS, UploadField
from cases.constants import ContactMethod, PartyKind, Relationship
from cases.locations import PlaceField, PostcodeField
from public.govuk import RENDERER, Choice, Fieldset, GovukBoundField

SHORT = 200
MEDIUM = 2000
LONG = 5000

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def text(label, max_length=SHORT, required=True, **kwargs):
    return forms.CharField(label=label, max_length=max_length, required=required, **kwargs)


def textarea(label, max_length=LONG, required=True, **kwargs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": 6}),
        **kwargs,
    )


def radios(label, choices, **kwargs):
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, **kwargs)


EMAIL_FORMAT = _("Enter an email address in the correct format, like name@example.com")
"""GOV.UK's words for an email address that is not one (Django says "Enter a valid email
address.")."""


class PublicForm(forms.Form):
    """A page's questions in GOV.UK markup: ``{{ form }}`` renders ``layout``, each field
    through the template its widget calls for (public/govuk.py).

    ``heading`` names the field whose label or legend is the page's h1; ``reveals``, for
    a radios field, the fields shown under each of its choices when it is chosen;
    ``fieldsets`` groups fields under a legend, ``{first field: (legend, names)}``."""

    heading: str | None = None
    page_title = ""
    reveals: dict[str, dict[str, tuple[str, ...]]] = {}
    fieldsets: dict[str, tuple] = {}
    template_name = "public/fields/form.html"
    default_renderer = RENDERER
    bound_field_class = GovukBoundField

    def __init__(self, *args, area=None, **kwargs):
        self.area = area
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            plain_length_messages(field)
            if isinstance(field, forms.EmailField):
                field.error_messages.setdefault("invalid", EMAIL_FORMAT)
            if field.required:
                field.error_messages["required"] = self.required_messages().get(
                    name, _("Answer this question")
                )

    def required_messages(self) -> dict:
        return {}

    @property
    def layout(self) -> list:
        """The fields in order: a revealed field under its choice, not on its own; a
        fieldset in place of its first field."""
        revealed = {
            n for by_choice in self.reveals.values() for ns in by_choice.values() for n in ns
        }
        grouped = {n for _legend, names in self.fieldsets.values() for n in names}
        items = []
        for name in self.fields:
            if name in self.fieldsets:
                legend, names = self.fieldsets[name]
                items.append(Fieldset(legend, [self[n] for n in names if n in self.fields]))
            elif name not in revealed and name not in grouped:
                items.append(self[name])
        return items

    @property
    def title(self):
        if self.heading:
            return self.fields[self.heading].label
        return self.page_title


# -- the application -----------------------------------------------------------


class PostcodeForm(PublicForm):
    heading = "postcode"
    postcode = text(
        _("What is the postcode where the anti-social behaviour is happening?"),
        max_length=10,
        help_text=_("For example, WD6 1AA. We use it to find the area that will handle your case."),
    )

    def required_messages(self):
        return {"postcode": _("Enter a postcode")}

    def clean_postcode(self):
        from public.selectors import area_for_postcode

        value = self.cleaned_data["postcode"].strip().upper()
        if not value.replace(" ", "").isalnum() or len(value.replace(" ", "")) < 2:
            raise ValidationError(_("Enter a postcode, like WD6 1AA"))
        self.found_area = area_for_postcode(postcode=value)
        if self.found_area is None:
            raise ValidationError(
                _(
                    "We could not find an area using this service for that postcode. "
                    "Choose your area from the list instead"
                )
            )
        return value


class AreaChoiceForm(PublicForm):
    heading = "area"
    area = forms.ChoiceField(
        label=_("Which area is the anti-social behaviour happening in?"),
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.slug, a.name) for a in areas]

    def required_messages(self):
        return {"area": _("Select the area where the anti-social behaviour is happening")}


class WhoForm(PublicForm):
    heading = "applicant_type"
    applicant_type = radios(
        _("Who is applying?"),
        [
            ("victim", _("I am the victim of the anti-social behaviour")),
            ("third_party", _("I am applying for someone else, with their agreement")),
        ],
    )

    def required_messages(self):
        return {"applicant_type": _("Select who is applying")}


class RelationshipForm(PublicForm):
    heading = "relationship"
    relationship = radios(
        _("How do you know the victim?"),
        [
            (Relationship.FRIEND, _("Friend")),
            (Relationship.RELATIVE, _("Relative")),
            (Relationship.CARER, _("Carer")),
            (Relationship.COUNCILLOR, _("Councillor")),
            (Relationship.MP, _("MP")),
            (Relationship.PROFESSIONAL, _("Professional, such as a support worker")),
            (Relationship.OTHER, _("Other")),
        ],
    )

    def required_messages(self):
        return {"relationship": _("Select how you know the victim")}


class ConsentForm(PublicForm):
    heading = "victim_consent"
    victim_consent = radios(_("Has the victim agreed to you applying for them?"), YES_NO)
    consent_missing_reason = textarea(
        _("If not, why could you not get their agreement?"),
        max_length=MEDIUM,
        required=False,
        help_text=_("For example, they are too unwell or do not have capacity to agree."),
    )

    def required_messages(self):
        return {"victim_consent": _("Select yes if the victim has agreed")}

    def clean(self):
        data = super().clean()
        if (
            data.get("victim_consent") == "no"
            and not data.get("consent_missing_reason", "").strip()
        ):
            self.add_error(
                "consent_missing_reason", _("Tell us why you could not get the victim's agreement")
            )
        return data


class VictimKindForm(PublicForm):
    heading = "kind"
    kind = radios(
        _("Who is affected by the anti-social behaviour?"),
        [
            (PartyKind.PERSON, _("A person or household")),
            (PartyKind.BUSINESS, _("A business")),
            (PartyKind.COMMUNITY_GROUP, _("A community group")),
        ],
    )

    def required_messages(self):
        return {"kind": _("Select who is affected")}


ADDRESS_LINES = ("address_line_1", "address_line_2", "town", "county")
ADDRESS_FIELDS = (*ADDRESS_LINES, "postcode")


def address_from_lines(data: dict) -> str:
    """The address as the case keeps it: the lines given, one to a line."""
    return "\n".join(v.strip() for v in (data.get(n) or "" for n in ADDRESS_LINES) if v.strip())


def lines_from_address(address: str) -> dict:
    """An address kept as lines (an answer saved before the address had its own boxes) put
    back into the boxes: the first line, the town last, anything between on line 2."""
    lines = [line.strip() for line in (address or "").splitlines() if line.strip()]
    if not lines:
        return {}
    if len(lines) == 1:
        return {"address_line_1": lines[0]}
    return {
        "address_line_1": lines[0],
        "address_line_2": ", ".join(lines[1:-1]),
        "town": lines[-1],
    }


class PersonDetailsForm(PublicForm):
    """Name and address of the applicant (or the victim, for a third party), the address
    to the GOV.UK address pattern: its lines, town or city, county and postcode, each a
    box of its own with the browser's autocomplete."""

    name = text(_("Full name"), widget=forms.TextInput(attrs={"autocomplete": "name"}))
    organisation_contact = text(
        _("Name of the person we should speak to (for a business or group)"), required=False
    )
    address_line_1 = text(
        _("Address line 1"), widget=forms.TextInput(attrs={"autocomplete": "address-line1"})
    )
    address_line_2 = text(
        _("Address line 2 (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    town = text(
        _("Town or city"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    county = text(
        _("County (optional)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )
    postcode = text(
        _("Postcode"), max_length=10, widget=forms.TextInput(attrs={"autocomplete": "postal-code"})
    )
    fieldsets = {ADDRESS_FIELDS[0]: (_("Address"), ADDRESS_FIELDS)}

    def __init__(self, *args, kind="person", title="", **kwargs):
        initial = kwargs.get("initial")
        if initial and initial.get("address") and not initial.get("address_line_1"):
            kwargs["initial"] = {**initial, **lines_from_address(initial["address"])}
        super().__init__(*args, **kwargs)
        self.page_title = title
        if kind == PartyKind.PERSON:
            del self.fields["organisation_contact"]
        else:
            self.fields["name"].label = _("Name of the business or group")

    def required_messages(self):
        return {
            "name": _("Enter the name"),
            "address_line_1": _("Enter address line 1, typically the building and street"),
            "town": _("Enter town or city"),
            "postcode": _("Enter the postcode"),
        }

    def clean(self):
        data = super().clean()
        data["address"] = address_from_lines(data)
        return data

    def clean_postcode(self):
        value = self.cleaned_data["postcode"].strip().upper()
        if not value.replace(" ", "").isalnum():
            raise ValidationError(_("Enter a postcode, like WD6 1AA"))
        return value


class ContactForm(PublicForm):
    """One question, asked once: the email box is revealed under "Email", the phone box
    under "Phone"."""

    heading = "preferred_contact"
    preferred_contact = radios(
        _("How would you like us to contact you?"),
        [
            (ContactMethod.EMAIL, _("Email")),
            (ContactMethod.PHONE, _("Phone")),
            (ContactMethod.POST, _("Post")),
        ],
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        required=False,
        help_text=_("We will send your case reference and a private link to follow your case."),
    )
    phone = text(_("Phone number"), max_length=30, required=False)
    reveals = {
        "preferred_contact": {ContactMethod.EMAIL: ("email",), ContactMethod.PHONE: ("phone",)}
    }

    def required_messages(self):
        return {"preferred_contact": _("Select how you would like us to contact you")}

    def clean(self):
        data = super().clean()
        method = data.get("preferred_contact")
        if method == ContactMethod.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error(
                "email", _("Enter an email address, or choose another way to contact you")
            )
        if method == ContactMethod.PHONE and not data.get("phone", "").strip():
            self.add_error("phone", _("Enter a phone number, or choose another way to contact you"))
        return data


class NeedsForm(PublicForm):
    page_title = _("Do you need any help to take part?")
    accessibility_needs = textarea(
        _("Tell us about any support or adjustments you need (optional)"),
        max_length=MEDIUM,
        required=False,
        help_text=_("For example, large print, an interpreter, help to attend a meeting."),
    )
    language = text(
        _("If you would prefer a language other than English, which one? (optional)"),
        max_length=50,
        required=False,
    )


class ProblemForm(PublicForm):
    heading = "summary"
    summary = textarea(
        _("Describe the anti-social behaviour"),
        help_text=_(
            "Tell us what is happening, where, and who is doing it if you know. "
            "You can give details of each incident on the next pages."
        ),
    )

    def required_messages(self):
        return {"summary": _("Describe the anti-social behaviour")}


class IncidentForm(PublicForm):
    page_title = _("Tell us about an incident")
    description = textarea(_("What happened?"), max_length=MEDIUM)
    incident_date = DateInputField(
        label=_("When did it happen?"),
        help_text=_("For example, 27 3 2026"),
        error_name=_("the date the incident happened"),
    )
    reported_date = DateInputField(
        label=_("When did you report it? (optional)"),
        required=False,
        error_name=_("the date you reported it"),
        help_text=_("Leave this blank if you did not report it."),
    )
    reported_to = forms.ChoiceField(label=_("Who did you report it to? (optional)"), required=False)
    agency_reference = text(
        _("Reference number they gave you (optional)"), max_length=100, required=False
    )
    location = PlaceField(
        label=_("Where did it happen? (optional)"),
        help_text=_("The address, or a place such as the play area on Park Road"),
    )
    postcode = PostcodeField(label=_("Postcode, if you know it (optional)"))

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_to"].choices = [("", _("Choose an organisation"))] + [
            (a.slug, a.name) for a in agencies
        ]
        self.fields["incident_date"].error_messages["required"] = _(
            "Enter the date the incident happened"
        )

    def required_messages(self):
        return {"description": _("Describe what happened")}

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        happened, reported = data.get("incident_date"), data.get("reported_date")
        if happened and happened > today:
            self.add_error("incident_date", _("The date it happened must be today or in the past"))
        if reported and reported > today:
            self.add_error(
                "reported_date", _("The date you reported it must be today or in the past")
            )
        if happened and reported and reported < happened:
            self.add_error(
                "reported_date", _("The date you reported it must be after the date it happened")
            )
        return data


class AddAnotherForm(PublicForm):
    add_another = radios(_("Do you need to add another incident?"), YES_NO)

    def required_messages(self):
        return {"add_another": _("Select yes if you need to add another incident")}


class ImpactForm(PublicForm):
    heading = "impact"
    impact = textarea(
        _("How has the anti-social behaviour affected you?"),
        help_text=_("For example, on your health, your sleep, your work or your family."),
    )

    def required_messages(self):
        return {"impact": _("Tell us how the anti-social behaviour has affected you")}


class InvolvementForm(PublicForm):
    """How the applicant wants to take part; "I do not want to take part" is the GOV.UK
    exclusive "none" option: shown after "or", it unticks the others in the browser and is
    refused with them here."""

    heading = "involvement"
    NONE = "neither"
    involvement = forms.MultipleChoiceField(
        label=_("How would you like to take part in the review?"),
        help_text=_("Select all that apply."),
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("attend", _("Come to the first part of the review meeting (in person or online)")),
            ("statement", _("Send a written statement about how it has affected you")),
            Choice(NONE, _("I do not want to take part"), divider=_("or"), exclusive=True),
        ],
    )

    def required_messages(self):
        return {"involvement": _("Select how you would like to take part")}

    def clean_involvement(self):
        value = self.cleaned_data["involvement"]
        if self.NONE in value and len(value) > 1:
            raise ValidationError(
                _("Select how you would like to take part, or that you do not want to take part")
            )
        return value


class SubmitForm(forms.Form):
    """The check-your-answers form: only a honeypot, which people never see or fill in."""

    website = forms.CharField(required=False, max_length=200)


class SaveForLaterForm(PublicForm):
    heading = "email"
    email = forms.EmailField(
        label=_("What email address should we send your link to?"),
        max_length=254,
        help_text=_("The link lets you come back to your application for 30 days."),
    )

    def required_messages(self):
        return {"email": _("Enter an email address")}


# -- tracking ------------------------------------------------------------------


class ImpactStatementForm(PublicForm):
    page_title = _("Send an impact statement")
    text = textarea(
        _("Your statement"),
        required=False,
        help_text=_("Tell the review panel how the anti-social behaviour has affected you."),
    )
    attachment = UploadField(
        label=_("Or attach your statement as a file (optional)"),
        required=False,
        kinds=STATEMENT_KINDS,
        help_text=_("PDF, Word, text, a photo or a voice recording (MP3 or M4A), up to 5 MB."),
    )

    def clean(self):
        data = super().clean()
        if not data.get("text", "").strip() and not data.get("attachment") and not self.errors:
            self.add_error("text", _("Write your statement, or attach it as a file"))
        return data


class ContactUpdateForm(ContactForm):
    heading = None
    page_title = _("Update your contact details")
    # Every detail can be updated whichever way they prefer to hear from us: no reveal.
    reveals = {}
    address = textarea(_("Address"), max_length=500, required=False)
    postcode = text(_("Postcode"), max_length=10, required=False)

    def clean(self):
        data = super().clean()
        if (
            data.get("preferred_contact") == ContactMethod.POST
            and not data.get("address", "").strip()
        ):
            self.add_error("address", _("Enter your address, or choose another way to contact you"))
        return data


class AppealForm(PublicForm):
    page_title = _("Ask for an appeal")
    grounds = forms.MultipleChoiceField(
        label=_("Why are you asking for an appeal?"),
        help_text=_("Select all that apply."),
        widget=forms.CheckboxSelectMultiple,
    )
    details = textarea(_("Tell us more about why you are asking for an appeal"), max_length=LONG)

    def __init__(self, *args, grounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grounds"].choices = list(grounds)

    def required_messages(self):
        return {
            "grounds": _("Select at least one reason for your appeal"),
            "details": _("Tell us more about why you are asking for an appeal"),
        }
