"""The committed OpenAPI schema is the one the code generates, so it cannot drift."""

import pathlib

import pytest
from django.core.management import call_command
from django.urls import reverse

SCHEMA = pathlib.Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"
REGENERATE = "python manage.py spectacular --validate --fail-on-warn --file docs/api/openapi.yaml"


def test_committed_schema_matches_the_code(tmp_path):
    out = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert out.read_text() == SCHEMA.read_text(), (
        f"docs/api/openapi.yaml is out of date with the API; regenerate it with: {REGENERATE}"
    )


@pytest.mark.django_db
def test_schema_is_served_without_a_credential(client):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    assert b"/api/v1/incidents/" in response.content
