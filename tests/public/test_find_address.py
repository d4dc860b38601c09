"""Finding an address from its postcode: off by default; when a partnership names its
look-up, the address boxes can be filled from what it finds, and whatever it answers is
checked like any other input."""

import pytest

from tests.public.helpers import apply

pytestmark = pytest.mark.django_db

LOOKUP = "tests.public.test_find_address.gazetteer"
CALLS = []


def gazetteer(postcode):
    CALLS.append(postcode)
    if postcode == "WD6 1AA":
        return [
            {"line_1": "1 High Street", "town": "Borehamwood", "postcode": "WD6 1AA"},
            {
                "line_1": "Flat 2",
                "line_2": "3 High Street",
                "town": "Borehamwood",
                "county": "Hertfordshire",
                "postcode": "WD6 1AA",
                "uprn": "100080123456",
            },
        ]
    if postcode == "WD6 9ZZ":
        raise TimeoutError("the gazetteer is down")
    if postcode == "WD6 8ZZ":
        return [{"line_1": "x\x00" * 500, "town": 7}, "junk"]
    return []


def test_off_by_default_nothing_is_looked_up(reference, client):
    apply(client)
    body = client.get("/apply/your-details/?find=WD6+1AA").content.decode()
    assert "Find address" not in body and "1 High Street" not in body


def test_the_boxes_are_filled_from_the_address_chosen(reference, client, settings):
    settings.POSTCODE_LOOKUP = LOOKUP
    apply(client)
    body = client.get("/apply/your-details/").content.decode()
    assert "Find the address by its postcode" in body and "Find address" in body
    assert body.index("Find address") < body.index('name="address_line_1"')
    found = client.get("/apply/your-details/?find=wd61aa").content.decode()
    assert "1 High Street, Borehamwood, WD6 1AA" in found
    assert "Flat 2, 3 High Street, Borehamwood, WD6 1AA" in found
    assert CALLS[-1] == "WD6 1AA"  # the postcode is checked and tidied before it is sent
    filled = client.get("/apply/your-details/?find=WD6+1AA&use=1").content.decode()
    assert 'value="Flat 2"' in filled and 'value="3 High Street"' in filled
    assert 'value="Hertfordshire"' in filled and 'value="WD6 1AA"' in filled
    # The boxes can still be changed before continuing, and what is sent is kept.
    r = client.post(
        "/apply/your-details/",
        {
            "name": "Alex Applicant",
            "address_line_1": "Flat 2",
            "address_line_2": "3 High Street",
            "town": "Borehamwood",
            "postcode": "WD6 1AA",
        },
    )
    assert r.status_code == 302
    assert "Flat 2" in client.get("/apply/check/").content.decode()


@pytest.mark.parametrize(
    "query, shown",
    [
        ("find=%3Cscript%3E", "Enter a real postcode, like WD6 1AA"),
        ("find=" + "9" * 5000, "Enter a real postcode, like WD6 1AA"),
        ("find=", "Enter a real postcode, like WD6 1AA"),
        ("find=WD6+9ZZ", "We found no addresses at that postcode"),  # the look-up failed
        ("find=WD6+1AA&use=99999999999999999999", "1 High Street, Borehamwood"),
        ("find=WD6+1AA&use=-1", "1 High Street, Borehamwood"),
    ],
)
def test_hostile_searches_and_a_failing_look_up_are_a_message(
    reference, client, settings, query, shown
):
    settings.POSTCODE_LOOKUP = LOOKUP
    apply(client)
    r = client.get(f"/apply/your-details/?{query}")
    body = r.content.decode()
    assert r.status_code == 200
    assert shown in body
    assert "<script>" not in body
    if "Enter a real postcode" in shown:
        assert "<title>Error: " in body and 'href="#find-postcode"' in body


def test_what_the_look_up_answers_is_checked(reference, client, settings):
    settings.POSTCODE_LOOKUP = LOOKUP
    apply(client)
    body = client.get("/apply/your-details/?find=WD6+8ZZ").content.decode()
    # A malformed answer is treated as finding nothing; nothing of it reaches the page.
    assert "We found no addresses at that postcode" in body
    assert "xxxx" not in body.replace("\x00", "")


def test_a_partnership_may_keep_it_off(reference, client, settings):
    settings.POSTCODE_LOOKUP = LOOKUP
    settings.POSTCODE_LOOKUP_AREAS = ["merton"]
    apply(client)  # a Hertsmere application
    assert "Find address" not in client.get("/apply/your-details/").content.decode()
    settings.POSTCODE_LOOKUP_AREAS = ["hertsmere"]
    assert "Find address" in client.get("/apply/your-details/").content.decode()


def test_a_nul_in_the_search_is_a_bad_request_like_anywhere_else(reference, client, settings):
    settings.POSTCODE_LOOKUP = LOOKUP
    apply(client)
    calls = len(CALLS)
    assert client.get("/apply/your-details/?find=WD6%001AA").status_code == 400
    assert len(CALLS) == calls  # nothing was sent to the look-up
