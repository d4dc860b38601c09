"""Validator for a procedure's ``threshold`` section (see docs/thresholds.md).

Every error names the exact field at fault, e.g. ``threshold.routes[0].window.unit``.
Unknown keys are errors too, so a typo never silently changes a rule.
"""

from partnerships.procedures import ProcedureError
from thresholds.engine import COMMUNITY, DISCRETIONARY_FACTORS, ROUTE_KINDS

KINDS = ("report", "diary_sheet")
ROUTE_KEYS = {
    "key",
    "kind",
    "count",
    "distinct_complainants",
    "group_by",
    "window",
    "window_anchor",
    "report_lag",
    "application_within_of_latest",
    "same_incident_counts_once",
    "exclude_kinds",
    "same_issue",
    "same_complainant",
    "hate_only",
    "require_persisting",
}
BOOLEAN_KEYS = (
    "same_incident_counts_once",
    "same_issue",
    "same_complainant",
    "hate_only",
    "require_persisting",
)


def _period(value, path, units=("days", "months")) -> list[ProcedureError]:
    from partnerships.procedure_schema import period_errors

    if not isinstance(value, dict):
        return [ProcedureError(path, "Give {amount: N, unit: days or months}.")]
    errors = period_errors(value, path, units=units, unit_message=f"Use one of {', '.join(units)}.")
    for extra in sorted(set(value) - {"amount", "unit"}):
        errors.append(ProcedureError(f"{path}.{extra}", "Unknown field."))
    return errors


def _whole(value, path) -> list[ProcedureError]:
    from partnerships.procedure_schema import COUNT_MAX, whole_number_errors

    return whole_number_errors(value, path, minimum=1, maximum=COUNT_MAX)


def _route(route, path) -> list[ProcedureError]:
    if not isinstance(route, dict):
        return [ProcedureError(path, "Each route is a mapping.")]
    errors = [
        ProcedureError(f"{path}.{k}", "Unknown field.") for k in sorted(set(route) - ROUTE_KEYS)
    ]
    if not isinstance(route.get("key"), str) or not route.get("key"):
        errors.append(ProcedureError(f"{path}.key", "Give the route a short key."))
    kind = route.get("kind")
    if kind not in ROUTE_KINDS:
        errors.append(ProcedureError(f"{path}.kind", f"Use one of {', '.join(ROUTE_KINDS)}."))
    if kind == COMMUNITY:
        errors += _whole(route.get("distinct_complainants"), f"{path}.distinct_complainants")
        if route.get("group_by", "issue") not in ("issue", "location"):
            errors.append(ProcedureError(f"{path}.group_by", "Use issue or location."))
    elif kind is not None:
        errors += _whole(route.get("count"), f"{path}.count")
    if "window" not in route:
        errors.append(ProcedureError(f"{path}.window", "This field is required."))
    else:
        errors += _period(route["window"], f"{path}.window")
    if route.get("window_anchor", "application") not in ("application", "rolling"):
        errors.append(ProcedureError(f"{path}.window_anchor", "Use application or rolling."))
    for key in ("report_lag", "application_within_of_latest"):
        if key in route:
            errors += _period(route[key], f"{path}.{key}")
    for key in BOOLEAN_KEYS:
        if key in route and not isinstance(route[key], bool):
            errors.append(ProcedureError(f"{path}.{key}", "Use true or false."))
    kinds = route.get("exclude_kinds", [])
    if not isinstance(kinds, list):
        errors.append(ProcedureError(f"{path}.exclude_kinds", "Give a list."))
    else:
        for i, k in enumerate(kinds):
            if k not in KINDS:
                errors.append(
                    ProcedureError(f"{path}.exclude_kinds[{i}]", f"Use one of {', '.join(KINDS)}.")
                )
    return errors


def validate_section(value, path) -> list[ProcedureError]:
    """Validate ``threshold``: routes (OR between them), discretionary factors and the
    senior-manager route."""
    if not isinstance(value, dict):
        return [ProcedureError(path, "Give the threshold as a mapping with routes.")]
    known = {"routes", "discretionary_factors", "senior_manager_route"}
    errors = [ProcedureError(f"{path}.{k}", "Unknown field.") for k in sorted(set(value) - known)]
    routes = value.get("routes")
    if not isinstance(routes, list) or not routes:
        errors.append(ProcedureError(f"{path}.routes", "Give at least one route."))
    else:
        seen = set()
        for i, route in enumerate(routes):
            errors += _route(route, f"{path}.routes[{i}]")
            key = route.get("key") if isinstance(route, dict) else None
            if key in seen:
                errors.append(ProcedureError(f"{path}.routes[{i}].key", "Keys must be unique."))
            seen.add(key)
    factors = value.get("discretionary_factors", [])
    if not isinstance(factors, list):
        errors.append(ProcedureError(f"{path}.discretionary_factors", "Give a list."))
    else:
        for i, f in enumerate(factors):
            if f not in DISCRETIONARY_FACTORS:
                errors.append(
                    ProcedureError(
                        f"{path}.discretionary_factors[{i}]",
                        f"Use one of {', '.join(DISCRETIONARY_FACTORS)}.",
                    )
                )
    if "senior_manager_route" in value:
        smr = value["senior_manager_route"]
        here = f"{path}.senior_manager_route"
        who = smr.get("who") if isinstance(smr, dict) else None
        if not isinstance(who, list) or not who:
            errors.append(ProcedureError(f"{here}.who", "List who may use it (key and label)."))
        else:
            for i, w in enumerate(who):
                if not isinstance(w, dict) or not w.get("key") or not w.get("label"):
                    errors.append(ProcedureError(f"{here}.who[{i}]", "Give a key and a label."))
    return errors
