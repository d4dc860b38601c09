"""The outbox's fast rendering gives exactly what ``render_to_string`` gives: the same
words, the same escaping (HTML escaped, plain text not), in English and in Welsh."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from deadlines.email_render import EmailRenderer, _flat
from tests.factories import receive_case

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script> & \"quoted\" {{ not a tag }}"


def names(template: str) -> list[str]:
    base = f"deadlines/email/{template}"
    return [f"{base}_subject.txt", f"{base}.txt", f"{base}.html"]


@pytest.fixture
def deadline(area, officer):
    case = receive_case(area=area, by=officer)
    deadline = case.deadlines.get(step="acknowledge")
    deadline.rule = f"Acknowledge {HOSTILE}"
    return deadline


def contexts(deadline, officer):
    common = {
        "site_url": "https://example.org",
        "service_name": f"ASB Case Review {HOSTILE}",
        "link": f"/staff/cases/{deadline.case.reference}/?a=1&b=<2>",
        "link_label": f"Open case {HOSTILE}",
        "deadline": deadline,
        "case": deadline.case,
        "recipient_name": f"Pat {HOSTILE}",
    }
    yield "reminder", common
    yield "breach", common
    for level, days in (("Line manager", 1), ("Head of service", 61)):
        yield "escalation", {**common, "level": level, "days_overdue": days, "rung": None}
    deadline.responsible_user = None
    yield "escalation", {**common, "level": "Chief executive", "days_overdue": 0}
    yield "delay", {**common, "previous_due": deadline.due - dt.timedelta(days=3)}


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_fast_rendering_matches_the_template_engine(deadline, officer, language):
    with translation.override(language):
        renderer = EmailRenderer()
        for template, context in contexts(deadline, officer):
            assert all(_flat(name) is not None for name in names(template)), template
            expected = [render_to_string(name, context) for name in names(template)]
            assert renderer.render(names(template), context) == expected, template
            # A second message through the same renderer (remembered dates) is the same.
            assert renderer.render(names(template), context) == expected, template


def test_escaping_is_kept(deadline, officer):
    _, context = next(contexts(deadline, officer))
    subject, text, html = EmailRenderer().render(names("reminder"), context)
    assert "<script>" in text and "<script>" in subject
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&amp;b=&lt;2&gt;" in html


def test_a_due_date_is_written_for_each_message(deadline, officer):
    _, context = next(contexts(deadline, officer))
    renderer = EmailRenderer()
    first = renderer.render(names("breach"), context)[0]
    deadline.due = deadline.due + dt.timedelta(days=1)
    second = renderer.render(names("breach"), context)[0]
    assert first != second
    assert second == render_to_string(names("breach")[0], context)


def test_messages_through_one_renderer_never_share_their_own_text(area, officer):
    # The renderer remembers escaped texts and formatted dates between messages: each
    # message must still have its own case, step, owner and dates, exactly as the
    # template engine writes them.
    first, second = (receive_case(area=area, by=officer) for _ in range(2))
    assert first.reference != second.reference
    renderer = EmailRenderer()
    for template in ("breach", "reminder", "escalation"):
        rendered = {}
        for case, rule, name, days in (
            (first, "Acknowledge <b>&</b>", "Pat", 1),
            (second, "Decide {0} {1}", "Sam <Smith>", 12),
            (first, "Acknowledge <b>&</b>", "Sam <Smith>", 12),
        ):
            deadline = case.deadlines.get(step="acknowledge")
            deadline.rule = rule
            context = {
                "site_url": "https://example.org",
                "link": f"/staff/cases/{case.reference}/",
                "link_label": f"Open case {case.reference}",
                "deadline": deadline,
                "case": case,
                "recipient_name": name,
                "level": "Line manager",
                "days_overdue": days,
            }
            expected = [render_to_string(n, context) for n in names(template)]
            got = renderer.render(names(template), context)
            assert got == expected, template
            rendered[(case.reference, name)] = got
        assert first.reference not in "".join(rendered[(second.reference, "Sam <Smith>")])
        assert second.reference not in "".join(rendered[(first.reference, "Pat")])
        assert len({tuple(texts) for texts in rendered.values()}) == 3


def test_templates_with_other_tags_are_rendered_as_usual(deadline, officer):
    # The daily digest loops over its items and the work message uses {% url %}.
    assert _flat("deadlines/email/work_digest.txt") is None
    assert _flat("deadlines/email/work.txt") is None
    assert _flat("deadlines/email/breach.html") is not None
    context = {"recipient_name": HOSTILE, "items": [], "today": deadline.due, "link": "/"}
    wanted = ["deadlines/email/work_digest.txt", "deadlines/email/work_digest.html"]
    assert EmailRenderer().render(wanted, context) == [render_to_string(n, context) for n in wanted]


def test_case_links_for_many_messages_are_the_reversed_url(deadline):
    from django.urls import reverse

    from deadlines.notifications import _Links

    links = _Links()
    for reference in (deadline.case.reference, "HER-2026-0001", "a1-b2"):
        assert links.case_url(reference) == reverse("cases:detail", args=[reference])


class _Called:
    """A case whose reference is a method: the template engine calls it."""

    def __init__(self, reference):
        self._reference = reference

    def reference(self):
        return self._reference


class _Indexed:
    """A case that answers ``[...]``: the template engine reads keys before attributes."""

    reference = "attribute"

    def __getitem__(self, key):
        return f"item {key}"


def test_values_of_every_shape_are_looked_up_as_the_engine_does(deadline, officer):
    # Most variables are looked up directly (a name, then dict keys and attributes); a
    # method, an object with ``[...]``, a missing name or attribute and a dict are each
    # given what the template engine gives them.
    _, common = next(contexts(deadline, officer))
    shapes = [
        {**common, "case": _Called("CALLED-1")},
        {**common, "case": _Indexed()},
        {**common, "case": {"reference": "FROM-A-DICT"}},
        {**common, "case": {}},
        {**common, "case": object()},
        {**common, "deadline": {"rule": "A <rule>", "due": deadline.due}},
        {k: v for k, v in common.items() if k != "recipient_name"},
        {**common, "recipient_name": None, "link": 12},
    ]
    renderer = EmailRenderer()
    for context in shapes:
        for template in ("breach", "reminder", "escalation"):
            try:
                expected = [render_to_string(name, context) for name in names(template)]
            except Exception as exc:  # noqa: BLE001 - a filter's argument must exist
                with pytest.raises(type(exc)):
                    renderer.render(names(template), context)
                continue
            assert renderer.render(names(template), context) == expected, (template, context)
    assert "CALLED-1" in renderer.render(names("breach"), shapes[0])[1]
    assert "item reference" in renderer.render(names("breach"), shapes[1])[1]
