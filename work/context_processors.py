from django.utils.functional import SimpleLazyObject


def work_count(request):
    """The number next to "Your work" in the staff navigation, counted only when a page
    shows it (public pages, PDFs and the API never ask)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        from work.selectors import work_count as counted

        return counted(user=user)

    return {"work_count": SimpleLazyObject(count)}
