"""More documents for ``manage.py letter_examples``, given by the apps above letters.

The evidence bundle belongs to appeals, which sits above letters (decision 9), so it is
not imported here: appeals registers a function that renders its example from the demo
data when it is ready, and the command renders every registered one.
"""

from collections.abc import Callable

_examples: dict[str, Callable[[], bytes | None]] = {}


def register_example(name: str, render: Callable[[], bytes | None]) -> None:
    """``render()`` returns a PDF, or None when the demo data has nothing to show."""
    _examples[name] = render


def examples() -> dict[str, Callable[[], bytes | None]]:
    return dict(_examples)
