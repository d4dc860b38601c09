"""Every staff URL, its arguments filled from one case, walked as the demo users.

``test_staff_urls`` walks the URLs that take nothing but a case reference. This walks the
rest of the staff site: every URL pattern under /staff/ (sign-in and sign-out aside) that
takes no argument or takes one other than a reference, filled with the records of one
case (its evidence, its appeal and that appeal's stages and recommendation, its letters,
its panel listing and meeting, its deadlines, the subject access request for its victim)
and of its area. No response is a server error. A user outside the case's circle
(``user_can_see_case`` is False) never gets a page that shows the case's reference or its
victim's name, and never gets a document of the case (a letter, a pack, evidence).

Each request costs a page render, so by default the walk signs in as one demo user per
kind: users alike in whether they see the case, whether their agency is involved or they
are named on it, and which roles they hold in the case's area and elsewhere behave alike
on every one of these URLs. ``ASBCR_FUZZ_BUDGET=deep`` walks as every demo user.
"""

import logging
import os

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cases.models import CaseAccessGrant, CaseAgency
from cases.selectors import user_can_see_case
from tests.demo_data import pdfs_laid_out_once
from tests.fuzz.walker import all_routes, fill, values_for
from tests.one_case import one_case_with_everything

DEEP = os.environ.get("ASBCR_FUZZ_BUDGET", "").lower() == "deep"

DOCUMENT_TYPES = ("application/pdf", "text/csv", "spreadsheetml", "octet-stream", "text/plain")

NO_PAGE_FOR_THIS_CASE = {
    # Why no one in the case's circle gets a 200 here, for each URL that answers GET with
    # something else. POST-only URLs (405 to everyone) are posted to below.
    "staff/partnerships/areas/<slug:area>/procedure/diff/": "the procedure has one version",
    "staff/work/outbox/<str:name>/": "the local outbox is off in tests",
}


def staff_routes():
    """Staff URL patterns with no argument or with one that is not a case reference."""
    return [
        r
        for r in all_routes()
        if r.route.startswith("staff/")
        and "sign-in" not in r.route
        and "sign-out" not in r.route
        and r.params != ["reference"]
    ]


def body_text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def is_document(response) -> bool:
    content_type = response.get("Content-Type", "")
    return "attachment" in response.get("Content-Disposition", "") or any(
        t in content_type for t in DOCUMENT_TYPES
    )


def kind_of_user(user, case) -> tuple:
    """What decides how the staff site treats this user on this case's URLs."""
    return (
        user.is_superuser,
        user_can_see_case(user, case),
        CaseAgency.objects.filter(case=case, agency_id=user.agency_id).exists(),
        CaseAccessGrant.objects.filter(case=case, user=user).exists(),
        tuple(sorted({(role, area == case.area_id) for role, area in user.role_pairs})),
        len({area for _role, area in user.role_pairs}) > 1,
    )


def users_to_walk(users, case) -> dict:
    if DEEP:
        return dict(sorted(users.items()))
    kinds = {}
    for username, user in sorted(users.items()):
        kinds.setdefault(kind_of_user(user, case), (username, user))
    return dict(kinds.values())


@pytest.mark.django_db
def test_no_staff_url_with_arguments_errors_or_leaks_a_case(reference, caplog):
    caplog.set_level(logging.CRITICAL, logger="django.request")  # restored afterwards
    one = one_case_with_everything(reference)
    case = one.case
    every_value = {**one.area_values, **one.values}
    users = {**reference["users"], "admin": get_user_model().objects.get(username="admin")}
    walked_users = users_to_walk(users, case)
    routes = staff_routes()
    urls = []
    for route in routes:
        values = {p: values_for(route, p, every_value)[0] for p in route.params}
        # A URL is the case's own when one of its arguments is one of the case's records.
        own = any(values_for(route, p, one.values, default=()) for p in route.params)
        urls.append((route, fill(route.route, values), own))
    assert sum(bool(r.params) for r in routes) > 50, "the walk lost the URLs with arguments"
    assert sum(own for *_, own in urls) > 30, "too few URLs filled with the case's records"

    problems, insider_statuses, outsiders = [], {}, []
    with pdfs_laid_out_once():  # each letter and pack laid out once, not once per user
        for username, user in walked_users.items():
            client = Client(raise_request_exception=False)
            client.force_login(user)
            sees = user_can_see_case(user, case)
            if not sees:
                outsiders.append(username)
            for route, url, own in urls:
                response = client.get(url)
                status = response.status_code
                if sees:
                    insider_statuses.setdefault(route.route, set()).add(status)
                if status >= 500:
                    problems.append(f"{status} {username} GET {url}")
                elif status == 200 and not sees:
                    if own and is_document(response):
                        problems.append(f"LEAK {username} (outside) got the document {url}")
                        continue
                    text = body_text(response)
                    for secret in (case.reference, one.victim_name):
                        if secret in text:
                            problems.append(f"LEAK {username} (outside) saw {secret!r} at {url}")

    walked = f"{len(urls)} URLs as {len(walked_users)} users ({len(outsiders)} outside the case)"
    assert not problems, f"{walked}: {len(problems)} problems\n" + "\n".join(problems)
    assert len(outsiders) >= 8, walked
    assert "hertsmere.housing" in outsiders, "an outsider with roles in the case's own area"
    # Not vacuous: someone in the case's circle really got every page that has one.
    no_page = {
        route: sorted(statuses)
        for route, statuses in insider_statuses.items()
        if "<" in route and 200 not in statuses and statuses != {405}
    }
    assert no_page.keys() == NO_PAGE_FOR_THIS_CASE.keys(), no_page


SNAPSHOT = [
    "cases.Case",
    "cases.EvidenceFile",
    "cases.ImpactStatement",
    "cases.Incident",
    "cases.TimelineEvent",
    "letters.Letter",
    "letters.PrintJob",
    "deadlines.Deadline",
    "panels.Meeting",
    "panels.Listing",
    "panels.PanelMember",
    "panels.Action",
    "appeals.Appeal",
    "appeals.AppealStage",
    "appeals.Recommendation",
    "appeals.EvidenceNote",
    "thresholds.ReviewSuggestion",
    "thresholds.SecondReportNotice",
    "public.TrackingLink",
    "privacy.SubjectAccessRequest",
]
OUTSIDERS = ["hertsmere.housing", "staffordshire.officer", "merton.admin", "luton.admin"]
"""In the case's area with an agency's roles; another area's officer; another area's
partnership admin; a partnership admin who also reviews appeals elsewhere."""

FORM = {
    "reason": "Posted by someone outside the case.",
    "response": "Done.",
    "confirm": "yes",
    "status": "done",
    "new_due_0": "1",
    "new_due_1": "1",
    "new_due_2": "2030",
    "done_on_0": "1",
    "done_on_1": "1",
    "done_on_2": "2026",
}


def snapshot() -> dict:
    from django.apps import apps

    return {
        label: list(apps.get_model(label).objects.order_by("pk").values()) for label in SNAPSHOT
    }


@pytest.mark.django_db
def test_no_one_outside_a_case_can_post_to_its_records(reference, caplog):
    """Dismiss a suggestion, mark a notice told or a letter printed, complete an appeal
    stage, reopen, revoke a tracking link, close a subject access request, waive a
    deadline...: every staff URL naming the case's records (and its area's suggestion and
    notice), posted to by users outside the case, is refused and changes nothing."""
    caplog.set_level(logging.CRITICAL, logger="django.request")  # restored afterwards
    one = one_case_with_everything(reference)
    every_value = {**one.area_values, **one.values}
    area_records = ("staff/thresholds/queue/suggestion/", "staff/thresholds/queue/notice/")
    urls = [
        fill(r.route, {p: values_for(r, p, every_value)[0] for p in r.params})
        for r in staff_routes()
        if any(values_for(r, p, one.values, default=()) for p in r.params)
        or r.route.startswith(area_records)
    ]
    assert len(urls) > 30
    before = snapshot()
    problems = []
    for username in OUTSIDERS:
        user = reference["users"][username]
        assert not user_can_see_case(user, one.case)
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for url in urls:
            status = client.post(url, FORM).status_code
            if status not in (403, 404, 405):
                problems.append(f"{status} {username} POST {url}")
    assert not problems, "\n".join(problems)
    after = snapshot()
    changed = [label for label in SNAPSHOT if before[label] != after[label]]
    assert not changed, f"records changed by outsiders' posts: {changed}"
    # Not vacuous: the same post from the case's officer does change the record.
    from thresholds.models import SecondReportNotice

    officer = Client()
    officer.force_login(reference["users"]["hertsmere.officer"])
    notice_url = next(u for u in urls if "/notice/" in u)
    assert officer.post(notice_url, FORM).status_code == 302
    assert SecondReportNotice.objects.get().told_on is not None
