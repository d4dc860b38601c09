"""Validator for a procedure's ``threshold`` section (see docs/thresholds.md).

Every error names the exact field at fault, e.g. ``threshold.routes[0].window.unit``.
Unknown keys are errors too, so a typo never silently changes a rule.
"""

import difflib

from partnerships.procedure_schema import ProcedureError
from thresholds.engine import DISCRETIONARY_FACTORS
from thresholds.route_fields import ROUTE_FIELDS, ROUTE_KINDS, RouteField

KINDS = ("report", "diary_sheet")
ALL_ROUTE_FIELDS = tuple(dict.fromkeys(name for f in ROUTE_FIELDS.values() for name in f))


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


def _accepts(kind) -> str:
    return f"A {kind} route accepts: {', '.join(ROUTE_FIELDS[kind])}."


def _not_accepted(route, kind, path) -> list[ProcedureError]:
    """Every field the kind does not accept, named, with what the kind does accept."""
    allowed = ROUTE_FIELDS.get(kind)
    errors = []
    for name in sorted(set(route) - set(allowed or ALL_ROUTE_FIELDS), key=str):
        if name in ALL_ROUTE_FIELDS:
            message = f"'{name}' is not used by a {kind} route. {_accepts(kind)}"
        else:
            close = difflib.get_close_matches(str(name), list(allowed or ALL_ROUTE_FIELDS), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            accepts = _accepts(kind) if allowed else f"Use: {', '.join(ALL_ROUTE_FIELDS)}."
            message = f"'{name}' is not a field of a route.{hint} {accepts}"
        errors.append(ProcedureError(f"{path}.{name}", message))
    return errors


def _field(spec: RouteField, value, here) -> list[ProcedureError]:
    if spec.type == "whole":
        return _whole(value, here)
    if spec.type == "period":
        return _period(value, here)
    if spec.type == "choice" and value not in spec.choices:
        return [ProcedureError(here, f"Use {' or '.join(spec.choices)}.")]
    if spec.type == "flag" and not isinstance(value, bool):
        return [ProcedureError(here, "Use true or false.")]
    if spec.type == "kinds":
        if not isinstance(value, list):
            return [ProcedureError(here, "Give a list.")]
        return [
            ProcedureError(f"{here}[{i}]", f"Use one of {', '.join(KINDS)}.")
            for i, k in enumerate(value)
            if k not in KINDS
        ]
    return []


def _route(route, path) -> list[ProcedureError]:
    """One route, against ``ROUTE_FIELDS`` for its kind (the list the engine reads)."""
    if not isinstance(route, dict):
        return [ProcedureError(path, "Each route is a mapping.")]
    kind = route.get("kind")
    errors = []
    if not isinstance(route.get("key"), str) or not route.get("key"):
        errors.append(ProcedureError(f"{path}.key", "Give the route a short key."))
    if kind not in ROUTE_KINDS:
        errors.append(ProcedureError(f"{path}.kind", f"Use one of {', '.join(ROUTE_KINDS)}."))
        return errors + _not_accepted(route, None, path)
    errors += _not_accepted(route, kind, path)
    for name, spec in ROUTE_FIELDS[kind].items():
        if spec.type in ("text", "kind"):
            continue
        here = f"{path}.{name}"
        if name not in route:
            if spec.type == "whole" and spec.required:
                errors += _whole(None, here)
            elif spec.required:
                errors.append(ProcedureError(here, "This field is required."))
            continue
        errors += _field(spec, route[name], here)
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
            if not isinstance(key, str):
                continue
            if key in seen:
                errors.append(ProcedureError(f"{path}.routes[{i}].key", "Keys must be unique."))
            seen.add(key)
    factors = value.get("discretionary_factors", [])
    if not isinstance(factors, list):
        errors.append(ProcedureError(f"{path}.discretionary_factors", "Give a list."))
    else:
        for i, f in enumerate(factors):
            if not isinstance(f, str) or f not in DISCRETIONARY_FACTORS:
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
        if isinstance(smr, dict):
            errors += [
                ProcedureError(f"{here}.{k}", f"'{k}' is not a field here. Use: who.")
                for k in sorted(set(smr) - {"who"}, key=str)
            ]
        if not isinstance(who, list) or not who:
            errors.append(ProcedureError(f"{here}.who", "List who may use it (key and label)."))
        else:
            for i, w in enumerate(who):
                if not isinstance(w, dict) or not w.get("key") or not w.get("label"):
                    errors.append(ProcedureError(f"{here}.who[{i}]", "Give a key and a label."))
                else:
                    errors += [
                        ProcedureError(
                            f"{here}.who[{i}].{k}", f"'{k}' is not a field here. Use: key, label."
                        )
                        for k in sorted(set(w) - {"key", "label"}, key=str)
                    ]
    return errors
