"""The area admin's credentials page: list, create (secret shown once), revoke."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from api.models import ApiClient
from api.services import api_client_authenticate
from partnerships.models import Agency

pytestmark = pytest.mark.django_db


def test_admin_creates_a_credential_shown_once_and_revokes_it(client, users):
    admin = users["hertsmere.admin"]
    client.force_login(admin)
    url = reverse("api_clients:list", args=["hertsmere"])
    police = Agency.objects.get(slug="hertfordshire-constabulary")
    response = client.post(
        url, {"agency": police.pk, "name": "Athena", "permissions": ["read_cases"]}
    )
    html = response.content.decode()
    created = ApiClient.objects.get()
    secret = html.split('id="new-secret"')[1].split("<code>")[1].split("</code>")[0]
    assert api_client_authenticate(secret) == (created, True)
    assert created.secret_hash not in html and secret not in created.secret_hash
    assert created.created_by == admin and created.permissions == ["read_cases"]
    assert secret not in client.get(url).content.decode()  # never shown again
    client.post(reverse("api_clients:revoke", args=["hertsmere", created.pk]))
    created.refresh_from_db()
    assert created.revoked_by == admin and created.revoked_at is not None
    assert api_client_authenticate(secret) == (created, False)
    assert "Revoked" in client.get(url).content.decode()


def test_form_errors_keep_what_was_typed(client, users):
    client.force_login(users["hertsmere.admin"])
    url = reverse("api_clients:list", args=["hertsmere"])
    merton_only = Agency.objects.exclude(areas__slug="hertsmere").first()
    response = client.post(url, {"agency": merton_only.pk, "name": "Typed name"})
    html = response.content.decode()
    assert response.status_code == 200 and "Choose at least one" in html
    assert "Choose an agency from the list" in html and "Typed name" in html
    assert not ApiClient.objects.exists()


def test_only_the_areas_admin(client, users, reference):
    url = reverse("api_clients:list", args=["hertsmere"])
    for username in ("hertsmere.officer", "hertsmere.spoc", "merton.officer"):
        client.force_login(users[username])
        assert client.get(url).status_code == 403, username
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(users["hertsmere.officer"])
    other = ApiClient.objects.create(
        area=reference["areas"]["hertsmere"],
        agency=Agency.objects.get(slug="hertfordshire-constabulary"),
        name="x",
        lookup_id="abc",
        secret_hash="0" * 64,
    )
    response = client.post(reverse("api_clients:revoke", args=["hertsmere", other.pk]))
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.revoked_at is None


def test_command_and_demo_client(reference, capsys):
    call_command(
        "api_client_create",
        "--area=hertsmere",
        "--agency=clarion-housing",
        "--name=Housing system",
        "--permission=submit_incidents",
    )
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    client, ok = api_client_authenticate(secret)
    assert ok and client.permissions == ["submit_incidents"]
    from api.demo import DEMO_API_SECRET, load_demo

    load_demo(io.StringIO())
    load_demo(io.StringIO())  # twice: nothing duplicated
    demo, ok = api_client_authenticate(DEMO_API_SECRET)
    assert ok and demo.agency.slug == "hertfordshire-constabulary"
    call_command("demo_logins")
    assert DEMO_API_SECRET in capsys.readouterr().out


def test_area_admin_home_links_to_the_credentials_page(client, users):
    client.force_login(users["hertsmere.admin"])
    html = client.get(reverse("home")).content.decode()
    assert reverse("api_clients:list", args=["hertsmere"]) in html


def test_the_page_shows_the_areas_latest_calls(client, users, reference):
    from tests.api.conftest import make_client

    _, secret = make_client(reference)
    _, merton = make_client(reference, area="merton", agency="clarion-housing")
    client.get(reverse("api:cases"), HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.get(reverse("api:case", args=["MERTON-X"]), HTTP_AUTHORIZATION=f"Bearer {merton}")
    client.force_login(users["hertsmere.admin"])
    html = client.get(reverse("api_clients:list", args=["hertsmere"])).content.decode()
    calls = html[html.index('id="calls"') :]
    assert "GET /api/v1/cases/" in calls and "MERTON-X" not in calls
