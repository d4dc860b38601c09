"""Finding an address from its postcode: a hook a partnership may switch on, off by default.

``POSTCODE_LOOKUP`` names a function (``package.module.function``) that takes a postcode
and returns the addresses there, as ``FoundAddress`` or dicts of its fields: a council's
own gazetteer (its LLPG), or a licensed service such as Ordnance Survey's Places API.
``POSTCODE_LOOKUP_AREAS`` limits it to some areas (their slugs); empty means every area.
Nothing is looked up unless ``POSTCODE_LOOKUP`` is set, so no postcode leaves the service
by default (docs/public.md, "Finding an address").

The function's answer is checked like any other input: at most ``MAX_FOUND`` addresses,
each line a capped length of plain text. A function that fails, or answers with anything
else, is logged and treated as finding nothing: the person types the address instead.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

MAX_FOUND = 100
_LIMITS = {"line_1": 200, "line_2": 200, "town": 100, "county": 100, "postcode": 10, "uprn": 12}


@dataclass(frozen=True)
class FoundAddress:
    line_1: str
    line_2: str = ""
    town: str = ""
    county: str = ""
    postcode: str = ""
    uprn: str = ""

    @property
    def label(self) -> str:
        return ", ".join(p for p in (self.line_1, self.line_2, self.town, self.postcode) if p)


def lookup_for(area) -> object | None:
    """The configured look-up function for this area, or None (the default)."""
    path = getattr(settings, "POSTCODE_LOOKUP", "")
    if not path:
        return None
    areas = getattr(settings, "POSTCODE_LOOKUP_AREAS", [])
    if areas and getattr(area, "slug", None) not in areas:
        return None
    try:
        return import_string(path)
    except ImportError:
        logger.error("POSTCODE_LOOKUP %r cannot be imported; addresses are typed in", path)
        return None


def _clean(value, limit: int) -> str:
    if not isinstance(value, str):
        raise TypeError(f"not text: {type(value).__name__}")
    value = " ".join(value.replace("\x00", "").split())
    return value[:limit]


def _found(item) -> FoundAddress:
    fields = item if isinstance(item, dict) else getattr(item, "__dict__", None)
    if not isinstance(fields, dict):
        raise TypeError(f"not an address: {type(item).__name__}")
    address = FoundAddress(
        **{name: _clean(fields.get(name) or "", limit) for name, limit in _LIMITS.items()}
    )
    if not address.line_1:
        raise ValueError("an address without its first line")
    return address


def addresses_at(area, postcode: str) -> list[FoundAddress]:
    """The addresses the area's look-up finds at this postcode (empty when none, when it
    is off, or when it fails)."""
    lookup = lookup_for(area)
    if lookup is None:
        return []
    try:
        answer = lookup(postcode)
        found = [_found(item) for item in list(answer)[:MAX_FOUND]]
    except Exception:  # noqa: BLE001 (someone else's code: any failure is "nothing found")
        logger.warning("The postcode look-up failed for an address search", exc_info=True)
        return []
    return found
