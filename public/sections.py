"""The applicant's tracking link on the staff case page: its state, revoke and re-issue."""

from public.models import AppealRequest, TrackingLink


def tracking_section(case, user):
    """Shown to people who run the case workflow; nobody else needs the link's state."""
    if not user.has_perm("cases.manage_case", case):
        return None
    links = list(TrackingLink.objects.filter(case=case)[:5])
    return {
        "title": "Applicant's tracking link",
        "template": "public/staff/tracking_section.html",
        "context": {
            "case": case,
            "live": next((link for link in links if link.is_live), None),
            "links": links,
            "appeal_requests": list(AppealRequest.objects.filter(case=case)),
        },
        "order": 90,
    }
