"""Procedures as data: YAML in, validated, stored as immutable numbered versions.

The schema is documented in ``docs/procedures.md``. Each section is validated by the
app that uses it (``SECTION_VALIDATORS``); every error names the exact field at fault
as a dotted path, e.g. ``timescales.acknowledge.amount``.
"""

import importlib
from dataclasses import dataclass

import yaml
from django.db import transaction

from partnerships.models import Procedure, ProcedureVersion


@dataclass(frozen=True)
class ProcedureError:
    path: str
    message: str

    def __str__(self):
        return f"{self.path}: {self.message}"


class InvalidProcedure(ValueError):
    def __init__(self, errors: list[ProcedureError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


REQUIRED_TOP_LEVEL = ("slug", "name", "source", "threshold", "decision", "timescales")

SECTION_VALIDATORS = {
    # section: "module.function" taking (value, path) and returning [ProcedureError]
    "exclusions": "partnerships.procedure_schema.validate_exclusions",
    "decision": "partnerships.procedure_schema.validate_decision",
    "risk_matrices": "partnerships.procedure_schema.validate_risk_matrices",
    "threshold": "thresholds.rules.validate_section",
    "timescales": "deadlines.rules.validate_section",
    "panel": "panels.rules.validate_section",
    "action_escalation": "deadlines.rules.validate_ladder",
    "appeal": "appeals.rules.validate_section",
}


def _validator(dotted: str):
    module_name, func = dotted.rsplit(".", 1)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    return getattr(module, func, None)


def validate_procedure(data) -> list[ProcedureError]:
    """Every problem with a procedure, each naming the field at fault."""
    if not isinstance(data, dict):
        return [ProcedureError("(top)", "The file must be a mapping of sections.")]
    errors = [
        ProcedureError(key, "This section is required.")
        for key in REQUIRED_TOP_LEVEL
        if key not in data
    ]
    slug = data.get("slug")
    if slug is not None and (not isinstance(slug, str) or not slug.replace("-", "").isalnum()):
        errors.append(ProcedureError("slug", "Use lower-case letters, digits and hyphens."))
    for section, dotted in SECTION_VALIDATORS.items():
        if section in data:
            validator = _validator(dotted)
            if validator is not None:
                errors.extend(validator(data[section], section))
    return errors


def parse_yaml(text: str) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        raise InvalidProcedure([ProcedureError(where, f"Not valid YAML: {exc}")]) from exc
    errors = validate_procedure(data)
    if errors:
        raise InvalidProcedure(errors)
    return data


def procedure_save_version(*, text: str, by=None, change_note: str = "") -> ProcedureVersion:
    """Validate YAML and store it as the procedure's next version (no-op if unchanged).

    Editing a procedure never changes an existing case: cases pin their version.
    """
    data = parse_yaml(text)
    with transaction.atomic():
        procedure, _ = Procedure.objects.select_for_update().get_or_create(
            slug=data["slug"], defaults={"name": data["name"]}
        )
        if procedure.name != data["name"]:
            procedure.name = data["name"]
            procedure.save(update_fields=["name", "updated_at"])
        latest = procedure.versions.order_by("-number").first()
        if latest and latest.data == data:
            return latest
        return ProcedureVersion.objects.create(
            procedure=procedure,
            number=(latest.number + 1) if latest else 1,
            data=data,
            source_yaml=text,
            change_note=change_note,
            created_by=by,
        )


def procedure_export(slug: str, *, version: int | None = None) -> str:
    """The YAML of a procedure's version (latest by default), comments kept."""
    procedure = Procedure.objects.get(slug=slug)
    qs = procedure.versions.order_by("-number")
    chosen = qs.get(number=version) if version else qs.first()
    return chosen.source_yaml
