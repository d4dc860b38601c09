from django import template

register = template.Library()


@register.inclusion_tag("includes/error_summary.html")
def errors_for(*forms):
    """One GOV.UK error summary for several forms and formsets, each error linking to its field."""
    items = []
    for form in forms:
        if form is None or not getattr(form, "is_bound", False):
            continue
        subforms = getattr(form, "forms", None)
        if subforms is not None:  # a formset
            items += [("#" + form.prefix, e) for e in form.non_form_errors()]
            for sub in subforms:
                items += _form_items(sub)
        else:
            items += _form_items(form)
    return {"items": items}


def _form_items(form):
    items = [("#main-content", e) for e in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        field = form[name]
        anchor = field.auto_id or ""
        widget = field.field.widget
        if getattr(widget, "input_type", "") in ("radio", "checkbox") or hasattr(widget, "widgets"):
            anchor = (
                f"{anchor}_0"
                if hasattr(widget, "widgets")
                else f"{anchor}_1"
                if getattr(widget, "input_type", "") == "radio"
                else anchor
            )
        for error in errors:
            items.append((f"#{anchor}", error))
    return items


# GOV.UK tag colours by phase of the review: new, gathering, deciding and at panel,
# reviewed and told, monitoring, back after an appeal, and ended.
_STATE_COLOURS = {
    "received": "blue",
    "acknowledged": "blue",
    "gathering_information": "light-blue",
    "threshold_met": "purple",
    "panel_arranged": "purple",
    "reviewed": "turquoise",
    "outcome_sent": "turquoise",
    "monitoring": "green",
    "reopened": "orange",
}


@register.filter
def state_tag_class(state: str) -> str:
    """The GOV.UK tag class for a case state (grey for a case that has ended)."""
    return f"govuk-tag--{_STATE_COLOURS.get(state, 'grey')}"
