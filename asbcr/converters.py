"""URL path converters every app's urls.py uses, registered once on import.

A case reference (``HER-2026-0001``) is letters, digits and hyphens, at most as long as
the field that holds it, so a NUL byte, a quote or a 3,000-character id never reaches a
query: the URL simply does not match and the visitor gets the 404 page. (Financial years
in URLs have their converter with the reporting app: ``reporting.converters``.)
"""

from django.urls import register_converter

REFERENCE_MAX_LENGTH = 20  # cases.models.Case.reference


class CaseReferenceConverter:
    regex = rf"[A-Za-z0-9][A-Za-z0-9-]{{0,{REFERENCE_MAX_LENGTH - 1}}}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(CaseReferenceConverter, "reference")
