from django.apps import AppConfig


class ThresholdsConfig(AppConfig):
    name = "thresholds"

    def ready(self):
        from cases import hooks
        from thresholds.hooks import threshold_case_section
        from thresholds.steps import threshold_steps

        hooks.case_section(threshold_case_section, tab="threshold")
        hooks.case_steps(threshold_steps)

        from asbcr import words
        from thresholds.constants import DECISION_RULE_LABELS, View

        words.register_labels("threshold_view", View)
        words.register_labels("decision_rule", DECISION_RULE_LABELS)
