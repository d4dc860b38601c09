from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from partnerships.selectors import home_summary


def start(request):
    """The site's root is the one public start page (``/apply/``): a second page with its
    own "Start now" in front of it made the applicant start twice."""
    return redirect("public:apply")


@login_required
def home(request):
    """The staff home page: the user's work queue first, today's meetings, then their roles
    and pages."""
    from panels.selectors import meetings_today_for
    from work.selectors import work_queue

    context = home_summary(user=request.user)
    context["todays_meetings"] = meetings_today_for(user=request.user)
    context["work"] = work_queue(user=request.user)
    return render(request, "staff/home.html", context)


def healthz(request):
    """For load balancers and docker-compose: the app is up and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
