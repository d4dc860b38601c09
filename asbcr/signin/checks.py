"""A deploy check and a start-up warning for staff sign-in without a second factor."""

import logging

from django.conf import settings
from django.core import checks

logger = logging.getLogger("asbcr.signin")

NO_SECOND_FACTOR = (
    "Staff sign in with a password alone: the second factor is turned off "
    "(ASBCR_ALLOW_NO_SECOND_FACTOR=true)."
)


@checks.register(checks.Tags.security, deploy=True)
def second_factor_required(app_configs, **kwargs):
    if settings.ASBCR_REQUIRE_SECOND_FACTOR:
        return []
    return [
        checks.Warning(
            NO_SECOND_FACTOR,
            hint="Unset ASBCR_ALLOW_NO_SECOND_FACTOR so every staff account needs a code.",
            id="asbcr.W001",
        )
    ]


def warn_at_start_up() -> None:
    if getattr(settings, "ASBCR_ALLOW_NO_SECOND_FACTOR", False):
        logger.warning(NO_SECOND_FACTOR)
