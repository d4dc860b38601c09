"""Walk every staff URL of the case workflow as every demo role."""

import pytest
from django.urls import reverse

from tests.factories import IncidentInputFactory, receive_case

CASE_URLS = [
    "detail",
    "incidents",
    "responses",
    "threshold",
    "panel",
    "letters",
    "appeals",
    "timeline",
    "victim_contact",
    "timeline_export",
    "note",
    "edit",
    "exclusions",
    "risk",
    "agency_response",
    "assign_officer",
    "incident_add",
    "evidence_add",
]


def expected_status(username, user, name, involved_agencies):
    """What the visibility rule and the role table say this user should get."""
    roles_here = {r for r, a in ROLES[username] if a == "hertsmere"}
    if not user.has_perm("cases.view_case_list"):
        return {403}
    sees_case = "area_admin" in roles_here or (
        user.agency and user.agency.slug in involved_agencies
    )
    if not sees_case:
        return {404}  # hides that the case exists
    allowed = {
        "edit": {"case_officer", "area_admin"},
        "exclusions": {"case_officer", "area_admin"},
        "assign_officer": {"case_officer", "area_admin"},
        "victim_contact": {"case_officer", "area_admin"},
        "risk": {"case_officer", "spoc"},
        "agency_response": {"case_officer", "spoc", "area_admin"},
        "incident_add": {"case_officer", "spoc", "area_admin"},
        "evidence_add": {"case_officer", "spoc", "area_admin"},
    }.get(name)
    if allowed is not None and not roles_here & allowed:
        return {403}
    return {200}


ROLES: dict = {}


@pytest.mark.django_db
def test_every_case_url_as_every_demo_role(client, reference):
    users = reference["users"]
    police = reference["agencies"]["hertfordshire-constabulary"]
    case = receive_case(
        area=reference["areas"]["hertsmere"],
        by=users["hertsmere.officer"],
        incidents=[IncidentInputFactory(reported_to=police)],
    )
    involved = set(case.involvements.values_list("agency__slug", flat=True))
    assert involved == {"hertsmere-borough-council", "hertfordshire-constabulary"}
    for username, user in users.items():
        ROLES[username] = {
            (r.role, r.area.slug) for r in user.role_assignments.select_related("area")
        }
    failures = []
    for username, user in users.items():
        client.force_login(user)
        for name in CASE_URLS:
            url = reverse(f"cases:{name}", args=[case.reference])
            status = client.get(url).status_code
            expected = expected_status(username, user, name, involved)
            if status not in expected:
                failures.append(f"{username} GET {name}: {status}, expected {expected}")
        list_status = client.get(reverse("cases:list")).status_code
        if list_status != (200 if user.has_perm("cases.view_case_list") else 403):
            failures.append(f"{username} list: {list_status}")
        listed = case.reference in client.get(reverse("cases:list")).content.decode()
        if listed and expected_status(username, user, "detail", involved) != {200}:
            failures.append(f"{username} sees {case.reference} in the list")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, reference):
    case = receive_case(
        area=reference["areas"]["hertsmere"], by=reference["users"]["hertsmere.officer"]
    )
    for name in CASE_URLS:
        response = client.get(reverse(f"cases:{name}", args=[case.reference]))
        assert response.status_code == 302 and "/staff/sign-in/" in response.url


@pytest.mark.django_db
def test_a_chair_sees_a_case_only_once_granted(client, reference):
    from cases.models import CaseAccessGrant

    users = reference["users"]
    case = receive_case(area=reference["areas"]["hertsmere"], by=users["hertsmere.officer"])
    client.force_login(users["hertsmere.chair"])
    assert client.get(reverse("cases:detail", args=[case.reference])).status_code == 404
    CaseAccessGrant.objects.create(case=case, user=users["hertsmere.chair"], reason="Panel chair")
    assert client.get(reverse("cases:detail", args=[case.reference])).status_code == 200
