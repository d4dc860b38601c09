"""The one documented, logged path that may change or remove append-only rows.

    with erasure.permitted(reason="retention: HER-2026-0001", by=None):
        ...  # UPDATE / DELETE on the timeline, access log, letters, procedure versions

Inside the block (one transaction) a permit row exists and the database triggers let
changes through; the permit is deleted before the block ends, so it is never
committed. Every use writes an ``ErasureLog`` row that stays.
"""

import contextlib
import logging

from django.db import transaction

from audit.models import ErasureLog, ErasurePermit

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def permitted(*, reason: str, by=None, detail: dict | None = None, using: str = "default"):
    """Allow changes to append-only rows for the length of the block, and log it."""
    if not reason.strip():
        raise ValueError("An erasure needs a reason.")
    with transaction.atomic(using=using):
        log = ErasureLog.objects.using(using).create(
            reason=reason[:300],
            by=by if getattr(by, "is_authenticated", False) else None,
            detail=detail or {},
        )
        permit = ErasurePermit.objects.using(using).create(log=log)
        logger.warning("Erasure permitted: %s (log %s)", reason, log.pk)
        yield log
        # On an exception the transaction (or savepoint) rolls back and takes the permit
        # with it. A flush inside the block may already have emptied the table.
        ErasurePermit.objects.using(using).filter(pk=permit.pk).delete()
