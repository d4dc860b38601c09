"""Writes for appeals (escalations). Views, forms, tasks and the tracking page call these.

One module per concern: ``lodging`` (an appeal lodged, its stages and first letter),
``routing`` (the independent reviewer), ``stages`` (stage deadlines and delays),
``evidence`` (the bundle's missing-evidence reasons and the compliance audit) and
``outcome`` (the decision, recommendations, reopening the case); ``common`` holds the
errors and the row lock they share.
"""

from appeals.constants import AppealAgainst
from appeals.services.common import (
    UNIT_WORDS,
    AppealConflict,
    AppealError,
)
from appeals.services.evidence import (
    AUDIT_SAVED,
    EVIDENCE_NOTED,
    appeal_compliance_record,
    appeal_evidence_note,
    compliance_version,
    evidence_notes_version,
)
from appeals.services.lodging import (
    LETTER_NAMES,
    appeal_lodge,
)
from appeals.services.outcome import (
    RecommendationInput,
    appeal_decide,
    appeal_follow_up_record,
    appeal_reopen_case,
    recommendation_respond,
)
from appeals.services.routing import (
    appeal_assign_reviewer,
)
from appeals.services.stages import (
    AUTOMATIC_DELAY_REASON,
    appeal_notify_delays,
    appeal_stage_complete,
    appeal_stage_record_delay,
)

__all__ = [
    "AUDIT_SAVED",
    "AUTOMATIC_DELAY_REASON",
    "EVIDENCE_NOTED",
    "LETTER_NAMES",
    "UNIT_WORDS",
    "appeal_assign_reviewer",
    "appeal_compliance_record",
    "appeal_decide",
    "appeal_evidence_note",
    "appeal_follow_up_record",
    "appeal_lodge",
    "appeal_notify_delays",
    "appeal_reopen_case",
    "appeal_stage_complete",
    "appeal_stage_record_delay",
    "compliance_version",
    "evidence_notes_version",
    "recommendation_respond",
    "AppealAgainst",
    "AppealConflict",
    "AppealError",
    "RecommendationInput",
]
