"""The layout's parts rendered once a language (``{% per_language %}``, asbcr/templatetags/layout.py)."""

import re
from pathlib import Path

import pytest
from django.template import TemplateSyntaxError, engines
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db

BASE = (Path(__file__).resolve().parents[2] / "templates" / "base.html").read_text()


def _render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return engines["django"].from_string(source).render({"service_name": "S", **context})


@pytest.mark.parametrize("language", ["en", "cy", "en"])
def test_the_layout_is_the_same_as_without_the_fragments(language):
    plain = re.sub(r"\{% (end_)?per_language %\}", "", BASE).replace(" layout %}", " %}", 1)
    assert _render(BASE, language) == _render(plain, language)


def test_each_language_gets_its_own_layout(reference):
    client = Client()
    english = client.get("/apply/postcode/").content.decode()
    client.cookies["django_language"] = "cy"
    welsh = client.get("/apply/postcode/").content.decode()
    client.cookies["django_language"] = "en"
    again = client.get("/apply/postcode/").content.decode()
    assert '<html lang="en"' in english and '<html lang="en"' in again
    assert '<html lang="cy"' in welsh
    assert "Skip to main content" in english and "Skip to main content" not in welsh


def test_a_different_service_name_is_not_given_another_pages_text():
    source = "{% load layout %}{% per_language %}<b>{{ service_name }}</b>{% end_per_language %}"
    template = engines["django"].from_string(source)
    assert template.render({"service_name": "One"}) == "<b>One</b>"
    assert template.render({"service_name": "Two"}) == "<b>Two</b>"
    assert template.render({}) == "<b></b>"


@pytest.mark.parametrize(
    "inside",
    [
        "{% csrf_token %}",
        "{{ request.path }}",
        "{{ user }}",
        "{% if messages %}x{% endif %}",
        "{% block b %}{% endblock %}",
        "{% url 'public:step' key %}",
        "{% translate message %}",
        "{% static name %}",
        "{{ service_name|default:other }}",
        "{% blocktranslate %}x{% endblocktranslate %}",
    ],
)
def test_anything_that_can_change_between_requests_is_refused(inside):
    source = "{% load layout static i18n %}{% per_language %}" + inside + "{% end_per_language %}"
    with pytest.raises(TemplateSyntaxError):
        engines["django"].from_string(source)


def test_constant_tags_are_allowed():
    source = (
        "{% load layout static i18n %}{% per_language %}{% static 'css/app.css' %} "
        "{% url 'start' %} {% translate 'Beta' %} {{ LANGUAGE_CODE|default:'en' }}"
        "{% end_per_language %}"
    )
    assert _render(source, "en", LANGUAGE_CODE="en").endswith("/ Beta en")
