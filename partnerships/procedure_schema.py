"""Validators for the procedure sections owned by partnerships and cases."""

from cases.constants import Exclusion
from partnerships.procedures import ProcedureError

DECISION_RULES = ("any_one", "majority", "administering_body", "unanimous")


def validate_exclusions(value, path):
    if not isinstance(value, list):
        return [ProcedureError(path, "Give a list of exclusions.")]
    return [
        ProcedureError(
            f"{path}[{i}]", f"Unknown exclusion; use one of {', '.join(Exclusion.values)}."
        )
        for i, item in enumerate(value)
        if item not in Exclusion.values
    ]


def validate_decision(value, path):
    if not isinstance(value, dict):
        return [ProcedureError(path, "Give the decision rule as a mapping.")]
    errors = []
    rule = value.get("rule")
    if rule not in DECISION_RULES:
        errors.append(ProcedureError(f"{path}.rule", f"Use one of {', '.join(DECISION_RULES)}."))
    if rule == "majority":
        for key in ("required", "of"):
            if not isinstance(value.get(key), int) or value.get(key) < 1:
                errors.append(ProcedureError(f"{path}.{key}", "Give a whole number of 1 or more."))
        if not errors and value["required"] > value["of"]:
            errors.append(ProcedureError(f"{path}.required", "Cannot be more than 'of'."))
    if "at_meeting" in value and not isinstance(value["at_meeting"], bool):
        errors.append(ProcedureError(f"{path}.at_meeting", "Use true or false."))
    return errors


def validate_risk_matrices(value, path):
    if not isinstance(value, list):
        return [ProcedureError(path, "Give a list of risk matrices.")]
    errors = []
    for i, matrix in enumerate(value):
        here = f"{path}[{i}]"
        if not isinstance(matrix, dict):
            errors.append(ProcedureError(here, "Each matrix is a mapping."))
            continue
        for key in ("key", "name", "subject", "questions", "medium_from", "high_from"):
            if key not in matrix:
                errors.append(ProcedureError(f"{here}.{key}", "This field is required."))
        if matrix.get("subject") not in ("victim", "perpetrator", None):
            errors.append(ProcedureError(f"{here}.subject", "Use victim or perpetrator."))
        for j, question in enumerate(matrix.get("questions") or []):
            q = f"{here}.questions[{j}]"
            if not isinstance(question, dict) or not {"key", "text", "options"} <= set(question):
                errors.append(ProcedureError(q, "Each question needs key, text and options."))
                continue
            options = question["options"]
            if not isinstance(options, dict) or not options:
                errors.append(ProcedureError(f"{q}.options", "Give each answer with its score."))
            elif not all(isinstance(s, int) and s >= 0 for s in options.values()):
                errors.append(
                    ProcedureError(f"{q}.options", "Scores are whole numbers, 0 or more.")
                )
        for key in ("medium_from", "high_from"):
            if key in matrix and not isinstance(matrix[key], int):
                errors.append(ProcedureError(f"{here}.{key}", "Give a whole number."))
        if isinstance(matrix.get("medium_from"), int) and isinstance(matrix.get("high_from"), int):
            if matrix["medium_from"] > matrix["high_from"]:
                errors.append(ProcedureError(f"{here}.high_from", "Must be at least medium_from."))
    return errors
