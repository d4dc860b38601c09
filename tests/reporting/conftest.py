import datetime as dt

import pytest

from tests.reporting.factories import TO_DECISION, TO_REVIEW, appeal, at, case_on, step, victim

D = dt.date


@pytest.fixture
def year_2026(reference, users):
    """Hertsmere cases around financial year 2026 (1 April 2026 to 31 March 2027).

    A  received 31 Mar 2027, threshold not met 31 Mar 2027 23:30 (BST)   -> 2026
    B  received 1 Apr 2027                                               -> 2027
    C  received 31 Mar 2026 (2025), threshold not met 1 Apr 2026 00:30   -> decision in 2026
       appealed 20 Apr 2026, decision upheld (appeal not upheld)
    D  received 1 Apr 2026, withdrawn                                    -> received 2026
    E  received 1 May 2026, reviewed, monitoring (recommendations)       -> 2026
    F  received 2 May 2026, reviewed, outcome sent, closed (no actions)  -> 2026
    G  received 1 Jun 2026, not met, appealed 20 Jun, appeal upheld and
       reopened 1 Jul, threshold met and reviewed 1 Aug                  -> 2026
    H  received 1 Sep 2026, same victim as E (a repeat application)     -> 2026
    L  Luton, received 1 May 2026, threshold not met (another area)
    """
    area = reference["areas"]["hertsmere"]
    by = users["hertsmere.officer"]
    cases = {}
    a = case_on(area=area, by=by, received_on=D(2027, 3, 31))
    cases["A"] = step(
        a, *TO_DECISION, "record_threshold_not_met", by=by, when=at(D(2027, 3, 31), 23, 30)
    )
    cases["B"] = case_on(area=area, by=by, received_on=D(2027, 4, 1))
    c = case_on(area=area, by=by, received_on=D(2026, 3, 31))
    c = step(c, *TO_DECISION, by=by, when=at(D(2026, 3, 31), 15))
    cases["C"] = step(c, "record_threshold_not_met", by=by, when=at(D(2026, 4, 1), 0, 30))
    appeal(c, lodged_on=D(2026, 4, 20), decided_on=D(2026, 5, 10), outcome="uphold_decision")
    d = case_on(area=area, by=by, received_on=D(2026, 4, 1))
    cases["D"] = step(d, "acknowledge", "withdraw", by=by, when=at(D(2026, 4, 10)))
    repeat_victim = victim()
    e = case_on(area=area, by=by, received_on=D(2026, 5, 1), victim=repeat_victim)
    e = step(e, *TO_REVIEW, by=by, when=at(D(2026, 6, 1)))
    cases["E"] = step(e, "send_outcome", "start_monitoring", by=by, when=at(D(2026, 6, 5)))
    f = case_on(area=area, by=by, received_on=D(2026, 5, 2))
    f = step(f, *TO_REVIEW, by=by, when=at(D(2026, 6, 2)))
    cases["F"] = step(f, "send_outcome", "close", by=by, when=at(D(2026, 6, 6)))
    g = case_on(area=area, by=by, received_on=D(2026, 6, 1))
    g = step(g, *TO_DECISION, "record_threshold_not_met", by=by, when=at(D(2026, 6, 10)))
    appeal(g, lodged_on=D(2026, 6, 20), decided_on=D(2026, 7, 1), outcome="refer_back")
    g = step(g, "reopen_after_appeal", by=by, when=at(D(2026, 7, 1)))
    cases["G"] = step(
        g,
        "reconsider_threshold",
        "record_threshold_met",
        "arrange_panel",
        "record_review",
        by=by,
        when=at(D(2026, 8, 1)),
    )
    cases["H"] = case_on(area=area, by=by, received_on=D(2026, 9, 1), victim=victim())
    luton = reference["areas"]["luton"]
    lut_by = users["luton.officer"]
    l_case = case_on(area=luton, by=lut_by, received_on=D(2026, 5, 1))
    cases["L"] = step(
        l_case, *TO_DECISION, "record_threshold_not_met", by=lut_by, when=at(D(2026, 5, 20))
    )
    return cases
