"""The URL converter for financial years, registered by the reporting URLs that use it."""

from django.urls import register_converter

from reporting.periods import check_financial_year


class FinancialYearConverter:
    """A financial year such as 2026 (for 2026-27), within the years reported on."""

    regex = r"[0-9]{4}"

    def to_python(self, value: str) -> int:
        return check_financial_year(int(value))  # ValueError: the URL does not match

    def to_url(self, value) -> str:
        return f"{int(value):04d}"


register_converter(FinancialYearConverter, "financial_year")
