"""manage.py deadlines_preview, and the demo deadline."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from deadlines import demo
from deadlines.constants import DeadlineState
from deadlines.models import Deadline
from deadlines.sweep import deadlines_sweep


def _preview(*args) -> list[dict]:
    out = io.StringIO()
    call_command("deadlines_preview", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_preview_hertsmere_across_christmas(reference):
    rows = _preview("--procedure", "hertsmere", "--received", "2026-12-22")
    due = {r["step"]: r["due"] for r in rows}
    assert due["acknowledge"] == "2026-12-29"
    assert due["threshold_decision"] == "2027-01-08"
    assert due["victim_contact"] == "2027-01-15"
    assert due["appeal.heard"] == "2027-01-29"
    assert all({"step", "due", "rule"} <= set(r) for r in rows)


@pytest.mark.django_db
def test_preview_works_from_the_seed_file_without_loaded_data():
    rows = _preview("--procedure", "merton", "--received", "2026-12-22")
    assert {r["step"]: r["due"] for r in rows}["acknowledge"] == "2026-12-24"


@pytest.mark.django_db
def test_preview_errors_are_plain():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _preview("--procedure", "merton", "--received", "22/12/2026")
    with pytest.raises(CommandError, match="Known: .*hertsmere"):
        _preview("--procedure", "nowhere", "--received", "2026-12-22")


@pytest.mark.django_db
def test_the_demo_deadline_breaches_at_the_first_sweep(reference, mailoutbox):
    from cases.demo import load_demo as cases_demo
    from thresholds.demo import decide_demo_cases

    cases_demo(io.StringIO())
    decide_demo_cases()
    demo.load_demo(io.StringIO())
    demo.load_demo(io.StringIO())
    deadline = Deadline.objects.get(key=demo.DEMO_KEY)
    assert deadline.state == DeadlineState.OPEN
    deadlines_sweep()
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.BREACHED
    assert any(
        deadline.case.reference in m.subject and "call the victim back" in m.subject
        for m in mailoutbox
    )


@pytest.mark.django_db
def test_bench_data_fills_a_scratch_database_in_bulk(reference):
    from cases.models import Case, Incident

    with pytest.raises(CommandError):
        call_command("bench_data", "--cases", "5", stdout=io.StringIO())
    out = io.StringIO()
    call_command("bench_data", "--cases", "20", "--incidents", "200", "--yes", stdout=out)
    assert Case.objects.filter(reference__startswith="BEN-").count() == 20
    assert Deadline.objects.filter(key__startswith="bench:", state=DeadlineState.OPEN).count() == 20
    assert Incident.objects.filter(complainant_key__startswith="bench-").count() == 200
    assert "Added 20 cases" in out.getvalue()
    # Each case has the transitions that brought it to its state, sealed into its chain,
    # and its administering body involved (as receiving a case does).
    from audit.verify import verify
    from cases.models import CaseAgency, TimelineEvent

    assert TimelineEvent.objects.filter(case__reference__startswith="BEN-").exists()
    assert not verify().breaks
    assert CaseAgency.objects.filter(role="administering").count() == 20
    # The data is usable: a sweep and a detection run over it raise no error.
    deadlines_sweep()
    from thresholds.services import detection_run

    detection_run()


PATH_STEPS = ("threshold_decision", "victim_contact", "meeting", "outcome", "minutes")


@pytest.mark.django_db
@pytest.mark.parametrize("received", ["2026-03-02", "2026-12-22", "2027-02-26"])
@pytest.mark.parametrize(
    "procedure", ["hertsmere", "staffordshire", "bedfordshire", "merton", "devon-and-cornwall"]
)
def test_later_steps_are_dated_in_the_order_they_happen(procedure, received):
    """The outcome is never due before the threshold decision, a step never starts before
    the step it follows is due, and the appeal is decided when its last stage is due."""
    rows = _preview("--procedure", procedure, "--received", received)
    due = {r["step"]: r["due"] for r in rows}
    if "threshold_decision" in due and "outcome" in due:
        assert due["outcome"] >= due["threshold_decision"], rows
    present = [due[s] for s in PATH_STEPS if s in due]
    assert present == sorted(present), rows
    ends = {"panel_held": "meeting", "threshold_met": "threshold_decision"}
    for row in rows:
        assert row["starts_on"] >= received, row
        if row["starts"] in ends and ends[row["starts"]] in due:
            assert row["starts_on"] >= due[ends[row["starts"]]], row
    stages = [r for r in rows if r["step"].startswith("appeal.")]
    for row in rows:
        if row["starts"] == "appeal_decided" and stages:
            assert row["starts_on"] == stages[-1]["due"], row


@pytest.mark.django_db
def test_hertsmere_outcome_follows_the_decision_and_the_victim_contact():
    due = {
        r["step"]: r["due"]
        for r in _preview("--procedure", "hertsmere", "--received", "2026-03-02")
    }
    assert due["threshold_decision"] == "2026-03-16"
    assert due["victim_contact"] == "2026-03-23"
    assert due["outcome"] == "2026-03-30"  # was 9 March: before the decision


@pytest.mark.django_db
def test_the_nation_option_changes_which_bank_holidays_count():
    # St Andrew's Day (Monday 30 November 2026) is a bank holiday in Scotland only.
    england = _preview("--procedure", "merton", "--received", "2026-11-27")
    scotland = _preview("--procedure", "merton", "--received", "2026-11-27", "--nation", "scotland")
    ack = {r["step"]: r["due"] for r in england}["acknowledge"]
    assert ack == "2026-12-01"
    assert {r["step"]: r["due"] for r in scotland}["acknowledge"] == "2026-12-02"
    with pytest.raises(CommandError):
        _preview("--procedure", "merton", "--received", "2026-11-27", "--nation", "france")
