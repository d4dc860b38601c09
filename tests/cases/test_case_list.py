"""The case list: search, sorting, the next deadline, phase tags, pagination, and that a
search never reveals a case the user may not see."""

import datetime as dt

import pytest

from cases import selectors, services
from cases.constants import AccessKind
from cases.models import AccessLogEntry
from tests.factories import IncidentInputFactory, PersonInputFactory, receive_case


@pytest.fixture
def cases(reference, area):
    officer = reference["users"]["hertsmere.officer"]
    police = reference["agencies"]["hertfordshire-constabulary"]
    shenley = receive_case(
        area=area,
        by=officer,
        victim=None,
        applicant=PersonInputFactory(
            name="Dora Kowalski", address="4 Shenley Road, Borehamwood", postcode="WD6 1TE"
        ),
        incidents=[
            IncidentInputFactory(description="Noisy parties every weekend", reported_to=police)
        ],
    )
    quiet = receive_case(
        area=area,
        by=officer,
        applicant=PersonInputFactory(
            name="Brian Tolley", address="9 Allum Lane, Elstree", postcode="WD6 3NA"
        ),
        incidents=[IncidentInputFactory(description="Fly-tipping behind the garages")],
    )
    services.case_add_note(case=quiet, by=officer, text="Victim mentioned a broken fence.")
    return {"shenley": shenley, "quiet": quiet, "officer": officer}


def found(user, q):
    return set(selectors.case_list(user=user, filters={"q": q}).values_list("reference", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q, which",
    [
        ("shenley", "shenley"),  # a word of the address
        ("kowalski", "shenley"),  # a name
        ("Dora Kowalski", "shenley"),
        ("wd61te", "shenley"),  # a postcode however typed
        ("WD6 3NA", "quiet"),
        ("parties", "shenley"),  # a word in an incident
        ("fly-tipping garages", "quiet"),
        ("fence", "quiet"),  # a word in a note
    ],
)
def test_search_finds_a_case_by_what_a_person_remembers(cases, q, which):
    assert found(cases["officer"], q) == {cases[which].reference}


@pytest.mark.django_db
def test_search_finds_by_reference(cases):
    ref = cases["quiet"].reference
    assert found(cases["officer"], ref.lower()) == {ref}


@pytest.mark.django_db
def test_a_search_reveals_no_case_the_user_may_not_see(cases, reference, client):
    spoc = reference["users"]["hertsmere.spoc"]  # police: involved in the shenley case only
    assert found(spoc, "WD6") == {cases["shenley"].reference}
    assert found(spoc, "fence") == set()
    assert found(spoc, "Tolley") == set()
    outsider = reference["users"]["staffordshire.officer"]
    client.force_login(outsider)
    for q in ("shenley", "Tolley", cases["quiet"].reference, "fence"):
        response = client.get("/staff/cases/", {"q": q})
        assert response.status_code == 200
        body = response.content.decode()
        assert "No cases match" in body  # the typed words are echoed in the box only
        for case in (cases["quiet"], cases["shenley"]):
            assert f"/staff/cases/{case.reference}/" not in body


@pytest.mark.django_db
def test_each_search_is_written_to_the_access_log(cases, client):
    client.force_login(cases["officer"])
    client.get("/staff/cases/", {"q": "shenley"})
    entry = AccessLogEntry.objects.filter(kind=AccessKind.SEARCH).latest("pk")
    assert entry.query == "shenley" and entry.user == cases["officer"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sort",
    [
        "reference",
        "-victim",
        "area",
        "-received",
        "state",
        "deadline",
        "-deadline",
        "officer",
        "risk",
        "' OR 1=1 --",
        "-__class__",
        "victim__password",
        "--reference",
        "\x00",
        "",
    ],
)
def test_every_sort_works_and_a_hostile_one_is_the_default(cases, client, sort):
    client.force_login(cases["officer"])
    response = client.get("/staff/cases/", {"sort": sort, "page": "9999"})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        body = response.content.decode()
        assert cases["quiet"].reference in body and cases["shenley"].reference in body


@pytest.mark.django_db
def test_sorting_orders_the_list(cases):
    officer = cases["officer"]
    by_victim = list(
        selectors.case_list(user=officer, sort="victim").values_list("victim__name", flat=True)
    )
    assert by_victim == sorted(by_victim)
    reverse = list(
        selectors.case_list(user=officer, sort="-victim").values_list("victim__name", flat=True)
    )
    assert reverse == by_victim[::-1]
    assert selectors.case_list_sort("nonsense") == ("received", True)


@pytest.mark.django_db
def test_the_list_shows_next_deadline_phase_tags_total_and_keeps_filters(cases, client):
    client.force_login(cases["officer"])
    response = client.get(
        "/staff/cases/",
        {"q": "shenley", "received_from_0": "1", "received_from_1": "1", "received_from_2": "2020"},
    )
    body = response.content.decode()
    case = selectors.case_list(user=cases["officer"], filters={"q": "shenley"}).get()
    assert case.next_due is not None  # the acknowledgement deadline
    assert "Next deadline" in body
    assert f"{case.next_due.day} {case.next_due:%B %Y}" in body
    assert "govuk-tag--blue" in body  # received: a new case
    assert "Showing 1 to 1 of 1 case" in body
    assert 'value="shenley"' in body and 'name="received_from_2" value="2020"' in body
    assert 'type="date"' not in body


@pytest.mark.django_db
def test_a_bad_filter_date_is_told_at_the_field(cases, client):
    client.force_login(cases["officer"])
    response = client.get(
        "/staff/cases/",
        {"received_to_0": "31", "received_to_1": "2", "received_to_2": "2026"},
    )
    body = response.content.decode()
    assert "<title>Error: " in body
    assert "The last date received must be a real date" in body
    assert "day is out of range" not in body


@pytest.mark.services
@pytest.mark.django_db
def test_on_postgresql_search_stems_words_and_forgives_a_misspelt_name(cases):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("full-text and trigram search are PostgreSQL's")
    officer = cases["officer"]
    assert found(officer, "party") == {cases["shenley"].reference}  # parties
    assert found(officer, "Kowalsky") == {cases["shenley"].reference}
    assert found(officer, "garage tipping") == {cases["quiet"].reference}
    assert found(officer, "fences") == {cases["quiet"].reference}  # a note
    # Hostile search syntax is words, never an error.
    assert found(officer, "'\" & | ! ( :* <-> -") == set()


@pytest.fixture
def read_in_index_order(monkeypatch):
    """The first pages read in index order even for the few cases a test makes."""
    monkeypatch.setattr(selectors, "INDEX_ORDER_MIN_CASES", 1)
    monkeypatch.setattr(selectors, "INDEX_ORDER_ROWS", 4)


def _pages(user, per_page, *, in_index_order):
    paginator = selectors.CaseListPaginator(
        selectors.case_list(user=user),
        per_page,
        count_of=selectors.visible_case_ids(user),
        in_index_order=selectors.case_list_newest_first(user) if in_index_order else None,
    )
    return [
        [case.reference for case in paginator.page(n).object_list] for n in paginator.page_range
    ]


@pytest.mark.django_db
def test_pages_read_in_index_order_are_the_sorted_pages(
    cases, reference, area, read_in_index_order
):
    officer = cases["officer"]
    for day in range(5):  # some received the same day, so the id breaks the tie
        receive_case(area=area, by=officer, received_on=dt.date(2026, day % 3 + 1, 10))
    sorted_pages = _pages(officer, 2, in_index_order=False)
    assert len(sorted_pages) == 4  # pages 1-2 in index order, 3-4 sorted
    assert _pages(officer, 2, in_index_order=True) == sorted_pages


@pytest.mark.django_db
def test_the_index_order_reveals_no_case_the_user_may_not_see(
    cases, reference, client, read_in_index_order
):
    spoc = reference["users"]["hertsmere.spoc"]  # police: involved in the shenley case only
    assert _pages(spoc, 2, in_index_order=True) == [[cases["shenley"].reference]]
    outsider = reference["users"]["staffordshire.officer"]
    assert not selectors.case_list_newest_first(outsider).exists()
    client.force_login(outsider)
    body = client.get("/staff/cases/").content.decode()
    for case in (cases["quiet"], cases["shenley"]):
        assert case.reference not in body
        assert case.applicant.name not in body


def test_the_rule_kept_on_a_user_still_follows_grants_roles_and_agency(reference, area, users):
    """The rule's ways in are built once per user object (a page asks for them up to
    seven times); what is kept must never outlive what it was built from: a grant made
    since is seen at once, and a changed role or agency on the same object rebuilds it."""
    from cases.models import CaseAccessGrant
    from partnerships.constants import Role
    from partnerships.models import RoleAssignment

    case = receive_case(area=area, by=users["hertsmere.officer"])
    outsider = type(users["staffordshire.officer"]).objects.get(username="staffordshire.officer")
    assert not selectors.user_can_see_case(outsider, case)
    assert case.pk not in {row["case_id"] for row in selectors.visible_case_ids(outsider)}

    grant = CaseAccessGrant.objects.create(case=case, user=outsider, reason="Panel chair")
    assert selectors.user_can_see_case(outsider, case)  # same object, grant seen at once
    grant.delete()
    assert not selectors.user_can_see_case(outsider, case)

    RoleAssignment.objects.create(user=outsider, role=Role.AREA_ADMIN, area=area)
    del outsider.role_pairs  # its roles are read once per user object
    assert selectors.user_can_see_case(outsider, case)  # area-wide role: rebuilt
    RoleAssignment.objects.filter(user=outsider, role=Role.AREA_ADMIN).delete()
    del outsider.role_pairs
    assert not selectors.user_can_see_case(outsider, case)

    outsider.agency = users["hertsmere.officer"].agency  # the administering council
    assert selectors.user_can_see_case(outsider, case)
    assert selectors.case_list(user=outsider).filter(pk=case.pk).exists()
    assert not selectors.case_list(user=users["staffordshire.admin"]).filter(pk=case.pk).exists()


@pytest.mark.django_db
def test_page_links_keep_the_sort_and_filters_and_hostile_pages_are_safe(
    cases, area, client, monkeypatch
):
    """The case list pages as every staff list does (``asbcr.pagination.page_of``): its
    links change only the page, a page past the end or not a number gives a real page, and
    a NUL byte is refused."""
    from cases import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client.force_login(cases["officer"])
    response = client.get("/staff/cases/", {"sort": "-reference", "q": "WD6", "page": "2"})
    body = response.content.decode()
    assert "Showing 2 to 2 of 2 cases" in body
    assert 'href="?sort=-reference&amp;q=WD6&amp;page=1"' in body  # the previous page, same list
    first = selectors.case_list(user=cases["officer"], filters={"q": "WD6"}, sort="-reference")
    assert first[1].reference in body and first[0].reference not in body
    for hostile in ("99999999999999999999", "-1", "abc"):
        assert client.get("/staff/cases/", {"page": hostile}).status_code == 200
    assert client.get("/staff/cases/", {"page": "1\x00"}).status_code == 400
