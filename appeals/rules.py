"""The ``appeal`` section of a procedure: validated here, used by ``appeals.services``.

Shape (every field is checked and errors name the field at fault)::

    appeal:
      window: {amount: 28, unit: days}          # from the decision or outcome date
      grounds: [{key: A, label: "..."}]          # the procedure's grounds, in its words
      reviewer:
        default: "The reviewing body"           # who reviews, in the procedure's words
        areas: {luton: "..."}                   # optional, per area slug
      stages:                # in order; each runs from the end of the one before,
        - {key: appoint, amount: 5, unit: working_days, rule: "..."}
        - {key: documents, amount: 10, unit: working_days, from: received, rule: "..."}
      follow_up: {amount: 3, unit: months, rule: "..."}   # optional (Devon & Cornwall)
"""

from partnerships.procedure_schema import ProcedureError

UNITS = ("days", "weeks", "months", "working_days")


def _period(value, path, errors, *, units=UNITS):
    from partnerships.procedure_schema import period_errors

    errors.extend(period_errors(value, path, units=units))


def _keyed_list(value, path, errors, *, label_field, allowed=None):
    if not isinstance(value, list) or not value:
        errors.append(ProcedureError(path, "Give at least one entry."))
        return
    seen = set()
    for i, item in enumerate(value):
        where = f"{path}[{i}]"
        if not isinstance(item, dict):
            errors.append(ProcedureError(where, "Each entry needs a key and a label."))
            continue
        key = item.get("key")
        if not isinstance(key, str) or not key.strip():
            errors.append(ProcedureError(f"{where}.key", "Give a short key."))
        elif key in seen:
            errors.append(ProcedureError(f"{where}.key", f"The key {key!r} is used twice."))
        else:
            seen.add(key)
        text = item.get(label_field)
        if not isinstance(text, str) or not text.strip():
            errors.append(ProcedureError(f"{where}.{label_field}", "Give the wording."))
        for extra in sorted(set(item) - set(allowed or item)):
            errors.append(
                ProcedureError(
                    f"{where}.{extra}",
                    "This field is not expected here. If the wording has a comma, put it in "
                    "quotes: an unquoted comma splits it into a stray field.",
                )
            )


def validate_section(value, path: str = "appeal") -> list[ProcedureError]:
    """Every problem with a procedure's ``appeal`` section, each naming the field at fault."""
    errors: list[ProcedureError] = []
    if not isinstance(value, dict):
        return [ProcedureError(path, "The appeal section must be a mapping.")]
    if "window" not in value:
        errors.append(ProcedureError(f"{path}.window", "Say how long the applicant has to appeal."))
    else:
        _period(value["window"], f"{path}.window", errors)
    if "grounds" not in value:
        errors.append(ProcedureError(f"{path}.grounds", "List the grounds for an appeal."))
    else:
        _keyed_list(
            value["grounds"],
            f"{path}.grounds",
            errors,
            label_field="label",
            allowed={"key", "label"},
        )
    reviewer = value.get("reviewer")
    if not isinstance(reviewer, dict):
        errors.append(ProcedureError(f"{path}.reviewer", "Say who reviews appeals."))
    else:
        default = reviewer.get("default")
        if not isinstance(default, str) or not default.strip():
            errors.append(ProcedureError(f"{path}.reviewer.default", "Name the reviewing body."))
        areas = reviewer.get("areas", {})
        if not isinstance(areas, dict):
            errors.append(ProcedureError(f"{path}.reviewer.areas", "Map area slugs to reviewers."))
        else:
            for slug, body in areas.items():
                if not isinstance(body, str) or not body.strip():
                    errors.append(
                        ProcedureError(f"{path}.reviewer.areas.{slug}", "Name the reviewing body.")
                    )
    if "stages" not in value:
        errors.append(ProcedureError(f"{path}.stages", "List the stages and their timescales."))
    else:
        stages = value["stages"]
        _keyed_list(stages, f"{path}.stages", errors, label_field="rule")
        if isinstance(stages, list):
            for i, stage in enumerate(stages):
                if isinstance(stage, dict):
                    _period(stage, f"{path}.stages[{i}]", errors)
                    if stage.get("from", "previous") not in ("previous", "received"):
                        errors.append(
                            ProcedureError(
                                f"{path}.stages[{i}].from",
                                "Use previous (from the end of the stage before) or received.",
                            )
                        )
    if "follow_up" in value:
        _period(value["follow_up"], f"{path}.follow_up", errors)
    unknown = set(value) - {"window", "grounds", "reviewer", "stages", "follow_up"}
    for key in sorted(unknown):
        errors.append(ProcedureError(f"{path}.{key}", "This field is not part of an appeal."))
    return errors
