"""The public pages: the online application and the applicant's tracking page (no
account: a draft token, then a tracking token), and the staff page that revokes or
re-issues a tracking link.

Modules: ``common`` (rate limits, private-page headers, the draft), ``apply`` (the
application from start page to confirmation, saving and coming back), ``tracking`` (the
applicant's page: statement, contact details, appeal, letters) and ``staff``.
"""

from public.views.apply import (  # noqa: F401
    apply_area,
    apply_case_review,
    apply_check,
    apply_confirmation,
    apply_incident,
    apply_incident_remove,
    apply_incidents,
    apply_postcode,
    apply_resume,
    apply_save,
    apply_start,
    apply_step,
    ngettext_count,
)
from public.views.common import (  # noqa: F401
    DEFAULT_RATES,
    RATES,
    SESSION_DRAFT,
    SESSION_SENT,
    TOO_MANY,
)
from public.views.staff import (  # noqa: F401
    staff_tracking_issue,
    staff_tracking_revoke,
)
from public.views.tracking import (  # noqa: F401
    track,
    track_appeal,
    track_contact,
    track_letter,
    track_statement,
)
