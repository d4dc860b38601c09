"""The pages of the online application, in order, and which apply to which applicant."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from public import forms as f

MAX_INCIDENTS = 20


def third_party(data: dict) -> bool:
    return data.get("who", {}).get("applicant_type") == "third_party"


def always(data: dict) -> bool:
    return True


@dataclass(frozen=True)
class Step:
    key: str
    form_class: type | None
    applies: Callable[[dict], bool] = always
    title: object = ""
    extra: dict = field(default_factory=dict)


STEPS = [
    Step("who", f.WhoForm),
    Step("relationship", f.RelationshipForm, third_party),
    Step("consent", f.ConsentForm, third_party),
    Step("victim-type", f.VictimKindForm),
    Step("victim-details", f.PersonDetailsForm, third_party, _("The victim's name and address")),
    Step("your-details", f.PersonDetailsForm, always, _("Your name and address")),
    Step("contact", f.ContactForm),
    Step("needs", f.NeedsForm),
    Step("problem", f.ProblemForm),
    Step("incidents", None),
    Step("impact", f.ImpactForm),
    Step("involvement", f.InvolvementForm),
]
BY_KEY = {s.key: s for s in STEPS}


def step_url(key: str) -> str:
    if key == "incidents":
        return reverse("public:incidents")
    return reverse("public:step", args=[key])


def applicable(data: dict) -> list[Step]:
    return [s for s in STEPS if s.applies(data)]


def is_complete(data: dict, step: Step) -> bool:
    if step.key == "incidents":
        return bool(data.get("incidents"))
    return step.key in data


def first_incomplete_url(data: dict) -> str | None:
    if not data.get("case-review"):
        return reverse("public:case_review")
    for step in applicable(data):
        if not is_complete(data, step):
            if step.key == "incidents":
                return reverse("public:incident", args=[0])
            return step_url(step.key)
    return None


def next_url(data: dict, key: str) -> str:
    steps = applicable(data)
    keys = [s.key for s in steps]
    if key == "case-review":
        return step_url(steps[0].key)
    index = keys.index(key) if key in keys else -1
    if index + 1 < len(steps):
        nxt = steps[index + 1]
        if nxt.key == "incidents" and not data.get("incidents"):
            return reverse("public:incident", args=[0])
        return step_url(nxt.key)
    return reverse("public:check")


def previous_url(data: dict, key: str) -> str:
    steps = applicable(data)
    keys = [s.key for s in steps]
    if key == "case-review":
        return reverse("public:postcode")
    index = keys.index(key) if key in keys else 0
    if index == 0:
        return reverse("public:case_review")
    return step_url(steps[index - 1].key)


def to_json(cleaned: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in cleaned.items()}


def from_json(form_class, stored: dict | None) -> dict:
    """Initial values for a form from stored answers (dates back to dates)."""
    if not stored:
        return {}
    initial = dict(stored)
    for name, fld in form_class.base_fields.items():
        if isinstance(fld, f.DateInputField) and initial.get(name):
            initial[name] = dt.date.fromisoformat(initial[name])
    return initial
