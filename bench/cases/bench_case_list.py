"""The staff case list at county scale, against a bare view of the same rows, same run.

    DATABASE_URL=postgres://.../scratch python bench/cases/bench_case_list.py \
        [--cases 100000] [--incidents 100000] [--repeat 5]

``bench_data`` makes the cases and involves each one's administering agency (as
receiving a case does; this script adds it to data built before bench_data did), so an
officer of one council sees that council's cases: one area's share of them. It times,
through the test client as that officer:

- the floor: a bare Django view of the same 25 rows (their ids known in advance, no
  visibility rule, no count, a template of one table);
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

    runs = {
        "floor: bare view of the same rows": get("/bench-bare-case-rows/"),
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
    floor = results["floor: bare view of the same rows"][0]
    for name, (seconds, queries) in results.items():
        print(f"{name:40} {seconds * 1000:8.1f} ms {queries:3} queries {seconds / floor:5.1f}x")


if __name__ == "__main__":
    main()
