from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = "Deadlines and escalation"

    def ready(self):
        from cases import hooks
        from deadlines import selectors, services, steps, views

        hooks.after_transition(services.on_case_transition)
        hooks.overdue_filter(selectors.overdue_case_filter)
        hooks.next_due(selectors.next_due_expression)
        hooks.case_section(views.case_deadlines_section, tab="timeline")
        hooks.step_annotator(steps.annotate_steps)

        from asbcr.calendar import register_closure_days

        register_closure_days(selectors.closure_days_for_area)
