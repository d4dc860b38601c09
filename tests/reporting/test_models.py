import datetime as dt

import pytest

from asbcr.models import AppendOnlyError
from reporting.models import Publication
from reporting.suppression import suppress


@pytest.mark.parametrize(
    ("value", "shown"), [(0, "0"), (1, "fewer than 5"), (4, "fewer than 5"), (5, "5"), (120, "120")]
)
def test_default_suppression(value, shown):
    assert suppress(value) == shown


def test_suppression_threshold_is_configurable(settings):
    settings.REPORTING_SUPPRESSION_THRESHOLD = 10
    assert suppress(9) == "fewer than 10"
    assert suppress(10) == "10"
    assert suppress(3, 0) == "3"  # 0 turns it off
    assert suppress(3, 1) == "3"


def test_publication_is_frozen(reference):
    publication = Publication.objects.create(
        area=reference["areas"]["hertsmere"],
        year=2025,
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2026, 3, 31),
        figures={
            "applications": 3,
            "threshold_not_met": 0,
            "reviews": 9,
            "reviews_with_recommendations": 6,
        },
        suppression_threshold=5,
    )
    assert publication.year_label == "2025-26"
    assert publication.public_rows() == [
        ("Applications received", "fewer than 5"),
        ("Times the threshold was not met", "0"),
        ("Case reviews carried out", "9"),
        ("Case reviews that resulted in recommendations", "6"),
    ]
    publication.figures["applications"] = 30
    with pytest.raises(AppendOnlyError):
        publication.save()
    with pytest.raises(AppendOnlyError):
        publication.delete()
    with pytest.raises(AppendOnlyError):
        Publication.objects.filter(pk=publication.pk).update(year=2024)
