"""The set-based detection finds exactly the victims the engine finds (hypothesis).

For random incident logs in each seed area, ``review_suggestions_detect`` (grouped SQL
narrowing by window, count and kind, then the engine on what is left) must suggest the
same victims as evaluating the engine on every victim's whole log, unnarrowed. If the
narrowing ever dropped a victim the engine would count, this fails.
"""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cases.models import Incident
from thresholds.detection import _COMPLAINT_FIELDS, _complaint, review_suggestions_detect
from thresholds.engine import evaluate

TODAY = dt.date(2026, 9, 1)
AREAS = ["staffordshire", "hertsmere", "devon-and-cornwall", "bedford", "merton"]

incident = st.fixed_dictionaries(
    {
        "victim": st.sampled_from(["v1", "v2", "v3"]),
        "days_ago": st.integers(0, 300),
        "lag": st.integers(0, 40),
        "kind": st.sampled_from(["report", "report", "report", "diary_sheet"]),
        "agency": st.integers(0, 4),
        "issue": st.sampled_from(["noise", "noise", "parking"]),
        "hate": st.booleans(),
        "same_as_previous": st.sampled_from([False, False, False, True]),
    }
)


_PLAIN = {
    "victim": "v1",
    "lag": 1,
    "kind": "report",
    "agency": 1,
    "issue": "noise",
    "hate": False,
    "same_as_previous": False,
}


def _write(area, agencies, log) -> None:
    previous = {}
    for row in log:
        day = TODAY - dt.timedelta(days=row["days_ago"])
        made = Incident.objects.create(
            area=area,
            source="import",
            kind=row["kind"],
            incident_date=day,
            reported_date=day + dt.timedelta(days=row["lag"]),
            reported_to=agencies[row["agency"] % len(agencies)],
            hate_motivated=row["hate"],
            description="ASB",
            issue=row["issue"],
            complainant_key=row["victim"],
            same_incident_as=previous.get(row["victim"]) if row["same_as_previous"] else None,
        )
        previous[row["victim"]] = made


def _engine_victims(area, rules) -> set[str]:
    """The reference: the engine on each victim's whole log, nothing narrowed."""
    by_victim: dict[str, list] = {}
    for row in Incident.objects.filter(area=area).values(*_COMPLAINT_FIELDS):
        by_victim.setdefault(row["complainant_key"], []).append(_complaint(row))
    return {
        key
        for key, complaints in by_victim.items()
        if any(r.met for r in evaluate(rules, complaints, TODAY, {"asb_persists": True}).routes)
    }


@pytest.mark.django_db
@pytest.mark.parametrize("slug", AREAS)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(log=st.lists(incident, max_size=16))
@example(log=[dict(_PLAIN, days_ago=d) for d in (10, 40, 70)])  # exactly three, recent
@example(log=[dict(_PLAIN, days_ago=d) for d in (10, 40, 70, 100, 130)])
# Found by this test: a report of the same incident dated outside the window decides
# that two reports inside it are one incident (the engine names it by its earliest).
@example(
    log=[
        dict(_PLAIN, victim="v2", days_ago=0),
        dict(_PLAIN, victim="v2", days_ago=0),
        dict(_PLAIN, victim="v2", days_ago=187, same_as_previous=True),
        dict(_PLAIN, victim="v2", days_ago=0, same_as_previous=True),
    ]
)
def test_detection_suggests_exactly_the_victims_the_engine_finds(reference, slug, log):
    area = reference["areas"][slug]
    agencies = [None, *sorted(area.agencies.all(), key=lambda a: a.slug)]
    rules = area.procedure.versions.order_by("-number").first().data["threshold"]
    with transaction.atomic():
        _write(area, agencies, log)
        found = {s.complainant_key for s in review_suggestions_detect(area=area, today=TODAY)}
        assert found == _engine_victims(area, rules)
        transaction.set_rollback(True)
