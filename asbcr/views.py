from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from partnerships.selectors import home_summary


def start(request):
    """The public start page: what a case review is, and the way in for staff."""
    from partnerships.models import Area

    return render(request, "public/start.html", {"areas": Area.objects.order_by("name")})


@login_required
def home(request):
    """The staff home page: the user's work queue first, then their roles and pages."""
    from work.selectors import work_queue

    return render(
        request,
        "staff/home.html",
        {**home_summary(user=request.user), "work": work_queue(user=request.user)},
    )


def healthz(request):
    """For load balancers and docker-compose: the app is up and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
