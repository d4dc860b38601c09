"""Scoring a risk assessment on an area's matrix (procedure data, ``risk_matrices``).

A matrix is a list of questions, each with scored options, and two cut-offs::

    - key: merton-victim
      name: Merton ASB risk matrix (victim)
      subject: victim
      questions:
        - key: repeat
          text: Has the victim been targeted repeatedly?
          options: {"No": 0, "Sometimes": 2, "Often": 4}
      medium_from: 10
      high_from: 20

Pure functions, no database access.
"""

from cases.constants import RiskLevel


class RiskAnswerError(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def matrix_for(procedure_data: dict, key: str) -> dict | None:
    for matrix in procedure_data.get("risk_matrices", []):
        if matrix["key"] == key:
            return matrix
    return None


def score(matrix: dict, answers: dict[str, str]) -> tuple[int, str]:
    """Return (score, level); every question must be answered with one of its options."""
    errors: dict[str, str] = {}
    total = 0
    for question in matrix["questions"]:
        answer = answers.get(question["key"])
        if answer is None or answer == "":
            errors[question["key"]] = f"Answer the question: {question['text']}"
        elif answer not in question["options"]:
            errors[question["key"]] = "Choose one of the answers given."
        else:
            total += int(question["options"][answer])
    if errors:
        raise RiskAnswerError(errors)
    if total >= matrix["high_from"]:
        return total, RiskLevel.HIGH
    if total >= matrix["medium_from"]:
        return total, RiskLevel.MEDIUM
    return total, RiskLevel.LOW
