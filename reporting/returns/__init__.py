"""The data return to the Home Office and the Commissioner, in versioned formats.

Each format is one module here (``v1`` today) holding the whole mapping from the
statistics report (``reporting.selectors.report``) to the return: the JSON document,
its CSV rows and the JSON Schema it must meet (``docs/data-return/``). When the Home
Office publishes its own format for the Crime and Policing Act 2026 duty, that format
is a new module and a new entry in ``FORMATS``; records produced earlier keep the
version they were produced in and can still be read and checked.
"""

from types import ModuleType

from reporting.returns import v1

FORMATS: dict[str, ModuleType] = {v1.VERSION: v1}
CURRENT = v1.VERSION


def format_for(version: str) -> ModuleType:
    """The module that produced (and can check) a return of this format version."""
    try:
        return FORMATS[version]
    except KeyError:
        raise ValueError(f"No data return format version {version!r}.") from None
