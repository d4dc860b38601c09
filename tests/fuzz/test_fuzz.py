"""Hostile input, everywhere: no page gives a server error, none reflects a payload.

Walks every URL pattern from the resolver (valid, missing, garbage, NUL and huge values
for each argument, hostile query parameters) and every form the pages render (each field
given the hostile values for its type), as the demo roles. ``make test`` runs a fixed,
deterministic sample; ``ASBCR_FUZZ_BUDGET=deep`` walks every role, value and case.
It prints the counts of requests and of 5xx; the test fails listing every 5xx with its URL, field
and payload.
"""

import os
import time

import pytest

from tests.demo_data import load_demo
from tests.fuzz.walker import (
    HOSTILE_QUERY_VALUES,
    HOSTILE_SEGMENTS,
    Fuzzer,
    all_routes,
    fill,
    forms_on,
    hostile_query,
    mutations,
    values_for,
)

DEEP = os.environ.get("ASBCR_FUZZ_BUDGET", "").lower() == "deep"
SEED = int(os.environ.get("ASBCR_FUZZ_SEED", "20260401"))
# Optional wall-clock cap (seconds) for the deep walk on a slow machine: the URL walk gets
# half, the forms the rest, and it reports what it covered.
MAX_SECONDS = float(os.environ.get("ASBCR_FUZZ_MAX_SECONDS", "0")) or None

# The roles the quick walk uses, most reach first; the deep walk uses every demo user.
QUICK_ROLES = [
    "hertsmere.officer",
    "hertsmere.admin",
    "hertsmere.spoc",
    "hertsmere.chair",
    "hertsmere.reviewer",
    "admin",
    "staffordshire.monitor",
    "merton.officer",
]
QUICK_SEGMENTS = ["missing-int", "missing-text", "garbage", "nul", "huge", "script"]
QUICK_QUERY = ["nul", "huge", "widest-period", "script"]
QUICK_MUTATIONS_PER_FORM = 12


def _valid_values(reference):
    """Argument name -> real values from the demo data (first is the one used most)."""
    from appeals.models import Appeal, AppealStage, Recommendation
    from cases.models import Case
    from deadlines.models import Deadline
    from letters.constants import LetterKind
    from letters.models import Letter
    from panels.models import Action, Listing, Meeting
    from partnerships.models import Area
    from public import flow
    from public.services import tracking_link_issue
    from thresholds.models import ReviewSuggestion, SecondReportNotice

    cases = list(Case.objects.filter(area__slug="hertsmere").order_by("pk"))
    by_state = {}
    for case in cases:
        by_state.setdefault(case.state, case)
    chosen = list(by_state.values())
    if DEEP:
        chosen += list(Case.objects.exclude(area__slug="hertsmere").order_by("pk")[:6])
    else:
        chosen = chosen[:5]
    chosen.insert(1, _case_pinned_to_an_unevaluable_version(reference))
    token = tracking_link_issue(case=chosen[0], by=reference["users"]["hertsmere.officer"])

    def pks(model, **filters):
        return [str(pk) for pk in model.objects.filter(**filters).order_by("pk")[:3]] or ["1"]

    appeal = Appeal.objects.order_by("pk").first()
    transitions = sorted({t.name for t in Case._meta.get_field("state").get_all_transitions(Case)})
    return {
        "reference": [c.reference for c in chosen],
        "name": transitions[:2] if not DEEP else transitions,
        "area": ["hertsmere", "merton"],
        "slug": ["hertsmere", "merton"],
        "number": ["1"],
        "kind": [LetterKind.CR1, LetterKind.OUTCOME],
        "fmt": ["csv", "xlsx"],
        "year": ["2025"],
        "index": ["0"],
        "token": [token],
        "key": [s.key for s in flow.STEPS][:3],
        "letter_id": pks(Letter),
        "stage_pk": pks(AppealStage, appeal=appeal),
        "rec_pk": pks(Recommendation),
        "object_id": ["1"],
        "app_label": ["cases"],
        "content_type_id": ["1"],
        "url": ["x"],
        "uidb64": ["x"],
        "pk:staff/thresholds/queue/suggestion/": pks(ReviewSuggestion),
        "pk:staff/thresholds/queue/notice/": pks(SecondReportNotice),
        "pk:staff/deadlines/": pks(Deadline),
        "pk:staff/letters/letter/": pks(Letter),
        "pk:staff/panels/meetings/": pks(Meeting),
        "pk:staff/panels/panel/": pks(Listing),
        "pk:staff/panels/actions/": pks(Action),
        "pk:staff/appeals/": [str(appeal.pk)] if appeal else ["1"],
        "_areas": list(Area.objects.values_list("slug", flat=True)),
    }


def _case_pinned_to_an_unevaluable_version(reference):
    """A case whose procedure version, written straight to the database, has an absurd
    window: every page must still answer (saying it cannot evaluate the procedure)."""
    import copy

    from cases.models import Case
    from partnerships.models import ProcedureVersion
    from tests.factories import receive_case

    area = reference["areas"]["hertsmere"]
    current = area.procedure.current_version
    data = copy.deepcopy(current.data)
    data["threshold"]["routes"][0]["window"] = {"amount": 999_999_999_999, "unit": "months"}
    version = ProcedureVersion.objects.create(
        procedure=area.procedure, number=current.number + 1, data=data, source_yaml="x: 1\n"
    )
    case = receive_case(area=area, by=reference["users"]["hertsmere.officer"])
    Case.objects.filter(pk=case.pk).update(procedure_version=version)
    # The procedure is then corrected; the case stays pinned to the broken version.
    ProcedureVersion.objects.create(
        procedure=area.procedure,
        number=current.number + 2,
        data=current.data,
        source_yaml=current.source_yaml,
        change_note="Corrected",
    )
    return case


def _prepare_public_draft(fuzzer):
    """An anonymous visitor part-way through an application, so the wizard pages render."""
    from tests.public.helpers import apply

    client = fuzzer.client_for("anonymous")
    apply(client, incidents=1)
    return client


@pytest.mark.django_db
def test_no_hostile_input_gives_a_server_error_or_reflects_a_payload(reference, settings, capsys):
    settings.PUBLIC_POST_RATE = settings.PUBLIC_SUBMIT_RATE = "1000000/h"
    settings.PUBLIC_SAVE_RATE = "1000000/h"
    from django.core.cache import cache

    cache.clear()
    started = time.monotonic()
    load_demo()
    from django.contrib.auth import get_user_model

    users = {**reference["users"], "admin": get_user_model().objects.get(username="admin")}
    valid = _valid_values(reference)
    fuzzer = Fuzzer(seed=SEED)
    rnd = fuzzer.random
    roles = sorted(users) if DEEP else [r for r in QUICK_ROLES if r in users]
    clients = {who: fuzzer.client_for(who, users[who]) for who in roles}
    clients["anonymous"] = _prepare_public_draft(fuzzer)
    order = [*roles, "anonymous"]

    routes = all_routes()
    assert len(routes) > 80
    forms = {}  # signature -> [(who, form)]
    segments = list(HOSTILE_SEGMENTS) if DEEP else QUICK_SEGMENTS

    def out_of_time(share=1.0):
        return MAX_SECONDS is not None and time.monotonic() - started > MAX_SECONDS * share

    for route in routes:
        if out_of_time(share=0.5):  # leave half of a capped walk for the forms
            break
        admin = route.route.startswith("admin/")
        if admin and not DEEP and route.params:
            continue
        base = {p: values_for(route, p, valid)[0] for p in route.params}
        combos = [base]
        for p in route.params:
            for extra in values_for(route, p, valid)[1 : None if DEEP else 5]:
                combos.append({**base, p: extra})
        # Valid values, as every role.
        for values in combos:
            url = fill(route.route, values)
            for who in (
                (["admin"] if admin else order) if values is base or DEEP else ([order[0], "admin"])
            ):
                response = fuzzer.get(who, clients[who], url, "valid")
                if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                    for form in forms_on(url, response.content.decode("utf-8", "replace")):
                        forms.setdefault(form.signature(), []).append((who, form))
        # Hostile values for each argument.
        for p in route.params:
            for label in segments:
                url = fill(route.route, {**base, p: HOSTILE_SEGMENTS[label]})
                who_list = order if DEEP else [rnd.choice(["admin", order[0]])]
                for who in dict.fromkeys(who_list):
                    fuzzer.get(who, clients[who], url, f"{p}={label}")
        # Hostile query parameters on the valid URL.
        if not admin:
            url = fill(route.route, base)
            for label in HOSTILE_QUERY_VALUES if DEEP else QUICK_QUERY:
                who = order[0] if DEEP else rnd.choice(order)
                fuzzer.get(who, clients[who], f"{url}?{hostile_query(label)}", f"query={label}")

    walked = fuzzer.requests
    # Every form, each field given the hostile values for its type.
    for _signature, seen in sorted(forms.items()):
        if out_of_time():
            break
        targets = seen if DEEP else seen[:1]
        for who, form in targets:
            attacks = mutations(form)
            if not DEEP and len(attacks) > QUICK_MUTATIONS_PER_FORM:
                keep = attacks[:3] + attacks[-2:]
                rest = attacks[3:-2]
                attacks = keep + rnd.sample(rest, QUICK_MUTATIONS_PER_FORM - len(keep))
            for what, data in attacks:
                fuzzer.post(who, clients[who], form.action, data, what)

    elapsed = time.monotonic() - started
    summary = (
        f"fuzz ({'deep' if DEEP else 'quick'}, seed {SEED}): {walked} URL requests, "
        f"{len(forms)} distinct forms, {fuzzer.requests} requests in all, "
        f"{sum(p.status >= 500 for p in fuzzer.problems)} 5xx, "
        f"{sum(p.status < 500 for p in fuzzer.problems)} reflected, {elapsed:.0f}s"
        + (" (stopped at ASBCR_FUZZ_MAX_SECONDS)" if out_of_time() else "")
    )
    with capsys.disabled():  # shown in every run, not only with -s
        print("\n" + summary)
    assert not fuzzer.problems, summary + "\n" + "\n".join(str(p) for p in fuzzer.problems)
