import pytest

from partnerships.selectors import home_summary


@pytest.mark.django_db
def test_every_home_page_link_opens_for_the_user_it_is_shown_to(client, users):
    broken = []
    for username, user in users.items():
        client.force_login(user)
        for section in home_summary(user=user)["sections"]:
            for label, url in section["links"]:
                status = client.get(url).status_code
                if status != 200:
                    broken.append(f"{username}: {label} ({url}) -> {status}")
    assert not broken, "\n".join(broken)


@pytest.mark.django_db
def test_home_shows_each_area_and_role(client, users):
    client.force_login(users["hertsmere.housing"])
    body = client.get("/staff/").content.decode()
    assert "Hertsmere" in body and "Merton" in body
    assert "Single point of contact (SPOC)" in body
