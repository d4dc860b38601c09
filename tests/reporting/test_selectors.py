import datetime as dt

import pytest
import time_machine

from cases.constants import Channel
from reporting import selectors
from reporting.periods import Period, financial_year_of
from tests.evidence import with_evidence
from tests.reporting.factories import case_on, victim

D = dt.date
FY25, FY26, FY27 = (Period.financial_year(y) for y in (2025, 2026, 2027))
YEARS = [FY25, FY26, FY27]


@pytest.fixture
def hertsmere(reference):
    return [reference["areas"]["hertsmere"]]


def test_financial_year_boundaries():
    assert financial_year_of(dt.date(2027, 3, 31)) == 2026
    assert financial_year_of(dt.date(2027, 4, 1)) == 2027
    assert FY26.start == dt.date(2026, 4, 1) and FY26.end == dt.date(2027, 3, 31)
    assert FY26.label == "2026-27"


def test_applications_received_by_date_received(year_2026, hertsmere):
    # C (31 March 2026) is 2025; A (31 March 2027) is 2026; B (1 April 2027) is 2027.
    # Withdrawn D counts as received; reopened G counts once.
    assert selectors.applications_received(areas=hertsmere, periods=YEARS) == {
        "2025-26": 1,
        "2026-27": 6,
        "2027-28": 1,
    }


def test_threshold_not_met_by_decision_date(year_2026, hertsmere):
    # A at 23:30 BST on 31 March 2027, C at 00:30 on 1 April 2026 (received in 2025), G.
    # G's appeal reopened it, but the not-met decision was still taken.
    assert selectors.threshold_not_met(areas=hertsmere, periods=YEARS) == {
        "2025-26": 0,
        "2026-27": 3,
        "2027-28": 0,
    }


def test_reviews_and_recommendations(year_2026, hertsmere):
    assert selectors.reviews_carried_out(areas=hertsmere, periods=[FY26]) == {"2026-27": 3}
    # Only E went on to monitor an action plan.
    assert selectors.reviews_with_recommendations(areas=hertsmere, periods=[FY26]) == {"2026-27": 1}


def test_appeals_and_their_outcomes(year_2026, hertsmere):
    # C's appeal (decision upheld) and G's (referred back): both lodged in 2026.
    assert selectors.appeals_received(areas=hertsmere, periods=YEARS) == {
        "2025-26": 0,
        "2026-27": 2,
        "2027-28": 0,
    }
    assert selectors.appeals_upheld(areas=hertsmere, periods=[FY26]) == {"2026-27": 1}
    assert selectors.appeals_by_outcome(areas=hertsmere, periods=[FY26]) == {
        "2026-27": {"refer_back": 1, "uphold_decision": 1}
    }


def test_appeals_fall_back_to_the_timeline_without_appeal_records(
    year_2026, hertsmere, monkeypatch
):
    from reporting import sources

    real = sources.has_records
    monkeypatch.setattr(
        sources, "has_records", lambda label: label != "appeals.Appeal" and real(label)
    )
    # Only the appeal that reopened the case is visible on the timeline.
    assert selectors.appeals_received(areas=hertsmere, periods=[FY26]) == {"2026-27": 1}
    assert selectors.appeals_upheld(areas=hertsmere, periods=[FY26]) == {"2026-27": 1}
    assert [e["outcome"] for e in selectors.escalations(areas=hertsmere, period=FY26)] == [
        "Upheld: referred back to the relevant bodies"
    ]


def test_escalations_hold_no_personal_data(year_2026, hertsmere):
    rows = selectors.escalations(areas=hertsmere, period=FY26)
    assert len(rows) == 2
    assert set(rows[0]) == {
        "area",
        "lodged",
        "against",
        "in_time",
        "status",
        "outcome",
        "days_to_decision",
    }
    assert rows[0]["lodged"] == "April 2026" and rows[0]["days_to_decision"] == 20
    assert "Pomfrey" not in repr(rows)


def test_timeliness_by_deadline_kind(year_2026, hertsmere):
    from deadlines.models import Deadline

    case = year_2026["H"]
    due = D(2026, 9, 10)
    for i, (state, met_on) in enumerate(
        [
            ("met_on_time", due),
            ("met_on_time", due),
            ("met_late", due + dt.timedelta(days=3)),
            ("breached", None),
            ("open", None),
            ("waived", None),
        ]
    ):
        Deadline.objects.create(
            key=f"test:{i}",
            case=case,
            step="reporting_test",
            rule="5 working days",
            started_on=due - dt.timedelta(days=7),
            due=due,
            original_due=due,
            state=state,
            met_on=met_on,
        )
    # A deadline due next year is not in this one.
    Deadline.objects.create(
        key="test:next",
        case=case,
        step="reporting_test",
        rule="5 working days",
        started_on=D(2027, 4, 1),
        due=D(2027, 4, 8),
        original_due=D(2027, 4, 8),
    )
    rows = {
        r["kind"]: r for r in selectors.timeliness_by_deadline_kind(areas=hertsmere, period=FY26)
    }
    row = rows["reporting_test"]
    # The open one was due in September 2026, which has passed: it counts as breached.
    assert (row["on_time"], row["late"], row["breached"], row["open"], row["waived"]) == (
        2,
        1,
        2,
        0,
        1,
    )
    assert row["total"] == 6


def test_several_areas_add_up(year_2026, reference):
    luton = reference["areas"]["luton"]
    both = [reference["areas"]["hertsmere"], luton]
    assert selectors.threshold_not_met(areas=[luton], periods=[FY26]) == {"2026-27": 1}
    assert selectors.threshold_not_met(areas=both, periods=[FY26]) == {"2026-27": 4}
    by_area = selectors.figures_by_area(areas=both, period=FY26)
    assert by_area[luton.pk]["applications"] == 1
    assert by_area[both[0].pk]["applications"] == 6


def test_any_date_range(year_2026, hertsmere):
    spring = Period.between(dt.date(2026, 3, 31), dt.date(2026, 4, 1))
    assert selectors.applications_received(areas=hertsmere, periods=[spring]) == {spring.label: 2}
    assert selectors.threshold_not_met(areas=hertsmere, periods=[spring]) == {spring.label: 1}


def test_extras(year_2026, hertsmere):
    report = selectors.report(areas=hertsmere, periods=[FY25, FY26])
    assert dict(report["by_channel"])["Phone"] == 6
    outcome = dict(report["by_outcome"])
    assert outcome["Reviewed by a panel"] == 3  # E, F, G
    assert outcome["Withdrawn"] == 1  # D
    assert outcome["Threshold not met"] == 1  # A
    assert outcome["Still in progress"] == 1  # H
    assert report["repeat_applications"] == 1  # H, after E
    assert report["figures"]["applications"] == {"2025-26": 1, "2026-27": 6}


def test_the_report_counts_applications_as_the_separate_figures_do(year_2026, hertsmere):
    """The report reads applications once for all its views of them; each view agrees
    with the figure on its own (as the data return asks for them)."""
    report = selectors.report(areas=hertsmere, periods=YEARS[:2])
    channel = selectors.applications_by_channel(areas=hertsmere, periods=[FY26])["2026-27"]
    outcome = selectors.applications_by_outcome(areas=hertsmere, periods=[FY26])["2026-27"]
    repeats = selectors.repeat_applications(areas=hertsmere, periods=YEARS)
    assert report["figures"] == selectors.figures(areas=hertsmere, periods=YEARS[:2])
    assert dict(report["by_channel"]) == {
        label: channel.get(value, 0) for value, label in Channel.choices
    }
    assert dict(report["by_outcome"]) == {
        label: outcome.get(key, 0) for key, label in selectors.OUTCOME_LABELS.items()
    }
    assert repeats == {"2025-26": 0, "2026-27": 1, "2027-28": 0}
    assert report["repeat_applications"] == 1
    assert selectors.report(areas=hertsmere, periods=YEARS)["repeat_applications"] == 0


def test_repeat_applications_match_the_victim_by_record_or_name_and_postcode(reference, users):
    """A repeat is an application for a victim who applied before in the same area: the
    same person record, or a person with the same name and postcode in any letter case
    (each compared on its own). Without a postcode only the same record counts."""
    from cases.models import Case

    hertsmere, luton = reference["areas"]["hertsmere"], reference["areas"]["luton"]
    by = users["hertsmere.officer"]

    def apply(on, name, postcode, area=hertsmere):
        return case_on(area=area, by=by, received_on=on, victim=victim(name, postcode))

    first = apply(D(2026, 5, 1), "Ann Example", "WD6 1AA")
    apply(D(2026, 6, 1), "ANN EXAMPLE", "wd6 1aa")  # repeat: same name and postcode
    again = apply(D(2026, 7, 1), "Ann Renamed", "AL1 1AA")
    Case.objects.filter(pk=again.pk).update(victim=first.victim)  # repeat: same record
    apply(D(2026, 6, 1), "Ann Example", "WD6 1AA", area=luton)  # another area: not
    apply(D(2026, 5, 2), "Bo Nopostcode", "")
    apply(D(2026, 6, 2), "Bo Nopostcode", "")  # no postcode, another record: not
    alone = apply(D(2026, 5, 3), "Cy Alone", "")
    later = apply(D(2026, 8, 3), "Cy Alone", "")
    Case.objects.filter(pk=later.pk).update(victim=alone.victim)  # repeat: same record
    apply(D(2026, 5, 4), "Di|EN5", "5AA")
    apply(D(2026, 6, 4), "Di", "EN5|5AA")  # neither the same name nor postcode: not

    assert selectors.repeat_applications(areas=[hertsmere], periods=[FY26]) == {"2026-27": 3}
    assert selectors.report(areas=[hertsmere], periods=[FY26])["repeat_applications"] == 3
    assert selectors.report(areas=[luton], periods=[FY26])["repeat_applications"] == 0


def test_by_agency_reported_to(year_2026, reference, hertsmere, users):
    from cases.services import IncidentInput, incident_add

    police = reference["agencies"]["hertfordshire-constabulary"]
    case = year_2026["H"]
    for n in range(2):  # two different reports (the same one twice is refused)
        incident_add(
            case=case,
            by=users["hertsmere.officer"],
            data=IncidentInput(
                incident_date=dt.date(2026, 8, 1), description=f"Shouting {n}", reported_to=police
            ),
        )
    by_agency = selectors.applications_by_agency_reported_to(areas=hertsmere, periods=[FY26])
    assert by_agency == {"2026-27": {police.name: 1}}


def test_recommendations_come_from_the_panels_action_plan(reference, users):
    """A review recorded by the panels app counts when its own plan holds a real action."""
    from cases import services
    from panels.models import Action, Listing, Meeting
    from tests.reporting.factories import at, case_on, step

    area, by = reference["areas"]["hertsmere"], users["hertsmere.officer"]
    meeting = Meeting.objects.create(area=area, kind="ad_hoc", starts_at=at(D(2026, 6, 1), 10))

    def reviewed_at_panel(*, interim_only: bool, monitor: bool):
        case = case_on(area=area, by=by, received_on=D(2026, 5, 1))
        case = step(
            case,
            "acknowledge",
            "start_gathering",
            "record_threshold_met",
            "arrange_panel",
            by=by,
            when=at(D(2026, 5, 20)),
        )
        listing = Listing.objects.create(meeting=meeting, case=case)
        Action.objects.create(
            case=case,
            listing=listing,
            what="Visit",
            why="Risk",
            agency=area.administering_agency,
            owner=by,
            due_on=D(2026, 7, 1),
            interim=interim_only,
        )
        with time_machine.travel(at(D(2026, 6, 1), 12), tick=False):
            with_evidence(case, "record_review", by)
            case = services.case_transition(
                case=case, name="record_review", by=by, detail={"listing_id": listing.pk}
            )
        if monitor:
            step(case, "send_outcome", "start_monitoring", by=by, when=at(D(2026, 6, 5)))
        return case

    reviewed_at_panel(interim_only=False, monitor=False)  # counts: its plan has an action
    reviewed_at_panel(interim_only=True, monitor=True)  # does not: only an interim action
    hertsmere = [area]
    assert selectors.reviews_carried_out(areas=hertsmere, periods=[FY26]) == {"2026-27": 2}
    assert selectors.reviews_with_recommendations(areas=hertsmere, periods=[FY26]) == {"2026-27": 1}
