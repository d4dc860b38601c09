"""Writes for panels: meetings, the cases listed at them, members and declarations, the
victim's part, Merton's threshold vote, minutes and the action plan, and the actions.

One module per concern, sharing ``common`` and with no import circles among them:
``meetings`` (scheduling, cancelling, listing a case), ``membership`` (members,
attendance, declarations, opening and adjourning), ``victim`` (the victim's part),
``voting`` (the threshold vote at the meeting), ``minutes`` (minutes, circulation,
agreement, the victim's consultation, the final plan) and ``actions`` (the action plan's
actions and their escalation ladder). Views, forms and tasks import from this package.
"""

# Who may act, read by the panel pages and the case's task list as well as the services.
from panels.services.actions import (  # noqa: F401
    ActionInput,
    _can_update,  # noqa: E402,F401
    action_accept,
    action_add,
    action_hand_to_business_as_usual,
    action_return_report,
    action_update,
)
from panels.services.common import (  # noqa: F401
    ACCEPT,
    ACTIVE_LISTING_STATUSES,
    ARRANGE,
    DECLARATION_TEXT,
    UPDATE,
    PanelError,
    _is_chair_or_arranger,  # noqa: E402,F401
    log,
)
from panels.services.meetings import (  # noqa: F401
    DEFAULT_STANDING,
    FOLLOW_UP_STATES,
    WEEKDAY_NUMBERS,
    case_list_for_meeting,
    meeting_cancel,
    meeting_schedule_ad_hoc,
    meeting_schedule_standing,
    meeting_target_date,
    meeting_timescale,
    meetings_cancel_unused,
    standing_slot,
)
from panels.services.membership import (  # noqa: F401
    declaration_sign,
    listing_adjourn,
    listing_open,
    panel_attendance_record,
    panel_member_add,
    panel_member_remove,
)
from panels.services.minutes import (  # noqa: F401
    minutes_agree,
    minutes_circulate,
    minutes_record,
    plan_finalise,
    victim_consultation_record,
)
from panels.services.victim import (  # noqa: F401
    victim_part_record,
)
from panels.services.voting import (  # noqa: F401
    decided_at_meeting,
    threshold_vote_cast,
    threshold_vote_conclude,
    vote_result,
)
