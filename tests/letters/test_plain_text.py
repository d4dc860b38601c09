"""Every other text people author and the service prints (letter settings, procedure
text in letters and the chair's pack, publication notes) is plain text: template code in
it is refused where it is saved, and printed literally if it is in the data anyway."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from cases.models import Case
from letters import services
from letters.forms import AreaLetterSettingsForm
from letters.models import AreaLetterSettings
from partnerships.procedures import InvalidProcedure, procedure_export, procedure_save_version
from reporting.forms import PublishForm
from reporting.models import Publication
from tests.letters.factories import case_in_state
from tests.letters.test_letters import pdf_text
from tests.letters.test_wording import PAYLOADS

pytestmark = pytest.mark.django_db

TEMPLATE_PAYLOADS = [p for p in PAYLOADS if p.startswith("{")]


@pytest.mark.parametrize("payload", TEMPLATE_PAYLOADS)
def test_letter_settings_with_template_code_are_refused_at_the_field(payload):
    form = AreaLetterSettingsForm(
        {
            "brand_colour": "#1d70b8",
            "appeal_route": payload,
            "support_services": f"Helpline | {payload}",
            "sender_name": payload,
        }
    )
    assert not form.is_valid()
    for field in ("appeal_route", "support_services", "sender_name"):
        assert "do not work here" in form.errors[field][0]


def test_letter_settings_holding_template_code_are_printed_literally(area, officer):
    AreaLetterSettings.objects.create(
        area=area,
        sender_name="{{ settings.SECRET_KEY }}",
        appeal_route="{{ case.case_officer.password }} {% debug %}",
        support_services=[{"name": "{{ request }}", "contact": "{% load static %}"}],
    )
    case = case_in_state(area=area, by=officer, state="threshold_not_met")
    text = pdf_text(services.letter_render(case=case, kind="CR3")[0])
    assert "{{ settings.SECRET_KEY }}" in text
    assert "{{ case.case_officer.password }} {% debug %}" in text
    assert "{{ request }}" in text
    assert settings.SECRET_KEY not in text and officer.password not in text


@pytest.mark.parametrize("payload", TEMPLATE_PAYLOADS)
def test_procedure_text_with_template_code_is_refused(reference, payload):
    text = procedure_export("hertsmere").replace(
        "enforcement_options: [Warning letter,", f"enforcement_options: ['{payload}',", 1
    )
    assert payload in text
    with pytest.raises(InvalidProcedure) as refused:
        procedure_save_version(text=text, expected_slug="hertsmere")
    paths = {e.path: e.message for e in refused.value.errors}
    assert "do not work here" in paths["enforcement_options[0]"]


def test_procedure_text_holding_template_code_is_printed_literally(area, officer):
    case = case_in_state(area=area, by=officer, state="panel_arranged")
    version = case.procedure_version
    data = dict(version.data)
    data["enforcement_options"] = ["{{ settings.SECRET_KEY }}"]
    data["terms_of_reference"] = (
        "{% for r in case.area.role_assignments.all %}{{ r.user.password }}{% endfor %}"
    )
    data["support_services"] = [{"name": "{% debug %}", "contact": "{{ request }}"}]
    stored = type(version).objects.create(
        procedure=version.procedure, number=version.number + 100, data=data, source_yaml=""
    )
    Case.objects.filter(pk=case.pk).update(procedure_version=stored)
    case.refresh_from_db()
    pack = pdf_text(services.chairs_pack_render(case=case))
    assert "{{ settings.SECRET_KEY }}" in pack and settings.SECRET_KEY not in pack
    assert "{{ r.user.password }}" in pack and officer.password not in pack
    letter = pdf_text(services.letter_render(case=case, kind="CR4")[0])
    assert "{% debug %}" in letter and "{{ request }}" in letter


@pytest.mark.parametrize("payload", TEMPLATE_PAYLOADS)
def test_a_publication_note_with_template_code_is_refused(payload):
    form = PublishForm({"year": 2020, "note": payload})
    assert not form.is_valid()
    assert "do not work here" in form.errors["note"][0]


def test_a_publication_note_holding_template_code_is_shown_literally(client, reference):
    merton = reference["areas"]["merton"]
    figures = {
        "applications": 12,
        "threshold_not_met": 0,
        "reviews": 7,
        "reviews_with_recommendations": 5,
    }
    common = {
        "area": merton,
        "year": 2025,
        "period_start": dt.date(2025, 4, 1),
        "period_end": dt.date(2026, 3, 31),
        "figures": figures,
        "suppression_threshold": 5,
    }
    first = Publication.objects.create(**common)
    Publication.objects.create(**common, supersedes=first, note="{{ settings.SECRET_KEY }}")
    html = client.get(reverse("statistics:area", args=["merton"])).content.decode()
    assert "{{ settings.SECRET_KEY }}" in html and settings.SECRET_KEY not in html
