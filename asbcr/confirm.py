"""A confirmation step before anything that cannot be undone (GOV.UK "Are you sure").

A view that does something final calls ``confirmation_page`` first: until the person
has pressed the confirmation page's button (which posts ``confirmed=yes`` with every
field they sent), it answers with that page instead of doing it.
"""

from django.shortcuts import render

CONFIRMED = "confirmed"


def confirmation_page(request, *, title: str, warning: str, button: str, back_url: str):
    """The confirmation page for this POST, or None once the person has confirmed."""
    if request.POST.get(CONFIRMED) == "yes":
        return None
    carried = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", CONFIRMED)
        for value in values
    ]
    return render(
        request,
        "staff/confirm.html",
        {
            "title": title,
            "warning": warning,
            "button": button,
            "back_url": back_url,
            "carried": carried,
            "action": request.get_full_path(),
        },
    )
