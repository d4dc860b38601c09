"""Import an agency's incident export (CSV) into the incident log: all or nothing.

The column mapping is documented in docs/thresholds.md and shown on the upload page.
Each row becomes one ``cases.Incident`` with ``import_key = "<agency slug>:<reference>"``,
so re-importing the same file (or an overlapping later export) adds nothing twice.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import transaction

from cases.constants import IncidentKind, IncidentSource
from cases.models import Incident
from partnerships.models import Agency

COLUMNS = [
    ("reference", True, "The agency's own reference for the report (unique in its system)."),
    ("incident_date", True, "When it happened: YYYY-MM-DD or DD/MM/YYYY."),
    ("reported_date", False, "When it was reported to the agency (same formats)."),
    ("complainant_key", True, "A stable identifier of the person, business or group."),
    ("description", True, "What happened."),
    ("kind", False, "report (default) or diary_sheet."),
    ("issue", False, "Short name of the problem, e.g. noise."),
    ("location", False, "Where it happened."),
    ("hate_motivated", False, "yes or no (default no)."),
    ("area", False, "Area slug; needed only if the agency works in several areas."),
    ("same_incident_as", False, "Reference of an earlier report of the same incident."),
]
REQUIRED = [name for name, required, _ in COLUMNS if required]
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        where = f"Row {self.row}" if self.row else "Header"
        return f"{where}, column '{self.column}': {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def _date(value: str) -> dt.date:
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError("not a date; use YYYY-MM-DD or DD/MM/YYYY")


def incident_import(*, text: str, agency: Agency, by, today: dt.date | None = None) -> ImportResult:
    """Validate every row first; import nothing if any row is wrong, naming row and column.
    Rows already imported (same agency and reference) are left as they are."""
    today = today or dt.date.today()
    result = ImportResult()
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        result.errors += [RowError(0, c, "this column is missing") for c in missing]
        return result
    unknown = [h for h in header if h not in {c for c, _, _ in COLUMNS}]
    result.errors += [RowError(0, h, "unknown column") for h in unknown]
    areas = {a.slug: a for a in agency.areas.all()}
    rows, seen = [], {}
    for number, raw in enumerate(reader, start=2):  # row 1 is the header
        row = {k: (v or "").strip() for k, v in raw.items() if k}
        errors = []
        for name in REQUIRED:
            if not row.get(name):
                errors.append(RowError(number, name, "this value is required"))
        parsed = {}
        for name in ("incident_date", "reported_date"):
            if row.get(name):
                try:
                    parsed[name] = _date(row[name])
                except ValueError as exc:
                    errors.append(RowError(number, name, str(exc)))
                    continue
                if parsed[name] > today:
                    errors.append(RowError(number, name, "cannot be in the future"))
        if (
            "incident_date" in parsed
            and "reported_date" in parsed
            and parsed["reported_date"] < parsed["incident_date"]
        ):
            errors.append(RowError(number, "reported_date", "is before the incident date"))
        kind = row.get("kind") or IncidentKind.REPORT
        if kind not in IncidentKind.values:
            errors.append(RowError(number, "kind", "use report or diary_sheet"))
        hate = (row.get("hate_motivated") or "").lower()
        if hate not in YES | NO:
            errors.append(RowError(number, "hate_motivated", "use yes or no"))
        area_slug = row.get("area") or (next(iter(areas)) if len(areas) == 1 else "")
        if area_slug not in areas:
            errors.append(
                RowError(
                    number,
                    "area",
                    "give one of " + ", ".join(sorted(areas)) if areas else "agency has no area",
                )
            )
        reference = row.get("reference", "")
        if reference in seen:
            errors.append(
                RowError(number, "reference", f"the same reference is on row {seen[reference]}")
            )
        seen.setdefault(reference, number)
        same = row.get("same_incident_as", "")
        if same and same == reference:
            errors.append(RowError(number, "same_incident_as", "a report cannot duplicate itself"))
        result.errors += errors
        if not errors:
            rows.append((number, row, parsed, kind, hate in YES, areas.get(area_slug)))
    # Links may point to rows in this file or to reports imported before.
    key = lambda ref: f"{agency.slug}:{ref}"  # noqa: E731
    existing = set(
        Incident.objects.filter(import_key__in=[key(r) for r in seen]).values_list(
            "import_key", flat=True
        )
    )
    for number, row, *_ in rows:
        same = row.get("same_incident_as")
        if same and same not in seen and key(same) not in existing:
            if not Incident.objects.filter(import_key=key(same)).exists():
                result.errors.append(
                    RowError(number, "same_incident_as", f"no report '{same}' in this file or log")
                )
    if result.errors:
        return result
    with transaction.atomic():
        created: dict[str, Incident] = {}
        for _number, row, parsed, kind, hate, area in rows:
            if key(row["reference"]) in existing:
                result.unchanged += 1
                continue
            created[row["reference"]] = Incident.objects.create(
                area=area,
                source=IncidentSource.IMPORT,
                kind=kind,
                incident_date=parsed["incident_date"],
                reported_date=parsed.get("reported_date"),
                reported_to=agency,
                agency_reference=row["reference"],
                description=row["description"],
                issue=row.get("issue", ""),
                location=row.get("location", ""),
                hate_motivated=hate,
                complainant_key=row["complainant_key"],
                import_key=key(row["reference"]),
                created_by=by if getattr(by, "is_authenticated", False) else None,
            )
            result.created += 1
        for _number, row, *_ in rows:
            same = row.get("same_incident_as")
            if same and row["reference"] in created:
                target = Incident.objects.get(import_key=key(same))
                Incident.objects.filter(pk=created[row["reference"]].pk).update(
                    same_incident_as=target
                )
    return result
