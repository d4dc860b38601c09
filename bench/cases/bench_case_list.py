"""The staff case list at county scale, against a bare view of the same rows, same run.

    DATABASE_URL=postgres://.../scratch python bench/cases/bench_case_list.py \
        [--cases 100000] [--incidents 100000] [--repeat 5]

``bench_data`` makes the cases and involves each one's administering agency (as
receiving a case does; this script adds it to data built before bench_data did), so an
officer of one council sees that council's cases: one area's share of them. It times,
through the test client as that officer:

- the floor, as the issue defines it: a bare Django view with the visibility rule
  applied (the cases the officer may see, newest first, 25 of them and the count, a
  template of one table);
- a stricter bare view, shown beside it: the same 25 rows with their ids known in
  advance (no rule, no count);
- the case list, first page, default sort;
- the case list sorted by next deadline;
- a search for a name, and for a word in the incidents.

Medians are printed with each one's ratio to the floor and its query count. Nothing here
asserts a time; the target (issue 23) is the case list at most 3x the floor. The first
page is also a row of ``make bench`` (``bench/run.py``), against the same floor.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import analyze, median, prepare, timed  # noqa: E402


def involve_administering_agencies() -> int:
    from cases.models import Case, CaseAgency

    missing = Case.objects.exclude(involvements__role="administering").values_list(
        "pk", "area__administering_agency_id"
    )
    rows = [
        CaseAgency(case_id=pk, agency_id=agency, role="administering")
        for pk, agency in missing.iterator()
        if agency
    ]
    CaseAgency.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def bare_view_factory(ids):
    from django.http import HttpResponse
    from django.template import engines

    from cases.models import Case

    template = engines["django"].from_string(
        "<table>{% for c in cases %}<tr><td>{{ c.reference }}</td><td>{{ c.victim.name }}"
        "</td><td>{{ c.area.name }}</td><td>{{ c.received_on }}</td><td>{{ c.state }}</td>"
        "</tr>{% endfor %}</table>"
    )

    def bare(request):
        cases = Case.objects.filter(pk__in=ids).select_related("area", "victim", "case_officer")
        return HttpResponse(template.render({"cases": cases}, request))

    return bare


def _render(source: str):
    from django.template import engines

    return engines["django"].from_string(source)


_ROWS = _render(
    "<table>{% for c in rows %}<tr><td>{{ c.reference }}</td><td>{{ c.victim.name }}"
    "</td><td>{{ c.area.name }}</td><td>{{ c.received_on }}</td><td>{{ c.state }}</td>"
    "</tr>{% endfor %}</table><p>{{ count }}</p>"
)


def bare_case_list_factory(user, per_page):
    """The issue's floor for the case list: a bare view with the visibility rule
    applied. The cases the user may see (the rule's ids), newest first, one page of them
    with their victim and area, and how many there are; rendered as one table."""
    from django.http import HttpResponse

    from cases.models import Case
    from cases.selectors import visible_case_ids

    def bare(request):
        visible = Case.objects.filter(pk__in=visible_case_ids(user))
        rows = visible.select_related("area", "victim").order_by("-received_on", "-id")
        context = {"rows": rows[:per_page], "count": visible.count()}
        return HttpResponse(_ROWS.render(context, request))

    return bare


def bare_search_factory(user, q, per_page):
    """The least a search must do: the cases the user may see (the visibility rule's
    ids) that match the words, newest first, one page of them with their victim and
    area, and how many there are; rendered as one table."""
    from django.http import HttpResponse

    from cases.models import Case
    from cases.search import case_search_filter
    from cases.selectors import visible_case_ids

    def bare(request):
        found = Case.objects.filter(pk__in=visible_case_ids(user)).filter(case_search_filter(q))
        rows = found.select_related("area", "victim").order_by("-received_on", "-id")
        context = {"rows": rows[:per_page], "count": found.count()}
        return HttpResponse(_ROWS.render(context, request))

    return bare


def bare_my_work_factory(user, shown):
    """The least the staff home's work queue must do: the live deadlines named as the
    user's on cases they may see, soonest first, the first ``shown`` with their case, and
    how many there are; rendered as one table."""
    from django.http import HttpResponse

    from cases.selectors import visible_case_ids
    from deadlines.constants import LIVE_STATES
    from deadlines.models import Deadline

    template = _render(
        "<table>{% for d in rows %}<tr><td>{{ d.case.reference }}</td><td>{{ d.kind }}</td>"
        "<td>{{ d.due }}</td></tr>{% endfor %}</table><p>{{ count }}</p>"
    )

    def bare(request):
        mine = Deadline.objects.filter(
            state__in=LIVE_STATES, responsible_user=user, case__in=visible_case_ids(user)
        )
        rows = mine.select_related("case").order_by("due", "id")[:shown]
        return HttpResponse(template.render({"rows": rows, "count": mine.count()}, request))

    return bare


def bare_dashboard_factory(user, area, today):
    """The least an area's deadlines dashboard must do: the live deadlines of the cases
    in the area the user may see, counted overdue, due today and due this week, and the
    overdue ones counted by officer and by agency, in the database; rendered as lists."""
    from django.db.models import Count, Q
    from django.http import HttpResponse

    from cases.selectors import visible_case_ids
    from deadlines.constants import LIVE_STATES
    from deadlines.models import Deadline
    from deadlines.selectors import week_end

    template = _render(
        "<p>{{ counts.overdue }} {{ counts.today }} {{ counts.week }}</p><ul>"
        "{% for o in by_owner %}<li>{{ o.responsible_user__last_name }} "
        "{{ o.responsible_agency__name }} {{ o.n }}</li>{% endfor %}</ul>"
    )

    def bare(request):
        live = Deadline.objects.filter(
            state__in=LIVE_STATES, case__area=area, case__in=visible_case_ids(user)
        )
        counts = live.aggregate(
            overdue=Count("pk", filter=Q(due__lt=today)),
            today=Count("pk", filter=Q(due=today)),
            week=Count("pk", filter=Q(due__gt=today, due__lte=week_end(today))),
        )
        by_owner = (
            live.filter(due__lt=today)
            .values("responsible_user__last_name", "responsible_agency__name")
            .annotate(n=Count("pk"))
            .order_by("-n")
        )
        return HttpResponse(template.render({"counts": counts, "by_owner": by_owner}, request))

    return bare


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    prepare(cases=args.cases, incidents=args.incidents)
    added = involve_administering_agencies()
    if added:
        print(f"involved the administering agency in {added} cases")
    analyze()

    from django.test import Client
    from django.urls import clear_url_caches, path

    import asbcr.urls
    from cases import selectors
    from cases.views import PAGE_SIZE
    from partnerships.models import User

    officer = User.objects.get(username="hertsmere.officer")
    visible = selectors.case_list(user=officer)
    ids = list(visible.values_list("pk", flat=True)[:PAGE_SIZE])
    name = visible.values_list("victim__name", flat=True).first()  # someone they can see
    asbcr.urls.urlpatterns.append(path("bench-bare-case-rows/", bare_view_factory(ids)))
    clear_url_caches()
    client = Client()
    client.force_login(officer)
    print(f"{officer} sees {visible.count():,} of {selectors.Case.objects.count():,} cases")

    def get(url, params=None):
        def run():
            response = client.get(url, params or {})
            assert response.status_code == 200, response.status_code

        return run

    asbcr.urls.urlpatterns.append(
        path("bench-bare-case-list/", bare_case_list_factory(officer, PAGE_SIZE))
    )
    clear_url_caches()
    runs = {
        "floor: bare view with the rule applied": get("/bench-bare-case-list/"),
        "bare view of the same rows, ids known": get("/bench-bare-case-rows/"),
        "case list, first page": get("/staff/cases/"),
        "case list, sorted by next deadline": get("/staff/cases/", {"sort": "deadline"}),
        "search for a name": get("/staff/cases/", {"q": name}),
        "search for a word in incidents": get("/staff/cases/", {"q": "harassment"}),
    }
    for fn in runs.values():  # warm: templates, URL conf, connection
        fn()
    results = {}
    for name, fn in runs.items():
        times, queries = [], 0
        for _ in range(args.repeat):
            seconds, queries = timed(fn)
            times.append(seconds)
        results[name] = (median(times), queries)
    floor = results["floor: bare view with the rule applied"][0]
    strict = results["bare view of the same rows, ids known"][0]
    print(f"{'':40} {'':>8}    {'':>3}         {'floor':>6} {'ids known':>9}")
    for name, (seconds, queries) in results.items():
        print(
            f"{name:40} {seconds * 1000:8.1f} ms {queries:3} queries "
            f"{seconds / floor:5.1f}x {seconds / strict:8.1f}x"
        )


if __name__ == "__main__":
    main()
