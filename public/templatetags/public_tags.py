from django import template

register = template.Library()


def _anchor(bound) -> str:
    """Where an error-summary link must land (``GovukBoundField.anchor``): the first radio
    or checkbox of a group, the day box of a date, otherwise the input itself."""
    return getattr(bound, "anchor", None) or bound.auto_id


@register.inclusion_tag("public/includes/error_summary.html")
def public_errors(*forms_):
    """One GOV.UK error summary for the page's forms, each link landing on its field."""
    items = []
    for form in forms_:
        if form is None or not getattr(form, "is_bound", False):
            continue
        items += [("#main-content", e) for e in form.non_field_errors()]
        for name, errors in form.errors.items():
            if name == "__all__":
                continue
            items += [(f"#{_anchor(form[name])}", e) for e in errors]
    return {"items": items}


@register.filter
def has_errors(*forms_):
    return any(getattr(f, "is_bound", False) and f.errors for f in forms_ if f is not None)
