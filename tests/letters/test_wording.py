"""An area's own letter wording cannot reach objects, settings or templates.

The finding: wording was a Django template with the case in its context, so
``{{ case.case_officer.password }}`` put staff password hashes into every CR1. Wording is
now plain text with ((placeholders)) from a flat dictionary of strings per letter kind.
"""

import importlib

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.urls import reverse

from cases.services import case_assign_officer
from letters import context as letter_context
from letters import services
from letters.constants import LetterKind
from letters.models import LetterWording
from letters.wording import allowed_names
from tests.letters.factories import case_in_state
from tests.letters.test_letters import pdf_text
from tests.letters.test_services import stored_bytes

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "{{ case.case_officer.password }}",
    "{% for r in case.area.role_assignments.all %}{{ r.user.password }}{% endfor %}",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "{% load static %}",
    "{{ request }}",
    '{% include "registration/login.html" %}',
    "((officer_password))",
    "((case.case_officer.password))",
]


@pytest.fixture
def admin(users):
    return users["hertsmere.admin"]


@pytest.fixture
def case(area, officer):
    case = case_in_state(area=area, by=officer, state="gathering_information")
    return case_assign_officer(case=case, by=officer, officer=officer)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_is_refused_at_save(area, admin, payload):
    with pytest.raises(services.LetterWordingError) as refused:
        services.letter_wording_save(
            area=area, kind="CR1", body=f"Dear ((recipient_name)), {payload}", by=admin
        )
    assert refused.value.problems
    assert not LetterWording.objects.exists()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_is_refused_on_the_editor_page_with_the_text_kept(
    client, area, admin, payload
):
    client.force_login(admin)
    url = reverse("letters:wording", args=[area.slug, "CR1"])
    response = client.post(url, {"body": payload})
    assert response.status_code == 200
    assert "govuk-error-message" in response.content.decode()
    assert response.context["form"]["body"].value() == payload
    assert response.context["form"].errors["body"]
    preview = client.post(url, {"body": payload, "preview": "1"})
    assert preview["Content-Type"].startswith("text/html")  # refused, not a PDF
    assert not LetterWording.objects.exists()


def test_payloads_written_straight_into_the_database_are_printed_as_literal_text(
    area, officer, case
):
    body = "\n\n".join(["Ref ((reference))", *PAYLOADS])
    LetterWording.objects.create(area=area, kind=LetterKind.CR1, body=body)
    letter = services.letter_send(case=case, kind="CR1", by=officer)
    text = pdf_text(stored_bytes(letter))
    assert f"Ref {case.reference}" in text
    assert "{{ case.case_officer.password }}" in text
    assert "((officer_password))" in text
    hashes = [officer.password, *(r.user.password for r in area.role_assignments.all())]
    for secret in [settings.SECRET_KEY, *hashes]:
        assert secret not in text
    assert "pbkdf2_sha256" not in text and "argon2" not in text


def test_the_preview_renders_with_the_example_values(area):
    pdf = services.wording_preview(
        area=area,
        kind="CR4",
        body="Officer ((officer_name)).\n\n((wants_to_attend??You will come.))\n\n((support_services))",
    )
    text = pdf_text(pdf)
    assert "Officer Sam Officer." in text
    assert "You will come." in text
    assert "Samaritans: 116 123" in text


@pytest.mark.parametrize("kind", list(LetterKind))
def test_each_letter_kind_fills_exactly_its_placeholders_with_plain_strings(case, kind):
    from letters.wording import values_for

    agency = letter_context.relevant_bodies(case)[0] if kind == LetterKind.CR5 else None
    context = letter_context.letter_context(case=case, kind=kind, agency=agency)
    values = values_for(kind, context)
    assert set(values) == set(allowed_names(kind))
    for name, value in values.items():
        assert isinstance(value, str) or all(isinstance(v, str) for v in value), name


@pytest.mark.parametrize("kind", list(LetterKind))
def test_a_letter_in_the_areas_own_wording_is_sent(area, officer, case, kind):
    from letters.wording import STARTING_WORDING

    LetterWording.objects.create(area=area, kind=kind, body=STARTING_WORDING[kind])
    agency = letter_context.relevant_bodies(case)[0] if kind == LetterKind.CR5 else None
    pdf, context = services.letter_render(case=case, kind=kind, agency=agency)
    text = pdf_text(pdf)
    assert context["wording"] == "area"
    assert case.reference in text
    assert "((" not in text


# -- converting the old wording -------------------------------------------------------

migration = importlib.import_module("letters.migrations.0004_convert_wording_to_placeholders")


def test_old_wording_that_was_used_legitimately_is_converted():
    old = (
        "<h2>Thank you</h2><p>Ref {{ reference }}, received {{ received_on|date:'j F Y' }}."
        "<br>Your officer is <strong>{{ officer.name }}</strong> &amp; team.</p>"
        "<ul>{% for step in next_steps %}<li>{{ step.what }}</li>{% endfor %}</ul>"
        '{% include "letters/_support.html" %}'
    )
    body, report = migration.convert(old, "CR1")
    assert body.startswith(
        "# Thank you\n\nRef ((reference)), received ((received_on)).\n"
        "Your officer is ((officer_name)) & team.\n\n((next_steps))\n\n# Help and support"
    )
    assert body.endswith("((support_services))")
    assert services.placeholders.problems(body, allowed_names("CR1")) == []
    assert report == [
        "The list ‘next_steps’ now shows each item in the standard way: ((next_steps))."
    ]


def test_old_conditionals_become_optional_text():
    body, report = migration.convert(
        "{% if wants_to_attend %}<p>See you there.</p>{% endif %}", "CR4"
    )
    assert body == "((wants_to_attend??See you there.))" and report == []
    body, _ = migration.convert("{% if not appeal_upheld %}It stands.{% endif %}", "appeal_outcome")
    assert body == "((appeal_not_upheld??It stands.))"
    body, _ = migration.convert("By {{ appeal_by|date:'j F Y' }}", "CR3a")
    assert body == "By ((appeal_result_by))"


@pytest.mark.parametrize("payload", PAYLOADS[:7])
def test_unconvertible_old_wording_is_left_as_literal_text_and_reported(payload):
    body, report = migration.convert(f"<p>Hello {payload}</p>", "CR1")
    assert payload in body
    assert report


def test_the_migration_converts_stored_wording_and_keeps_a_report(area, case, officer, capsys):
    LetterWording.objects.create(
        area=area,
        kind="CR1",
        body="<p>Ref {{ reference }}</p><p>{{ case.case_officer.password }}</p>",
    )
    LetterWording.objects.create(area=area, kind="CR3", body='{% include "letters/_appeal.html" %}')
    migration.forwards(django_apps, None)
    cr1 = LetterWording.objects.get(kind="CR1")
    assert cr1.body == "Ref ((reference))\n\n{{ case.case_officer.password }}"
    assert "{{ case.case_officer.password }}" in cr1.conversion_report
    assert "hertsmere CR1" in capsys.readouterr().out
    cr3 = LetterWording.objects.get(kind="CR3")
    assert cr3.body == "# If you are not happy with this decision\n\n((how_to_appeal))"
    assert cr3.conversion_report == ""
    text = pdf_text(services.letter_render(case=case, kind="CR1")[0])
    assert f"Ref {case.reference}" in text and officer.password not in text


def test_the_editor_shows_what_the_conversion_could_not_do(client, area, admin):
    LetterWording.objects.create(
        area=area,
        kind="CR1",
        body="{{ case.case_officer.password }}",
        conversion_report="‘{{ case.case_officer.password }}’ could not be converted.",
    )
    client.force_login(admin)
    page = client.get(reverse("letters:wording", args=[area.slug, "CR1"])).content.decode()
    assert "could not be changed to the new one" in page
    assert (
        "Needs checking"
        in client.get(reverse("letters:area_settings", args=[area.slug])).content.decode()
    )
    client.post(reverse("letters:wording", args=[area.slug, "CR1"]), {"body": "Dear ((reference))"})
    assert LetterWording.objects.get().conversion_report == ""
