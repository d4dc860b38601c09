"""Walk the online application with Django's test client."""

import datetime as dt

from django.utils import timezone


def date_fields(name: str, value: dt.date) -> dict:
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


def apply(client, *, postcode="WD6 1AA", third_party=False, incidents=3, email="v@example.org"):
    """Fill in every page of the application; returns the response of the last GET of check."""
    today = timezone.localdate()
    r = client.post("/apply/postcode/", {"postcode": postcode})
    assert r.status_code == 302, r.content.decode()[:2000]
    client.post("/apply/case-review/")
    client.post("/apply/who/", {"applicant_type": "third_party" if third_party else "victim"})
    if third_party:
        client.post("/apply/relationship/", {"relationship": "relative"})
        client.post("/apply/consent/", {"victim_consent": "yes"})
    client.post("/apply/victim-type/", {"kind": "person"})
    if third_party:
        client.post(
            "/apply/victim-details/",
            {
                "name": "Vera Victim",
                "address_line_1": "1 High St",
                "town": "Borehamwood",
                "postcode": "WD6 1AA",
            },
        )
    client.post(
        "/apply/your-details/",
        {
            "name": "Alex Applicant",
            "address_line_1": "2 High St",
            "town": "Borehamwood",
            "postcode": "WD6 1AB",
        },
    )
    client.post("/apply/contact/", {"preferred_contact": "email", "email": email})
    client.post("/apply/needs/", {"accessibility_needs": "", "language": ""})
    client.post("/apply/problem/", {"summary": "Loud music and shouting every night."})
    for i in range(incidents):
        happened = today - dt.timedelta(days=60 - i * 15)
        r = client.post(
            f"/apply/incidents/{i}/",
            {
                "description": f"Incident {i + 1}: music until 3am",
                **date_fields("incident_date", happened),
                **date_fields("reported_date", happened + dt.timedelta(days=1)),
                "reported_to": "",
                "agency_reference": f"REF{i}",
            },
        )
        assert r.status_code == 302, r.content.decode()[:3000]
    client.post("/apply/incidents/", {"add_another": "no"})
    client.post("/apply/impact/", {"impact": "I cannot sleep."})
    r = client.post("/apply/involvement/", {"involvement": ["attend", "statement"]})
    assert r["Location"] == "/apply/check/", r
    return client.get("/apply/check/")
