"""The demo's loader: which app's demo data is loaded in which order.

Each app that has demo records exposes ``demo.load_demo(stdout)``, and may expose
``demo.print_logins(stdout)`` for what a newcomer needs to sign in to it (``manage.py
demo_logins``). The apps are named here as text, in the order they depend on one
another (docs/decisions/0009-layers.md), so no app imports another's demo: an app that
is not installed is skipped.
"""

import importlib
from types import ModuleType

DEMO_MODULES = [
    "partnerships.demo",
    "cases.demo",
    "thresholds.demo",
    "deadlines.demo",
    "letters.demo",
    "panels.demo",
    "appeals.demo",
    "public.demo",
    "reporting.demo",
    "privacy.demo",
    "api.demo",
]


def demo_modules() -> list[ModuleType]:
    """The installed apps' demo modules, in loading order."""
    modules = []
    for dotted in DEMO_MODULES:
        try:
            modules.append(importlib.import_module(dotted))
        except ModuleNotFoundError as exc:
            if exc.name != dotted:
                raise
    return modules
