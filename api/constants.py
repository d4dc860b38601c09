from django.db import models


class ApiPermission(models.TextChoices):
    """What an agency's system may do through the API, granted per client."""

    SUBMIT_INCIDENTS = "submit_incidents", "Submit incidents from its records"
    READ_CASES = "read_cases", "Read the cases the agency is involved in"
    REPORT_ACTIONS = "report_actions", "Report completion of the agency's actions"


MAX_INCIDENTS_PER_CALL = 2_000
"""The most incidents one submission may carry; split larger exports into several calls."""

TOKEN_PREFIX = "asbcr"
"""Every secret starts ``asbcr_<lookup id>_``, so a leaked one is recognisable in logs."""
