"""The officer revokes or re-issues an applicant's tracking link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asbcr.confirm import confirmation_page
from cases.selectors import case_get
from public import services


def _staff_case(request, reference):
    case = case_get(user=request.user, reference=reference)
    if not request.user.has_perm("cases.manage_case", case):
        raise PermissionDenied
    return case


@login_required
@require_POST
def staff_tracking_issue(request, reference):
    case = _staff_case(request, reference)
    token = services.tracking_link_issue(case=case, by=request.user)
    link = services.tracking_url(token)
    messages.success(
        request,
        _(
            "A new tracking link has been issued and the old one no longer works. %(sent)s New link: %(link)s"
        )
        % {
            "sent": _("It has been emailed to the applicant.")
            if case.applicant.email
            else _("The applicant has no email address: send it by post."),
            "link": link,
        },
    )
    return redirect("cases:detail", reference)


@login_required
@require_POST
def staff_tracking_revoke(request, reference):
    case = _staff_case(request, reference)
    confirm = confirmation_page(
        request,
        title=_("Revoke the applicant's tracking link?"),
        warning=_(
            "The link stops working at once and cannot be turned back on. The applicant "
            "needs a new link to follow the case."
        ),
        button=_("Revoke the link"),
        back_url=reverse("cases:detail", args=[reference]),
    )
    if confirm is not None:
        return confirm
    services.tracking_link_revoke(case=case, by=request.user)
    messages.success(request, _("The applicant's tracking link no longer works."))
    return redirect("cases:detail", reference)
