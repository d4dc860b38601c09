"""Pure matching and redaction rules for subject access requests. No database.

A person is matched on any of four details, each compared in one normal form:

- name: case-insensitive, with runs of whitespace treated as one space;
- email: case-insensitive, surrounding spaces ignored;
- phone: digits only, with a UK ``+44``/``0044`` prefix read as the leading ``0``;
- postcode: upper case, without spaces.
"""

import re
from dataclasses import dataclass

from privacy.constants import REDACTED

MAX_DETAIL_LENGTH = 200


def normalise_name(value: str) -> str:
    return " ".join((value or "").split()).casefold()


def normalise_email(value: str) -> str:
    return (value or "").strip().lower()


def normalise_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("0044"):
        digits = digits[2:]
    if digits.startswith("44") and len(digits) >= 12:
        # +44 7700 ..., and +44 (0)7700 ... as people often write it.
        digits = "0" + digits[2:].lstrip("0")
    return digits


def normalise_postcode(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


@dataclass(frozen=True)
class Criteria:
    """The details searched on, each already in its normal form."""

    name: str = ""
    email: str = ""
    phone: str = ""
    postcode: str = ""

    @classmethod
    def from_details(cls, *, name="", email="", phone="", postcode="") -> "Criteria":
        return cls(
            name=normalise_name(name),
            email=normalise_email(email),
            phone=normalise_phone(phone),
            postcode=normalise_postcode(postcode),
        )

    def is_empty(self) -> bool:
        return not (self.name or self.email or self.phone or self.postcode)

    @property
    def longest_name_token(self) -> str:
        return max(self.name.split(), key=len) if self.name else ""

    def describe(self) -> str:
        parts = [
            f"{label}: {value}"
            for label, value in (
                ("name", self.name),
                ("email", self.email),
                ("phone", self.phone),
                ("postcode", self.postcode),
            )
            if value
        ]
        return "; ".join(parts)


def name_pattern(name: str) -> re.Pattern | None:
    """A pattern finding the name as whole words, whatever the spacing or case."""
    tokens = normalise_name(name).split()
    if not tokens:
        return None
    body = r"\s+".join(re.escape(t) for t in tokens)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def mentions_name(text: str, name: str) -> bool:
    pattern = name_pattern(name)
    return bool(pattern and text and pattern.search(text))


def same_name(a: str, b: str) -> bool:
    return bool(a and b) and normalise_name(a) == normalise_name(b)


def same_phone(a: str, b: str) -> bool:
    na, nb = normalise_phone(a), normalise_phone(b)
    return bool(na) and len(na) >= 6 and na == nb


def same_postcode(a: str, b: str) -> bool:
    na, nb = normalise_postcode(a), normalise_postcode(b)
    return bool(na) and na == nb


def postcode_in(text: str, postcode: str) -> bool:
    return bool(postcode) and postcode in normalise_postcode(text)


@dataclass(frozen=True)
class OtherPerson:
    """Someone else known on a case, whose details must not leave in an export."""

    name: str = ""
    email: str = ""
    phone: str = ""
    postcode: str = ""


def _phone_pattern(phone: str) -> re.Pattern | None:
    digits = normalise_phone(phone)
    if len(digits) < 6:
        return None
    national = digits[1:] if digits.startswith("0") else digits
    sep = r"[\s\-().]*"
    body = sep.join(re.escape(d) for d in national)
    return re.compile(rf"(?:(?:\+|00)44{sep}(?:\(0\))?{sep}|0{sep})?{body}(?!\d)")


def _postcode_pattern(postcode: str) -> re.Pattern | None:
    compact = normalise_postcode(postcode)
    if len(compact) < 5:
        return None
    outward, inward = compact[:-3], compact[-3:]
    return re.compile(rf"(?<!\w){re.escape(outward)}\s*{re.escape(inward)}(?!\w)", re.IGNORECASE)


def redact(text: str, others: list[OtherPerson]) -> tuple[str, int]:
    """The text with other people's names and contact details replaced, and how many."""
    if not text or not others:
        return text or "", 0
    count = 0
    patterns: list[re.Pattern] = []
    # Longer names first, so "Sam Jones" goes before "Sam".
    for other in sorted(others, key=lambda o: -len(o.name)):
        for pattern in (
            name_pattern(other.name) if other.name else None,
            re.compile(re.escape(other.email), re.IGNORECASE) if other.email else None,
            _phone_pattern(other.phone) if other.phone else None,
            _postcode_pattern(other.postcode) if other.postcode else None,
        ):
            if pattern is not None:
                patterns.append(pattern)
    for pattern in patterns:
        text, n = pattern.subn(REDACTED, text)
        count += n
    return text, count
