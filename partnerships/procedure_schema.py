"""Validators for the procedure sections owned by partnerships, and the error they report.

Each takes ``(value, path)`` and returns a list of ``ProcedureError``, each naming the
exact field at fault (``risk_matrices[0].questions[2].options``). The schema is in
``docs/procedures.md``.
"""

import difflib
from dataclasses import dataclass


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


DECISION_RULES = ("any_one", "majority", "administering_body", "unanimous")
DECISION_KEYS = ("rule", "required", "of", "at_meeting", "who")
MATRIX_KEYS = (
    "key",
    "name",
    "subject",
    "questions",
    "medium_from",
    "high_from",
    "completed_by",
    "when",
    "description",
)
MATRIX_REQUIRED = ("key", "name", "subject", "questions", "medium_from", "high_from")
QUESTION_KEYS = ("key", "text", "options", "hint")
SERVICE_KEYS = ("name", "contact", "url", "description")
SUBJECTS = ("victim", "perpetrator")
RETENTION_KEYS = ("closed_cases_years", "note")
RETENTION_DEFAULT_YEARS = 6
"""How long a closed case is kept when a procedure does not say. The statutory guidance
on the ASB case review is silent on retention; six years after closure follows the
limitation period for most civil claims, the usual local-authority schedule for case
files. ``audit.retention`` erases personal data once it has passed."""

# Realistic bounds for every number a procedure holds (docs/procedures.md, "Bounds").
# Far above any real procedure, low enough that every date a case computes from them
# stays a date: a window of 999,999,999,999 months would break each case pinned to it.
PERIOD_MAX = {"days": 730, "working_days": 520, "weeks": 104, "months": 24}  # two years
COUNT_MAX = 100  # complaints, or distinct complainants, a threshold route counts
VOTES_MAX = 50  # decision.required and decision.of
QUORUM_MAX = 50  # panel.quorum
SCORE_MAX = 100  # each answer's score in a risk matrix
TOTAL_SCORE_MAX = 10_000  # medium_from and high_from


def whole_number_errors(value, path, *, minimum, maximum, what="a whole number"):
    """The one check for a whole number in a procedure: an int within its bounds."""
    ok = isinstance(value, int) and not isinstance(value, bool) and minimum <= value <= maximum
    if ok:
        return []
    return [ProcedureError(path, f"Give {what} from {minimum} to {maximum:,}.")]


def period_errors(value, path, *, units, minimum=1, unit_message=None):
    """``{amount, unit}``: the unit one of ``units``, the amount within that unit's bound."""
    if not isinstance(value, dict):
        return [ProcedureError(path, "Give an amount and a unit, e.g. {amount: 6, unit: months}.")]
    errors = []
    unit = value.get("unit")
    if unit not in units:
        errors.append(
            ProcedureError(f"{path}.unit", unit_message or f"Use one of: {', '.join(units)}.")
        )
    maximum = PERIOD_MAX.get(unit, min(PERIOD_MAX[u] for u in units if u in PERIOD_MAX))
    errors += whole_number_errors(
        value.get("amount"),
        f"{path}.amount",
        minimum=minimum,
        maximum=maximum,
        what=f"a whole number of {unit}" if unit in units else "a whole number",
    )
    return errors


def _unknown_keys(value: dict, allowed, path) -> list[ProcedureError]:
    errors = []
    for key in value:
        if key in allowed:
            continue
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        errors.append(
            ProcedureError(
                f"{path}.{key}",
                f"'{key}' is not a field here.{hint} Use: {', '.join(allowed)}.",
            )
        )
    return errors


def _is_text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_text(value, path):
    """``name``, ``source``, ``terms_of_reference``: some words, not a list or number."""
    if not _is_text(value):
        return [ProcedureError(path, "Give some text here.")]
    return []


def validate_decision(value, path):
    if not isinstance(value, dict):
        return [ProcedureError(path, "Give the decision rule as a mapping, e.g. {rule: any_one}.")]
    errors = _unknown_keys(value, DECISION_KEYS, path)
    rule = value.get("rule")
    if rule is None:
        errors.append(ProcedureError(f"{path}.rule", "This field is required."))
    elif rule not in DECISION_RULES:
        errors.append(
            ProcedureError(
                f"{path}.rule", f"'{rule}' is not a rule; use one of {', '.join(DECISION_RULES)}."
            )
        )
    if rule == "majority":
        counts_ok = True
        for key in ("required", "of"):
            problems = whole_number_errors(
                value.get(key), f"{path}.{key}", minimum=1, maximum=VOTES_MAX
            )
            errors += problems
            counts_ok = counts_ok and not problems
        if counts_ok and value["required"] > value["of"]:
            errors.append(ProcedureError(f"{path}.required", "Cannot be more than 'of'."))
    else:
        for key in ("required", "of"):
            if key in value:
                errors.append(
                    ProcedureError(f"{path}.{key}", "Only used with rule: majority; remove it.")
                )
    if "at_meeting" in value and not isinstance(value["at_meeting"], bool):
        errors.append(ProcedureError(f"{path}.at_meeting", "Use true or false."))
    if "who" in value and not _is_text(value["who"]):
        errors.append(ProcedureError(f"{path}.who", "Give some text here."))
    return errors


def _validate_question(question, here) -> list[ProcedureError]:
    if not isinstance(question, dict):
        return [ProcedureError(here, "Each question is a mapping with key, text and options.")]
    errors = _unknown_keys(question, QUESTION_KEYS, here)
    for key in ("key", "text", "options"):
        if key not in question:
            errors.append(ProcedureError(f"{here}.{key}", "This field is required."))
    for key in ("key", "text", "hint"):
        if key in question and not _is_text(question[key]):
            errors.append(ProcedureError(f"{here}.{key}", "Give some text here."))
    if "options" in question:
        options = question["options"]
        if not isinstance(options, dict) or not options:
            errors.append(
                ProcedureError(
                    f"{here}.options", 'Give each answer with its score, e.g. {"No": 0, "Yes": 4}.'
                )
            )
        else:
            for answer, score in options.items():
                errors += whole_number_errors(
                    score,
                    f"{here}.options.{answer}",
                    minimum=0,
                    maximum=SCORE_MAX,
                    what="the score as a whole number",
                )
    return errors


def _validate_matrix(matrix, here) -> list[ProcedureError]:
    if not isinstance(matrix, dict):
        return [ProcedureError(here, "Each matrix is a mapping.")]
    errors = _unknown_keys(matrix, MATRIX_KEYS, here)
    for key in MATRIX_REQUIRED:
        if key not in matrix:
            errors.append(ProcedureError(f"{here}.{key}", "This field is required."))
    for key in ("key", "name", "completed_by", "when", "description"):
        if key in matrix and not _is_text(matrix[key]):
            errors.append(ProcedureError(f"{here}.{key}", "Give some text here."))
    if "subject" in matrix and matrix["subject"] not in SUBJECTS:
        errors.append(ProcedureError(f"{here}.subject", "Use victim or perpetrator."))
    questions = matrix.get("questions")
    if "questions" in matrix and (not isinstance(questions, list) or not questions):
        errors.append(ProcedureError(f"{here}.questions", "Give a list of one or more questions."))
        questions = []
    question_keys = set()
    for j, question in enumerate(questions or []):
        q = f"{here}.questions[{j}]"
        errors += _validate_question(question, q)
        key = question.get("key") if isinstance(question, dict) else None
        if isinstance(key, str):
            if key in question_keys:
                errors.append(ProcedureError(f"{q}.key", f"'{key}' is used by another question."))
            question_keys.add(key)
    bounded = True
    for key in ("medium_from", "high_from"):
        if key in matrix:
            problems = whole_number_errors(
                matrix[key], f"{here}.{key}", minimum=0, maximum=TOTAL_SCORE_MAX
            )
            errors += problems
            bounded = bounded and not problems
    medium, high = matrix.get("medium_from"), matrix.get("high_from")
    if bounded and _is_whole(medium) and _is_whole(high):
        if medium > high:
            errors.append(ProcedureError(f"{here}.high_from", "Must be at least medium_from."))
        scorable = all(
            isinstance(q, dict)
            and isinstance(q.get("options"), dict)
            and q["options"]
            and all(_is_whole(s) and 0 <= s <= SCORE_MAX for s in q["options"].values())
            for q in questions or []
        )
        best = sum(max(q["options"].values()) for q in questions) if scorable else 0
        if questions and scorable and high > best:
            errors.append(
                ProcedureError(
                    f"{here}.high_from",
                    f"No set of answers can reach {high}: the highest possible score is {best}.",
                )
            )
    return errors


def validate_risk_matrices(value, path):
    if not isinstance(value, list):
        return [ProcedureError(path, "Give a list of risk matrices.")]
    errors = []
    keys = set()
    for i, matrix in enumerate(value):
        here = f"{path}[{i}]"
        errors += _validate_matrix(matrix, here)
        key = matrix.get("key") if isinstance(matrix, dict) else None
        if isinstance(key, str):
            if key in keys:
                errors.append(ProcedureError(f"{here}.key", f"'{key}' is used by another matrix."))
            keys.add(key)
    return errors


def validate_support_services(value, path):
    if not isinstance(value, list):
        return [ProcedureError(path, "Give a list of services, each with a name and a contact.")]
    errors = []
    for i, service in enumerate(value):
        here = f"{path}[{i}]"
        if not isinstance(service, dict):
            errors.append(
                ProcedureError(here, "Each service is a mapping: {name: ..., contact: ...}.")
            )
            continue
        errors += _unknown_keys(service, SERVICE_KEYS, here)
        if "name" not in service:
            errors.append(ProcedureError(f"{here}.name", "This field is required."))
        if not any(k in service for k in ("contact", "url")):
            errors.append(
                ProcedureError(f"{here}.contact", "Say how to reach the service: contact or url.")
            )
        for key in SERVICE_KEYS:
            if key in service and not _is_text(service[key]):
                errors.append(ProcedureError(f"{here}.{key}", "Give some text here."))
    return errors


def validate_enforcement_options(value, path):
    if not isinstance(value, list):
        return [ProcedureError(path, "Give a list of the tools the panel may consider.")]
    errors = []
    seen = set()
    for i, item in enumerate(value):
        if not _is_text(item):
            errors.append(ProcedureError(f"{path}[{i}]", "Give the name of the tool as text."))
        elif item in seen:
            errors.append(ProcedureError(f"{path}[{i}]", f"'{item}' is listed twice."))
        else:
            seen.add(item)
    return errors


def validate_retention(value, path):
    """``retention``: how many whole years after closure a case's personal data is kept."""
    if not isinstance(value, dict):
        return [ProcedureError(path, "Give retention as a mapping, e.g. {closed_cases_years: 6}.")]
    errors = _unknown_keys(value, RETENTION_KEYS, path)
    years = value.get("closed_cases_years")
    if years is None:
        errors.append(ProcedureError(f"{path}.closed_cases_years", "This field is required."))
    elif not _is_whole(years) or not 1 <= years <= 100:
        errors.append(
            ProcedureError(
                f"{path}.closed_cases_years", "Give a whole number of years from 1 to 100."
            )
        )
    if "note" in value and not _is_text(value["note"]):
        errors.append(ProcedureError(f"{path}.note", "Give some text here."))
    return errors
