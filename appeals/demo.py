"""Demo appeals: one on each area's threshold-not-met demo case (``manage.py load_demo``).

Idempotent: a case that already has an appeal is left alone. Devon & Cornwall's appeal
is taken through its first stage with a reason recorded for missing evidence, so the
evidence bundle and the compliance audit have something to show; Hertsmere's and
Bedford's wait for an independent reviewer, showing why their own reviewers cannot take
them (they work for the administering council).
"""

from django.utils import timezone

from appeals import services
from appeals.models import Appeal
from appeals.selectors import appealable_decision
from cases.constants import CaseState, Channel
from cases.demo import DEMO_VICTIM_NAMES
from cases.models import Case
from partnerships.constants import Role
from partnerships.models import User

WORDS = (
    "The council said it was not bad enough for a review, but it has gone on for over a "
    "year and some of my reports to the housing association were not counted."
)


def _officer(area):
    return (
        User.objects.filter(role_assignments__area=area, role_assignments__role=Role.CASE_OFFICER)
        .order_by("username")
        .first()
    )


def load_demo(stdout) -> None:
    created = 0
    cases = Case.objects.filter(
        state=CaseState.THRESHOLD_NOT_MET, victim__name__in=DEMO_VICTIM_NAMES
    ).select_related("area", "procedure_version")
    for case in cases.order_by("area__slug", "id"):
        if Appeal.objects.filter(case=case).exists() or appealable_decision(case) is None:
            continue
        section = case.procedure_version.section("appeal")
        officer = _officer(case.area)
        if not section or officer is None:
            continue
        appeal = services.appeal_lodge(
            case=case,
            by=officer,
            grounds=[g["key"] for g in section["grounds"]][:2],
            applicant_words=WORDS,
            lodged_on=timezone.localdate(),
            channel=Channel.PHONE,
        )
        created += 1
        if case.area.slug == "devon-and-cornwall" and appeal.reviewer:
            services.appeal_stage_complete(
                stage=appeal.stages.order_by("order")[0], by=appeal.reviewer
            )
            services.appeal_evidence_note(
                appeal=appeal,
                by=officer,
                item="minutes",
                reason="No panel met: the threshold was decided not met before a meeting.",
            )
    stdout.write(f"Demo appeals: {created} created.")
