"""Validator for a procedure's ``threshold`` section (see docs/thresholds.md).

Every error names the exact field at fault, e.g. ``threshold.routes[0].window.unit``.
Unknown keys are errors too, so a typo never silently changes a rule.
"""

import difflib

from partnerships.procedure_schema import ProcedureError
from thresholds.conditions import ANCHORS, CONDITIONS, LOCATION_LINKS, MEASURES
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
    if spec.type == "conditions":
        return _conditions(value, here)
    if spec.type == "kinds":
        if not isinstance(value, list):
            return [ProcedureError(here, "Give a list.")]
        return [
            ProcedureError(f"{here}[{i}]", f"Use one of {', '.join(KINDS)}.")
            for i, k in enumerate(value)
            if k not in KINDS
        ]
    return []


def _condition(name, value, here) -> list[ProcedureError]:
    """One condition's setting, by the type ``CONDITIONS`` gives it."""
    kind = CONDITIONS[name].type
    if kind == "whole":
        return _whole(value, here)
    if kind == "true":
        if value is not True:
            return [ProcedureError(here, "Write true, or leave this condition out.")]
        return []
    if kind == "period":
        return _period(value, here)
    if kind == "kinds":
        return _field(RouteField("kinds", ""), value, here)
    if kind == "window":
        if not isinstance(value, dict):
            return [ProcedureError(here, "Give {amount: N, unit: days or months, anchor: ...}.")]
        errors = _period({k: v for k, v in value.items() if k != "anchor"}, here)
        if "anchor" in value and value["anchor"] not in ANCHORS:
            errors.append(ProcedureError(f"{here}.anchor", f"Use one of {', '.join(ANCHORS)}."))
        return errors
    # same_location: true (the same address) or {linked_by: [...]}
    if value is True:
        return []
    if not isinstance(value, dict):
        return [ProcedureError(here, "Write true, or give linked_by: a list of links.")]
    errors = [
        ProcedureError(f"{here}.{k}", f"'{k}' is not a field here. Use: linked_by.")
        for k in sorted(set(value) - {"linked_by"}, key=str)
    ]
    links = value.get("linked_by")
    if not isinstance(links, list) or not links:
        errors.append(
            ProcedureError(f"{here}.linked_by", f"List one or more of {', '.join(LOCATION_LINKS)}.")
        )
        return errors
    for i, link in enumerate(links):
        if link not in LOCATION_LINKS:
            errors.append(
                ProcedureError(f"{here}.linked_by[{i}]", f"Use one of {', '.join(LOCATION_LINKS)}.")
            )
    return errors


def _conditions(value, path) -> list[ProcedureError]:
    """The conditions of an ``all_of`` route: each a mapping of one known condition to its
    setting, each at most once, with a window and something to count."""
    accepts = f"A condition is one of: {', '.join(CONDITIONS)}."
    if not isinstance(value, list) or not value:
        return [ProcedureError(path, f"Give a list of conditions. {accepts}")]
    errors, seen = [], set()
    for i, item in enumerate(value):
        here = f"{path}[{i}]"
        if not isinstance(item, dict) or len(item) != 1:
            errors.append(
                ProcedureError(
                    here, "Write each condition as one name and its setting, e.g. incidents: 3."
                )
            )
            continue
        ((name, setting_),) = item.items()
        if name not in CONDITIONS:
            close = difflib.get_close_matches(str(name), list(CONDITIONS), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            errors.append(
                ProcedureError(f"{here}.{name}", f"'{name}' is not a condition.{hint} {accepts}")
            )
            continue
        if name in seen:
            errors.append(
                ProcedureError(f"{here}.{name}", f"'{name}' is given twice; give it once.")
            )
            continue
        seen.add(name)
        errors += _condition(name, setting_, f"{here}.{name}")
    if "window" not in seen:
        errors.append(
            ProcedureError(path, "Give a window, e.g. window: {amount: 6, unit: months}.")
        )
    if not seen & set(MEASURES):
        errors.append(
            ProcedureError(
                path, "Say what to count: incidents: N, distinct_complainants: N, or both."
            )
        )
    if "same_complainant" in seen and "distinct_complainants" in seen:
        errors.append(
            ProcedureError(
                path,
                "same_complainant and distinct_complainants cannot both hold: one complainant "
                "is never several. Keep one.",
            )
        )
    return errors


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
