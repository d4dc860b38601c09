"""Writes for the hub: the case record, its timeline and access log, intake, incidents,
agency responses, transitions, details, risk, files and retention.

One module per concern: ``records`` (the timeline and the access log, hash-chained),
``intake`` (receiving an application, incidents, agencies and their responses),
``transitions`` (the state machine's moves), ``details`` (officer, notes, exclusions,
risk, impact statement), ``files`` (evidence uploads) and ``retention`` (legal holds);
``common`` holds the errors they share. Everything else imports from this package.
"""

from cases.services.common import (  # noqa: F401
    CONDITION_MESSAGES,
    STALE_MESSAGE,
    CaseWorkflowError,
    StaleCase,
    stale_case,
)
from cases.services.details import (  # noqa: F401
    EDITABLE_FIELDS,
    OFFICER_ALLOCATED,
    VICTIM_CONTACTED,
    case_add_note,
    case_assign_officer,
    case_record_exclusions,
    case_record_victim_contact,
    case_update_details,
    impact_statement_add,
    officer_allocations_version,
    risk_assess,
)
from cases.services.files import (  # noqa: F401
    evidence_attach,
)
from cases.services.intake import (  # noqa: F401
    RESPONSE_RECEIVED,
    ApplicationInput,
    IncidentInput,
    PersonInput,
    agency_response_record,
    agency_responses_version,
    case_involve_agency,
    case_receive,
    incident_add,
    incident_link_duplicate,
    validate_application,
)
from cases.services.records import (  # noqa: F401
    access_log_record,
    timeline_record,
    timeline_record_many,
)
from cases.services.retention import (  # noqa: F401
    case_legal_hold_clear,
    case_legal_hold_set,
)
from cases.services.transitions import (  # noqa: F401
    available_transitions,
    case_acknowledge,
    case_close,
    case_refer_back,
    case_transition,
    case_withdraw,
    transition_blockers,
)
