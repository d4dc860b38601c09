"""Validators for the procedure sections the hub owns (``SECTION_VALIDATORS``)."""

from cases.constants import Exclusion
from partnerships.procedure_schema import ProcedureError


def validate_exclusions(value, path):
    if not isinstance(value, list):
        return [ProcedureError(path, "Give a list of exclusions, e.g. [anonymous, repeat].")]
    errors = []
    seen = set()
    for i, item in enumerate(value):
        if item not in Exclusion.values:
            errors.append(
                ProcedureError(
                    f"{path}[{i}]",
                    f"'{item}' is not an exclusion; use one of {', '.join(Exclusion.values)}.",
                )
            )
        elif item in seen:
            errors.append(ProcedureError(f"{path}[{i}]", f"'{item}' is listed twice."))
        seen.add(item if isinstance(item, str) else repr(item))
    return errors
