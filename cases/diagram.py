"""The case state diagram, generated from the transitions declared on ``Case``."""

from cases.constants import CaseState
from cases.models import Case


def transitions() -> list[tuple[str, str, str]]:
    """(source, target, transition name) for every declared transition, sorted."""
    field = Case._meta.get_field("state")
    rows = set()
    for t in field.get_all_transitions(Case):
        rows.add((t.source, t.target, t.name))
    order = {state: i for i, state in enumerate(CaseState.values)}
    return sorted(rows, key=lambda r: (order.get(r[0], -1), order.get(r[1], -1), r[2]))


def mermaid() -> str:
    lines = ["stateDiagram-v2", "    [*] --> received: receive"]
    for source, target, name in transitions():
        lines.append(f"    {source} --> {target}: {name}")
    lines.append("    closed --> [*]")
    return "\n".join(lines)


def markdown() -> str:
    states = "\n".join(f"| `{s.value}` | {s.label} |" for s in CaseState)
    return f"""# Case states

Generated from `cases/models.py` by `python manage.py state_diagram` — do not edit by
hand; a test fails if this file and the code disagree.

```mermaid
{mermaid()}
```

| state | shown to staff as |
|---|---|
{states}
"""
