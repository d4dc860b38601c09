"""The hash chains live in ``asbcr.audit_chain`` (the hub writes the rows, so the chain sits
below it). This name stays for the landed migration ``cases 0007``, which imports it."""

from asbcr.audit_chain import (  # noqa: F401
    access_chain_key,
    access_personal_hash,
    access_row_hash,
    seal_access,
    seal_timeline,
    timeline_personal_hash,
    timeline_row_hash,
)
