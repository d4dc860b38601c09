"""Labels for stored codes, contributed by the app that owns each code.

The project's word filters (``asbcr/templatetags/words.py``) sit below every app, so they
cannot import the apps' TextChoices. Each app registers its labels here when it is ready
(``AppConfig.ready``), as the case-page sections are registered in ``cases.hooks``:

    words.register_labels("case_state", CaseState)
    words.register_summary(rewrite_event_summary)

A kind nobody registered, or a code with no label, is written out in plain words.
"""

from collections.abc import Callable, Mapping

Labels = type | Mapping | Callable[[str], str | None]

_LABELS: dict[str, Labels] = {}
_SUMMARIES: list[Callable[[object], str | None]] = []


def register_labels(kind: str, labels: Labels) -> None:
    """Labels for one kind of code: a TextChoices class, a mapping, or a function of the
    code that returns its label or None."""
    _LABELS[kind] = labels


def register_summary(rewrite: Callable[[object], str | None]) -> None:
    """A function of a timeline event returning its headline in words, or None to leave it
    to the next one (and in the end to the summary as stored)."""
    if rewrite not in _SUMMARIES:
        _SUMMARIES.append(rewrite)


def label(kind: str, code) -> str | None:
    """The registered label of ``code``, or None."""
    labels = _LABELS.get(kind)
    if labels is None or code in (None, ""):
        return None
    if isinstance(labels, type):  # TextChoices
        try:
            return str(labels(code).label)
        except ValueError:
            return None
    if isinstance(labels, Mapping):
        found = labels.get(code)
        return None if found is None else str(found)
    return labels(code)


def summary(event) -> str | None:
    for rewrite in _SUMMARIES:
        text = rewrite(event)
        if text:
            return text
    return None
