"""Data return format version 1: the whole mapping from the statistics to the return.

The Home Office has not yet published a format for the ASB data the Crime and Policing
Act 2026 asks bodies to supply, so version 1 is this service's own: the four statutory
figures, the appeals, and the extras the statistics pages show (by channel, by agency
reported to, by outcome, repeat applications, timeliness), for one area and one
financial year. Every count is suppressed as the published figures are
(``reporting.suppression``): a count from 1 to the threshold minus one is ``null`` in
JSON and ``[c]`` in CSV (the Government Statistical Service's marker for a value
withheld to protect confidentiality), and a breakdown whose total is published has a
second count suppressed when only one would be, so no count can be worked out by
subtraction.

The schema the document must meet is ``docs/data-return/data-return-v1.schema.json``.
Nothing here reads personal data: the selectors return counts and agency names only.
"""

import datetime as dt
import io
import json
from pathlib import Path

from django.conf import settings

from asbcr.exports import csv_writer
from cases.constants import Channel
from reporting import selectors, sources
from reporting.constants import STATUTORY_FIGURES, Figure, Timeliness
from reporting.periods import Period
from reporting.suppression import suppress_group, suppressed_count

VERSION = "1"
FORMAT = "asb-case-review-data-return"
SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "data-return" / "data-return-v1.schema.json"
CSV_MARKER = "[c]"
CSV_HEADER = [
    "format_version",
    "area",
    "area_name",
    "financial_year",
    "period_start",
    "period_end",
    "section",
    "category",
    "measure",
    "label",
    "value",
]
TIMELINESS_PARTS = [t.value for t in Timeliness]


def schema() -> dict:
    """The published JSON Schema for version 1."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def counts(*, area, period: Period) -> dict:
    """The exact counts the return is made from: one aggregate query per measure."""
    areas, periods = [area], [period]
    label = period.label
    return {
        "figures": {
            key: by_period[label]
            for key, by_period in selectors.figures(areas=areas, periods=periods).items()
        },
        "by_channel": selectors.applications_by_channel(areas=areas, periods=periods)[label],
        "by_agency": selectors.applications_by_agency_reported_to(areas=areas, periods=periods)[
            label
        ],
        "by_outcome": selectors.applications_by_outcome(areas=areas, periods=periods)[label],
        "appeals_by_outcome": selectors.appeals_by_outcome(areas=areas, periods=periods)[label],
        "repeat_applications": selectors.repeat_applications(areas=areas, periods=periods)[label],
        "timeliness": selectors.timeliness_by_deadline_kind(areas=areas, period=period),
    }


def _rows(pairs, key_name: str, threshold: int, *, grouped: bool = True) -> list[dict]:
    """[(key, label, n)] as [{key_name, label, count}], suppressed as one group (their
    total is published) or, when ``grouped`` is false, one count at a time."""
    pairs = list(pairs)
    values = [n for _, _, n in pairs]
    if grouped:
        shown = suppress_group(values, threshold)
    else:
        shown = [suppressed_count(n, threshold) for n in values]
    return [
        {key_name: key, "label": label, "count": c}
        for (key, label, _), c in zip(pairs, shown, strict=True)
    ]


def _timeliness_row(row: dict, threshold: int) -> dict:
    parts = suppress_group([row[p] for p in TIMELINESS_PARTS], threshold)
    return {
        "deadline": row["kind"],
        "label": row["label"],
        **dict(zip(TIMELINESS_PARTS, parts, strict=True)),
        "total": suppressed_count(row["total"], threshold),
    }


def build(*, area, period: Period, counts: dict, threshold: int, produced_at: dt.datetime) -> dict:
    """The return as a JSON-ready document, every count suppressed."""
    figures = counts["figures"]
    return {
        "format": FORMAT,
        "format_version": VERSION,
        "area": {
            "slug": area.slug,
            "name": area.name,
            "nation": area.nation,
            "police_force_area": area.police_force_area,
        },
        "financial_year": {
            "year": period.year,
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "produced_at": produced_at.isoformat(timespec="seconds"),
        "suppression": {
            "threshold": threshold,
            "rule": f"Counts from 1 to {max(threshold - 1, 0)} are withheld (null in JSON, "
            f"{CSV_MARKER} in CSV); in a breakdown of a published total, a second count is "
            "withheld when only one would be.",
        },
        "statutory_figures": {
            str(f): suppressed_count(figures[str(f)], threshold) for f in STATUTORY_FIGURES
        },
        "appeals": {
            "received": suppressed_count(figures[Figure.APPEALS], threshold),
            "upheld": suppressed_count(figures[Figure.APPEALS_UPHELD], threshold),
            "by_outcome": _rows(
                (
                    (key, label, counts["appeals_by_outcome"].get(key, 0))
                    for key, label in sources.APPEAL_OUTCOME_LABELS.items()
                ),
                "outcome",
                threshold,
            ),
        },
        "by_channel": _rows(
            ((key, label, counts["by_channel"].get(key, 0)) for key, label in Channel.choices),
            "channel",
            threshold,
        ),
        # Applications reported to several agencies count once for each: these overlap,
        # so they do not add up to a published total and are suppressed one by one.
        "by_agency_reported_to": _rows(
            ((name, name, n) for name, n in sorted(counts["by_agency"].items())),
            "agency",
            threshold,
            grouped=False,
        ),
        "by_outcome": _rows(
            (
                (key, label, counts["by_outcome"].get(key, 0))
                for key, label in selectors.OUTCOME_LABELS.items()
            ),
            "outcome",
            threshold,
        ),
        "repeat_applications": suppressed_count(counts["repeat_applications"], threshold),
        "timeliness": [_timeliness_row(row, threshold) for row in counts["timeliness"]],
    }


def content(document: dict) -> dict:
    """What a return says, leaving out when it was produced (to tell if anything changed)."""
    return {k: v for k, v in document.items() if k != "produced_at"}


def to_json(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _value(count: int | None):
    return CSV_MARKER if count is None else count


def csv_rows(document: dict) -> list[list]:
    """One row per value (tidy data), each row saying which area and year it is for."""
    area, year = document["area"], document["financial_year"]
    lead = [
        document["format_version"],
        area["slug"],
        area["name"],
        year["label"],
        year["start"],
        year["end"],
    ]
    labels = dict(Figure.choices)
    rows = [CSV_HEADER]
    for key, n in document["statutory_figures"].items():
        rows.append([*lead, "statutory_figures", key, "count", labels[key], _value(n)])
    appeals = document["appeals"]
    rows.append(
        [*lead, "appeals", "received", "count", labels[Figure.APPEALS], _value(appeals["received"])]
    )
    rows.append(
        [
            *lead,
            "appeals",
            "upheld",
            "count",
            labels[Figure.APPEALS_UPHELD],
            _value(appeals["upheld"]),
        ]
    )
    for row in appeals["by_outcome"]:
        rows.append(
            [
                *lead,
                "appeals_by_outcome",
                row["outcome"],
                "count",
                row["label"],
                _value(row["count"]),
            ]
        )
    for section, key in (
        ("by_channel", "channel"),
        ("by_agency_reported_to", "agency"),
        ("by_outcome", "outcome"),
    ):
        for row in document[section]:
            rows.append([*lead, section, row[key], "count", row["label"], _value(row["count"])])
    rows.append(
        [
            *lead,
            "repeat_applications",
            "repeat_applications",
            "count",
            "Applications from a victim who had applied before",
            _value(document["repeat_applications"]),
        ]
    )
    for row in document["timeliness"]:
        for measure in [*TIMELINESS_PARTS, "total"]:
            rows.append(
                [*lead, "timeliness", row["deadline"], measure, row["label"], _value(row[measure])]
            )
    return rows


def to_csv(document: dict) -> str:
    """The CSV, with every text cell made inert (``asbcr.exports``)."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerows(csv_rows(document))
    return out.getvalue()
