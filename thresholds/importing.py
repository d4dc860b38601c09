"""Import an agency's incident export (CSV) into the incident log: all or nothing.

The column mapping is documented in docs/thresholds.md and shown on the upload page.
Each row becomes one ``cases.Incident`` with ``import_key = "<agency slug>:<reference>"``,
so re-importing the same file (or an overlapping later export) adds nothing twice.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.constants import IncidentKind, IncidentSource
from cases.locations import clean_place, clean_postcode, clean_uprn
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
    ("location", False, "Where it happened: the address or place name."),
    ("postcode", False, "The postcode of the place, e.g. WD6 1AB."),
    ("building", False, "The building or block, if it is one."),
    ("uprn", False, "The Unique Property Reference Number, if known (digits)."),
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


MAX_LENGTHS = {
    "reference": 100,
    "complainant_key": 200,
    "description": 10_000,
    "issue": 200,
    "location": 300,
    "postcode": 10,
    "building": 200,
    "uprn": 20,
    "area": 50,
    "same_incident_as": 100,
}
"""The longest value each column takes (the incident log's field sizes)."""


@dataclass
class CheckedRow:
    """A row that passed every check, ready to store."""

    number: int
    reference: str
    fields: dict
    same_incident_as: str = ""


@dataclass
class StoreResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    incidents: dict[str, Incident] = field(default_factory=dict)


def import_key(agency: Agency, reference: str) -> str:
    """The incident log's key for an agency's own reference: one incident per pair."""
    return f"{agency.slug}:{reference}"


def _row_check(number: int, row: dict, *, areas: dict, today: dt.date):
    """The rules for one row on its own: (errors, CheckedRow or None)."""
    errors = []
    for name, value in row.items():
        if "\x00" in value:
            errors.append(RowError(number, name, "contains a NUL character; remove it"))
        elif name in MAX_LENGTHS and len(value) > MAX_LENGTHS[name]:
            errors.append(
                RowError(number, name, f"is too long: at most {MAX_LENGTHS[name]:,} characters")
            )
    if errors:
        return errors, None
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
    place = {}
    for name, clean in (("postcode", clean_postcode), ("uprn", clean_uprn)):
        try:
            place[name] = clean(row.get(name, ""))
        except ValidationError as exc:
            errors.append(RowError(number, name, exc.messages[0]))
    same = row.get("same_incident_as", "")
    if same and same == row.get("reference"):
        errors.append(RowError(number, "same_incident_as", "a report cannot duplicate itself"))
    if errors:
        return errors, None
    return [], CheckedRow(
        number=number,
        reference=row["reference"],
        same_incident_as=same,
        fields={
            "area": areas[area_slug],
            "kind": kind,
            "incident_date": parsed["incident_date"],
            "reported_date": parsed.get("reported_date"),
            "description": row["description"],
            "issue": row.get("issue", ""),
            "location": clean_place(row.get("location", "")),
            "postcode": place["postcode"],
            "building": clean_place(row.get("building", ""), limit=200),
            "uprn": place["uprn"],
            "hate_motivated": hate in YES,
            "complainant_key": row["complainant_key"],
        },
    )


def incident_rows_check(
    *, rows: list[tuple[int, dict]], agency: Agency, today: dt.date
) -> tuple[list[CheckedRow], list[RowError]]:
    """Check (row number, {column: text}) rows against the import rules, each on its own
    and together (one reference once; links to a report in these rows or the log).
    Returns the rows that pass and the errors of those that do not."""
    areas = {a.slug: a for a in agency.areas.all()}
    errors: list[RowError] = []
    checked: list[CheckedRow] = []
    seen: dict[str, int] = {}
    for number, row in rows:
        row_errors, ok = _row_check(number, row, areas=areas, today=today)
        reference = row.get("reference", "")
        if reference and reference in seen:
            row_errors.append(
                RowError(number, "reference", f"the same reference is on row {seen[reference]}")
            )
            ok = None
        if reference and "\x00" not in reference:
            seen.setdefault(reference, number)
        errors += row_errors
        if ok and not row_errors:
            checked.append(ok)
    # Links may point to rows checked here or to reports stored before.
    valid = {c.reference for c in checked}
    wanted = {c.same_incident_as for c in checked if c.same_incident_as}
    existing = set(
        Incident.objects.filter(
            import_key__in=[import_key(agency, r) for r in wanted - valid]
        ).values_list("import_key", flat=True)
    )
    passed = []
    for row in checked:
        same = row.same_incident_as
        if same and same not in valid and import_key(agency, same) not in existing:
            where = f"row {seen[same]} was refused" if same in seen else "is not in the log"
            errors.append(RowError(row.number, "same_incident_as", f"the report '{same}' {where}"))
            continue
        passed.append(row)
    errors.sort(key=lambda e: e.row)
    return passed, errors


def _differs(incident: Incident, fields: dict) -> bool:
    for name, value in fields.items():
        if name == "area":  # compare ids: reading incident.area would query per row
            if incident.area_id != value.pk:
                return True
        elif getattr(incident, name) != value:
            return True
    return False


def incident_rows_store(
    *, rows: list[CheckedRow], agency: Agency, by, update_existing: bool
) -> StoreResult:
    """Store checked rows in the incident log, one incident per agency and reference, where
    the detection jobs find them. A reference already stored is updated (an agency's
    system resubmitting) or, for a file import, left as it is. A constant number of
    queries whatever the number of rows (bar links to reports stored before)."""
    result = StoreResult()
    keys = {import_key(agency, r.reference): r for r in rows}
    existing = {i.import_key: i for i in Incident.objects.filter(import_key__in=list(keys))}
    created_by = by if getattr(by, "is_authenticated", False) else None
    now = timezone.now()
    new, changed = [], []
    for key, row in keys.items():
        incident = existing.get(key)
        if incident is None:
            incident = Incident(
                source=IncidentSource.IMPORT,
                reported_to=agency,
                agency_reference=row.reference,
                import_key=key,
                created_by=created_by,
                **row.fields,
            )
            new.append(incident)
        elif update_existing and _differs(incident, row.fields):
            for name, value in row.fields.items():
                setattr(incident, name, value)
            incident.updated_at = now
            changed.append(incident)
        else:
            result.unchanged += 1
        result.incidents[row.reference] = incident
    with transaction.atomic():
        Incident.objects.bulk_create(new, batch_size=500)
        for incident in changed:  # one UPDATE each: faster than bulk_update's CASE per field
            Incident.objects.filter(pk=incident.pk).update(
                updated_at=now, **keys[import_key(agency, incident.agency_reference)].fields
            )
        result.created, result.updated = len(new), len(changed)
        linked = []
        for key, row in keys.items():
            incident = result.incidents[row.reference]
            if not row.same_incident_as or not (update_existing or key not in existing):
                continue
            target = result.incidents.get(row.same_incident_as) or Incident.objects.get(
                import_key=import_key(agency, row.same_incident_as)
            )
            if incident.same_incident_as_id != target.pk:
                incident.same_incident_as = target
                linked.append(incident)
        Incident.objects.bulk_update(linked, ["same_incident_as"], batch_size=500)
    return result


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
    rows = [
        (number, {k: (v or "").strip() for k, v in raw.items() if k})
        for number, raw in enumerate(reader, start=2)  # row 1 is the header
    ]
    checked, errors = incident_rows_check(rows=rows, agency=agency, today=today)
    result.errors += errors
    if result.errors:
        return result
    stored = incident_rows_store(rows=checked, agency=agency, by=by, update_existing=False)
    result.created, result.unchanged = stored.created, stored.unchanged
    return result
