"""Helpers for the threshold tests: seed rules straight from the procedure files."""

import datetime as dt
from pathlib import Path

import yaml

from thresholds.engine import Complaint

PROCEDURES = Path(__file__).resolve().parents[2] / "fixtures" / "procedures"
SEEDS = ("staffordshire", "hertsmere", "devon-and-cornwall", "bedfordshire", "merton")


def seed_rules(slug: str) -> dict:
    return yaml.safe_load((PROCEDURES / f"{slug}.yaml").read_text())["threshold"]


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def c(cid, incident, reported=None, **kw) -> Complaint:
    """A report by the victim about noise, reported the day after unless given."""
    incident = d(incident)
    reported = d(reported) if reported else incident + dt.timedelta(days=1)
    kw.setdefault("complainant", "victim")
    kw.setdefault("issue", "noise")
    kw.setdefault("agency", "council")
    return Complaint(id=str(cid), incident_date=incident, reported_date=reported, **kw)
