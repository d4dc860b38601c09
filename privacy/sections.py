"""The personal details section of the staff case page (registered in PrivacyConfig.ready)."""

from django.urls import NoReverseMatch, reverse

from cases.constants import EventKind


def personal_details_section(case, user) -> dict | None:
    """Links to correct the victim's and applicant's details, and the corrections made."""
    if not (user.is_superuser or user.has_perm("cases.manage_case", case)):
        return None
    people = [("victim", case.victim)]
    if case.applicant_id != case.victim_id:
        people.append(("applicant", case.applicant))
    try:
        links = [
            (
                f"Correct the {role}'s name or contact details",
                reverse("privacy:rectify", args=[person.pk]) + f"?case={case.reference}",
            )
            for role, person in people
        ]
    except NoReverseMatch:  # a site that does not serve the privacy pages
        return None
    corrections = case.timeline.filter(kind=EventKind.RECTIFICATION).select_related("actor")
    return {
        "title": "Personal details",
        "template": "privacy/_case_section.html",
        "order": 90,
        "context": {"links": links, "corrections": list(corrections)},
    }
