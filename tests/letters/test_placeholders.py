"""The placeholder engine: parse, check against the names a letter has, render escaped.
Pure functions, no database."""

import pytest

from letters import placeholders
from letters.constants import LetterKind
from letters.wording import PLACEHOLDERS, STARTING_WORDING, allowed_names, demo_values

ALLOWED = ["reference", "applicant_name", "wants_to_attend", "support_services"]
VALUES = {
    "reference": "HERT-2026-0001",
    "applicant_name": "Alex <b>Sample</b> & co",
    "wants_to_attend": "yes",
    "support_services": ["Victim Support: 0808 168 9111", "Samaritans: <116 123>"],
}


def test_parse_finds_names_and_optional_text():
    found = placeholders.parse("Ref ((Reference )). ((wants_to_attend??We will tell you.))")
    assert [(p.name, p.optional_text) for p in found] == [
        ("reference", None),
        ("wants_to_attend", "We will tell you."),
    ]


def test_an_unknown_placeholder_is_refused_with_the_names_it_can_use():
    problems = placeholders.problems("Your password: ((officer_password))", ALLOWED)
    assert problems == [
        "((officer_password)) is not a placeholder this letter can use. It can use: "
        "((reference)), ((applicant_name)), ((wants_to_attend)), ((support_services))."
    ]


@pytest.mark.parametrize(
    "text",
    [
        "{{ case.case_officer.password }}",
        "{% for r in case.area.role_assignments.all %}{{ r.user.password }}{% endfor %}",
        "{{ settings.SECRET_KEY }}",
        "{% debug %}",
        "{% load static %}",
        "{{ request }}",
        '{% include "registration/login.html" %}',
        "{# a comment #}",
        "((case.case_officer.password))",
        "((reference)) and ((unfinished",
    ],
)
def test_template_code_and_object_paths_are_refused(text):
    assert placeholders.problems(text, ALLOWED)


def test_ordinary_wording_has_no_problems():
    text = "# Hello\n\nRef ((reference)).\n\n* one\n* two\n\n((support_services))"
    assert placeholders.problems(text, ALLOWED) == []


def test_render_escapes_the_wording_and_every_value():
    html = placeholders.render_html("<script>x</script> Dear ((applicant_name))", VALUES)
    assert "&lt;script&gt;x&lt;/script&gt; Dear Alex &lt;b&gt;Sample&lt;/b&gt; &amp; co" in html
    assert "<script>" not in html and "<b>" not in html


def test_render_lays_out_paragraphs_headings_bullets_and_lists():
    text = "# What next\n\nLine one\nline two\n\n* first\n- second\n\n((support_services))"
    html = placeholders.render_html(text, VALUES)
    assert html == (
        "<h2>What next</h2>\n<p>Line one<br>line two</p>\n"
        "<ul><li>first</li><li>second</li></ul>\n"
        "<ul><li>Victim Support: 0808 168 9111</li><li>Samaritans: &lt;116 123&gt;</li></ul>"
    )


@pytest.mark.parametrize(
    ("value", "shown"), [("yes", True), ("Sam", True), ("no", False), ("", False), ([], False)]
)
def test_optional_text_shows_only_when_the_fact_is_true(value, shown):
    html = placeholders.render_html("((flag??We will tell you the date.))", {"flag": value})
    assert ("We will tell you the date." in html) is shown


@pytest.mark.parametrize(
    "stored",
    [
        "{{ case.case_officer.password }}",
        "{% for r in case.area.role_assignments.all %}{{ r.user.password }}{% endfor %}",
        "{{ settings.SECRET_KEY }}",
        "{% debug %}",
        "{% load static %}{{ request }}",
        '{% include "registration/login.html" %}',
        "((officer_password)) ((case.case_officer.password)) ((__class__))",
    ],
)
def test_stored_wording_that_was_never_checked_renders_as_literal_text(stored):
    html = placeholders.render_html(stored, VALUES)
    assert html == "<p>" + placeholders._escape(stored) + "</p>"


@pytest.mark.parametrize("kind", list(LetterKind))
def test_the_standard_wording_of_every_letter_uses_only_its_own_placeholders(kind):
    assert placeholders.problems(STARTING_WORDING[kind], allowed_names(kind)) == []
    html = placeholders.render_html(STARTING_WORDING[kind], demo_values(kind))
    assert "((" not in html


@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_placeholder_has_a_meaning_and_an_example(kind):
    for name, info in PLACEHOLDERS[kind].items():
        assert placeholders.NAME.fullmatch(name)
        assert info.meaning and info.example, name
