import pytest
from django.urls import reverse

from cases.models import AccessLogEntry
from letters.models import Letter, LetterWording
from tests.letters.factories import case_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, officer):
    client.force_login(officer)
    return client


def test_case_page_shows_letters_that_fit_and_those_sent(staff, area, officer):
    case = case_in_state(area=area, by=officer, state="received")
    page = staff.get(reverse("cases:letters", args=[case.reference])).content.decode()
    assert "Letters that fit this case now" in page
    assert reverse("letters:send", args=[case.reference, "CR1"]) in page
    assert reverse("letters:send", args=[case.reference, "CR4"]) not in page
    response = staff.post(
        reverse("letters:send", args=[case.reference, "CR1"]), {"channel": "email"}
    )
    assert response.status_code == 302
    letter = Letter.objects.get(case=case)
    page = staff.get(reverse("cases:letters", args=[case.reference])).content.decode()
    assert reverse("letters:download", args=[letter.pk]) in page


def test_preview_renders_without_keeping_and_is_logged(staff, area, officer):
    case = case_in_state(area=area, by=officer, state="received")
    response = staff.get(reverse("letters:preview", args=[case.reference, "CR1"]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert not Letter.objects.exists()
    assert AccessLogEntry.objects.filter(case=case, kind="view_letter").exists()


def test_send_form_shows_the_error_for_a_phone_note_without_text(staff, area, officer):
    case = case_in_state(area=area, by=officer, state="received")
    response = staff.post(
        reverse("letters:send", args=[case.reference, "CR1"]), {"channel": "phone"}
    )
    assert response.status_code == 200
    assert "Write a note of what you told them" in response.content.decode()
    assert not Letter.objects.exists()


def test_download_is_logged_and_hidden_from_other_areas(client, staff, area, officer, users):
    case = case_in_state(area=area, by=officer, state="received")
    staff.post(reverse("letters:send", args=[case.reference, "CR1"]), {"channel": "post"})
    letter = Letter.objects.get()
    response = staff.get(reverse("letters:download", args=[letter.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(target__contains=f"#{letter.pk}").count() == 1
    queue = staff.get(reverse("letters:print_queue")).content.decode()
    assert case.reference in queue
    staff.post(reverse("letters:mark_printed", args=[letter.pk]))
    assert case.reference not in staff.get(reverse("letters:print_queue")).content.decode()
    client.force_login(users["merton.officer"])
    assert client.get(reverse("letters:download", args=[letter.pk])).status_code == 404


def test_chairs_pack_only_once_a_panel_is_arranged(staff, area, officer):
    early = case_in_state(area=area, by=officer, state="gathering_information")
    assert staff.get(reverse("letters:chairs_pack", args=[early.reference])).status_code == 403
    case = case_in_state(area=area, by=officer, state="panel_arranged")
    response = staff.get(reverse("letters:chairs_pack", args=[case.reference]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


def test_admin_wording_page_lists_placeholders_and_refuses_unknown_ones_at_the_field(
    client, area, users
):
    client.force_login(users["hertsmere.admin"])
    url = reverse("letters:wording", args=[area.slug, "CR1"])
    page = client.get(url).content.decode()
    assert "We got your application on ((received_on))" in page  # the standard wording
    assert "((support_services))" in page and "Victim Support: 0808 168 9111" in page
    response = client.post(url, {"body": "Dear ((officer_password))"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "((officer_password)) is not a placeholder this letter can use. It can use:" in html
    assert 'id="id_body-error"' in html or "govuk-error-message" in html
    assert "Dear ((officer_password))" in html  # what was typed is kept
    assert not LetterWording.objects.exists()
    preview = client.post(url, {"body": "Dear friend, ((reference))", "preview": "1"})
    assert preview["Content-Type"] == "application/pdf"
    assert not LetterWording.objects.exists()
    assert client.post(url, {"body": "Dear friend"}).status_code == 302
    assert LetterWording.objects.get().body == "Dear friend"


def test_area_settings_page_is_for_the_area_admin(client, area, users):
    url = reverse("letters:area_settings", args=[area.slug])
    client.force_login(users["hertsmere.officer"])
    assert client.get(url).status_code == 403
    client.force_login(users["hertsmere.admin"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"brand_colour": "red"})
    assert "Enter a colour like #1d70b8." in response.content.decode()
    response = client.post(
        url,
        {
            "brand_colour": "#00703c",
            "sender_name": "Alice Turner",
            "support_services": "Local Advocacy | 01234 111222",
        },
    )
    assert response.status_code == 302
    assert area.letter_settings.support_services == [
        {"name": "Local Advocacy", "contact": "01234 111222"}
    ]


def test_settings_a_sample_letter_cannot_be_made_with_are_refused_in_plain_words(
    client, area, users, monkeypatch, caplog
):
    """Should the sample letter fail to render, the admin reads what to do, not the
    renderer's own error (which can name files and code), and nothing is saved."""
    from letters import rendering

    def broken(*args, **kwargs):
        raise RuntimeError("cairo: /srv/internal/fonts/x.ttf not found")

    monkeypatch.setattr(rendering, "render_pdf", broken)
    client.force_login(users["hertsmere.admin"])
    url = reverse("letters:area_settings", args=[area.slug])
    response = client.post(url, {"brand_colour": "#00703c", "sender_name": "Alice Turner"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "These settings could not be used in a letter" in body
    assert "Alice Turner" in body  # what was typed is kept
    assert "/srv/internal" not in body and "cairo" not in body
    assert "sample letter" in caplog.text
    from letters.models import AreaLetterSettings

    assert not AreaLetterSettings.objects.filter(area=area, sender_name="Alice Turner").exists()
