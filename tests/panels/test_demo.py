"""The panels demo: a held meeting with minutes and actions in several states; idempotent."""

import io

import pytest

from cases.constants import CaseState
from panels import demo
from panels.models import Action, Listing

pytestmark = pytest.mark.django_db


def test_demo_loads_once_with_actions_in_several_states(reference):
    from cases import demo as case_demo
    from thresholds.demo import decide_demo_cases

    case_demo.load_demo(io.StringIO())
    decide_demo_cases()
    demo.load_demo(io.StringIO())
    counts = (Listing.objects.count(), Action.objects.count())
    demo.load_demo(io.StringIO())
    assert (Listing.objects.count(), Action.objects.count()) == counts

    held = Listing.objects.get(case__area__slug="hertsmere")
    assert held.status == "final" and held.minuted_at and held.circulated_on
    assert held.case.state == CaseState.REVIEWED
    assert held.members.filter(declared_at__isnull=False).count() == held.members.count()
    states = set(held.actions.values_list("status", flat=True))
    assert {"done", "in_progress", "delayed", "open"} <= states
    assert held.actions.filter(interim=True).exists()
    assert held.actions.filter(withhold_from_victim=True).exists()
    assert Listing.objects.get(case__area__slug="merton").status == "listed"
