import pytest

from cases.models import Case, TimelineEvent
from tests.demo_data import load_demo


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_covers_every_area_in_several_states():
    load_demo()
    counts = (Case.objects.count(), TimelineEvent.objects.count())
    load_demo()
    assert (Case.objects.count(), TimelineEvent.objects.count()) == counts
    for slug in (
        "staffordshire",
        "hertsmere",
        "devon-and-cornwall",
        "bedford",
        "luton",
        "central-bedfordshire",
        "merton",
    ):
        states = set(Case.objects.filter(area__slug=slug).values_list("state", flat=True))
        assert len(states) >= 4, (slug, states)
