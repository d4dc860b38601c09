import io

import pytest

from appeals.bundle import ITEMS, bundle_items
from appeals.models import Appeal

pytestmark = pytest.mark.django_db


def test_demo_appeals_and_the_bundle_for_a_demo_case(reference):
    from appeals import demo
    from cases import demo as case_demo
    from thresholds.demo import decide_demo_cases

    case_demo.load_demo(io.StringIO())
    decide_demo_cases()
    demo.load_demo(io.StringIO())
    count = Appeal.objects.count()
    assert count >= 1
    demo.load_demo(io.StringIO())
    assert Appeal.objects.count() == count  # idempotent

    appeal = Appeal.objects.get(case__area__slug="devon-and-cornwall")
    items = bundle_items(appeal)
    assert [(i.number, i.key) for i in items] == [
        (n, key) for n, (key, _title) in enumerate(ITEMS, start=1)
    ]
    by_key = {i.key: i for i in items}
    assert by_key["application"].available
    assert not by_key["minutes"].available
    assert by_key["minutes"].missing_reason.startswith("No panel met")
    for item in items:
        assert item.available in (True, False)
