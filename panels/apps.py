from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "panels"

    def ready(self):
        from cases import hooks
        from panels import hooks as panel_hooks
        from panels import selectors
        from panels.steps import panel_steps

        hooks.close_blocker(panel_hooks.close_blocker)
        hooks.case_section(panel_hooks.case_section, tab="panel")
        hooks.case_steps(panel_steps)
        hooks.access_gate(selectors.declaration_refusal)
        hooks.transition_evidence("record_review", panel_hooks.review_evidence)
