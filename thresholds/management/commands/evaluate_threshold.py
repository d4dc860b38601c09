"""Evaluate a procedure's threshold on a JSON list of complaints and print the explanation."""

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from thresholds.engine import Complaint, evaluate
from thresholds.selectors import procedure_threshold_rules


def _json_arg(value: str, what: str):
    path = Path(value)
    try:
        text = path.read_text() if path.exists() else value
        return json.loads(text)
    except (OSError, json.JSONDecodeError) as exc:
        raise CommandError(f"{what}: not a readable JSON file or JSON text ({exc}).") from exc


class Command(BaseCommand):
    help = (
        "Evaluate the threshold of procedure SLUG for a list of complaints and print the "
        "decision and its explanation as JSON (top-level boolean 'met')."
    )

    def add_arguments(self, parser):
        parser.add_argument("--procedure", required=True, help="Procedure slug, e.g. hertsmere.")
        parser.add_argument("--application-date", required=True, help="YYYY-MM-DD")
        parser.add_argument("--complaints", required=True, help="JSON file: a list of complaints.")
        parser.add_argument(
            "--factors",
            default="{}",
            help='JSON file or text: {"asb_persists": true, "discretionary": {"harm": "why"}, '
            '"senior_manager": {"role": "police_inspector", "name": "...", "rationale": "..."}}',
        )

    def handle(self, *args, **options):
        try:
            application_date = dt.date.fromisoformat(options["application_date"])
        except ValueError as exc:
            raise CommandError("--application-date must be a date as YYYY-MM-DD.") from exc
        rules, source = procedure_threshold_rules(options["procedure"])
        if rules is None:
            raise CommandError(
                f"No procedure '{options['procedure']}' in the database or fixtures."
            )
        raw = _json_arg(options["complaints"], "--complaints")
        if not isinstance(raw, list):
            raise CommandError("--complaints must hold a JSON list of complaint objects.")
        try:
            complaints = [Complaint.from_dict(item) for item in raw]
        except (ValueError, TypeError, AttributeError) as exc:
            raise CommandError(f"--complaints: {exc}.") from exc
        ids = [c.id for c in complaints]
        if len(ids) != len(set(ids)):
            raise CommandError("--complaints: every complaint needs a different id.")
        factors = _json_arg(options["factors"], "--factors")
        if not isinstance(factors, dict):
            raise CommandError("--factors must be a JSON object.")
        decision = evaluate(rules, complaints, application_date, factors)
        output = {"procedure": options["procedure"], "rules_from": source}
        output.update(decision.explanation())
        self.stdout.write(json.dumps(output, indent=2))
